"""Fault points (``base.faults``): inert by default, and each action does what it says."""

import os
import signal
import subprocess
import sys
import threading

import pytest

from base.faults import POINTS, InjectedFault, fault_point


def test_a_point_does_nothing_unless_named(monkeypatch):
    monkeypatch.delenv("QUARRY_FAULTS", raising=False)
    for point in POINTS:
        fault_point(point)
    monkeypatch.setenv("QUARRY_FAULTS", "write.lexical=raise")
    fault_point("write.segments")  # another point: still nothing


def test_raise_and_an_unknown_action(monkeypatch):
    monkeypatch.setenv("QUARRY_FAULTS", "write.segments=kill; write.lexical=raise")
    with pytest.raises(InjectedFault, match="write.lexical"):
        fault_point("write.lexical")
    monkeypatch.setenv("QUARRY_FAULTS", "write.lexical=explode")
    with pytest.raises(ValueError, match="explode"):
        fault_point("write.lexical")


def test_hold_waits_at_the_barrier_until_it_is_opened(monkeypatch, tmp_path):
    gate = tmp_path / "gate"
    monkeypatch.setenv("QUARRY_FAULTS", f"ingest.loaded=hold:{gate}")
    passed = threading.Event()

    def write():
        fault_point("ingest.loaded")
        passed.set()

    worker = threading.Thread(target=write)
    worker.start()
    reached = tmp_path / "gate.reached"
    while not reached.exists():  # no timing: the point itself says it is there
        assert worker.is_alive()
        worker.join(0.01)
    assert not passed.is_set()  # held: the gate is closed
    gate.touch()
    worker.join(60)
    assert passed.is_set()


def test_kill_ends_the_process_at_once():
    code = "from base.faults import fault_point\nfault_point('write.current')\nprint('after')"
    env = {**os.environ, "QUARRY_FAULTS": "write.current=kill"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL and "after" not in done.stdout
