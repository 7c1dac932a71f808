import subprocess
import sys

from ingest.tokens import count_tokens, get_encoding

BLOCK_NETWORK = """
import socket
def refuse(*a, **k):
    raise OSError("network disabled for this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from ingest.tokens import get_encoding
print(get_encoding().encode_ordinary("hello world"))
"""


def test_cl100k_tokens_match_reference():
    # Reference ids of "hello world" in cl100k_base, as published by tiktoken's own tests.
    assert get_encoding().encode_ordinary("hello world") == [15339, 1917]
    assert count_tokens("") == 0


def test_tokenizer_needs_no_network(tmp_path):
    env = {"TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", BLOCK_NETWORK], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[15339, 1917]"
