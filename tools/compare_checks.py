"""Assert that two executions of the book printed the same check cells, number for number.

Usage: python tools/compare_checks.py FIRST SECOND

FIRST and SECOND are folders written through ``MLHW_CHECK_LOG`` (see :mod:`mlhw.checks`): one
file of verdict lines per kernel. ``make test`` fills one from the notebook run (nbval) and one
from the book build. Kernels run in parallel and in any order, so the verdicts are compared as
multisets; every line carries its label and its computed numbers, so a differing line names the
check and shows both values.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def read(folder: Path) -> Counter:
    files = sorted(folder.glob("*.txt"))
    if not files:
        sys.exit(f"{folder}: no check log (was the run made with MLHW_CHECK_LOG={folder}?)")
    return Counter(line for f in files for line in f.read_text(encoding="utf-8").splitlines())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    first, second = (Path(a) for a in argv)
    a, b = read(first), read(second)
    only_a, only_b = a - b, b - a
    if only_a or only_b:
        print(f"The check cells printed different numbers in {first} and {second}:")
        for line in sorted(only_a.elements()):
            print(f"  only in {first.name}: {line}")
        for line in sorted(only_b.elements()):
            print(f"  only in {second.name}: {line}")
        return 1
    print(f"Check cells agree: {sum(a.values())} verdict lines identical in {first.name} "
          f"and {second.name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
