"""Check cells of the book: assert a computed number, print a one-line verdict.

A chapter's check cells (tagged ``remove-input``) call these, so the reader sees the verdict and
the computed value, and the notebook fails under nbval and in the book build if a check fails.

If the environment variable ``MLHW_CHECK_LOG`` names a folder, every verdict line is also
appended to ``<folder>/<process id>.txt``. ``make test`` logs the notebook run (nbval) and the book
build this way and ``tools/compare_checks.py`` asserts that both printed the same numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._validation import as_array

__all__ = ["check", "check_close"]


def check(label: str, condition, detail: str = "") -> None:
    """Assert ``condition``; print ``Check passed: label (detail)``.

    Raises
    ------
    AssertionError
        If ``condition`` is false, with the label and detail.
    TypeError
        If ``label`` is not a string.
    """
    if not isinstance(label, str):
        raise TypeError(f"label: expected a string, got {type(label).__name__}")
    if not bool(condition):
        raise AssertionError(f"Check failed: {label}" + (f" ({detail})" if detail else ""))
    line = f"Check passed: {label}" + (f" ({detail})" if detail else "")
    print(line)
    _log(line)


def _log(line: str) -> None:
    folder = os.environ.get("MLHW_CHECK_LOG")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with open(Path(folder) / f"{os.getpid()}.txt", "a", encoding="utf-8") as f:
            f.write(line.replace("\n", " ") + "\n")


def check_close(label: str, value, expected, *, rtol: float = 1e-7, atol: float = 0.0) -> None:
    """Assert ``value`` is close to ``expected`` (NumPy ``allclose``) and print both.

    Non-finite values always fail. Non-numeric values raise ``TypeError``; a negative or
    non-finite ``rtol`` or ``atol`` raises ``ValueError``.
    """
    v = as_array(value, "value", min_rows=0, finite=False)
    e = as_array(expected, "expected", min_rows=0, finite=False)
    for name, tol in (("rtol", rtol), ("atol", atol)):
        t = float(as_array(tol, name, ndim=0, finite=False))
        if not (np.isfinite(t) and t >= 0):
            raise ValueError(f"{name}: expected a finite non-negative tolerance, got {tol!r}")
    ok = (v.shape == e.shape or e.ndim == 0) and bool(np.all(np.isfinite(v)))
    ok = ok and bool(np.allclose(v, e, rtol=rtol, atol=atol))

    def fmt(a):  # ten significant digits, for scalars and arrays alike
        if a.ndim == 0:
            return f"{a.item():.10g}"
        return np.array2string(a, threshold=6, formatter={"float_kind": lambda x: f"{x:.10g}"})

    check(label, ok, f"computed {fmt(v)}, expected {fmt(e)}")
