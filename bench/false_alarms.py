"""Count conflict alarms on questions outside the gold set (see ``eval.false_alarms``).

python -m bench.false_alarms    # uses QUARRY_DATA_DIR, default ./quarry-data
"""

from __future__ import annotations

from eval.false_alarms import read_sets
from quarry.engine import Engine
from quarry.settings import Settings


def main() -> None:
    engine = Engine(Settings())
    for name, questions in read_sets().items():
        fired = []
        for q in questions:
            answer = engine.answer(q)
            if answer.conflicts:
                fired.append((q, answer.conflicts[0].claims[0].text))
        print(f"set {name}: {len(fired)} of {len(questions)} raised a conflict")
        for q, claim in fired:
            print(f"  {q}\n    first claim: {claim[:120]}")


if __name__ == "__main__":
    main()
