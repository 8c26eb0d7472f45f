"""Check cells of the book: assert a computed number, print a one-line verdict.

A chapter's check cells (tagged ``remove-input``) call these, so the reader sees the verdict and
the computed value, and the notebook fails under nbval and in the book build if a check fails.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check", "check_close"]


def check(label: str, condition, detail: str = "") -> None:
    """Assert ``condition``; print ``Check passed: label (detail)``.

    Raises
    ------
    AssertionError
        If ``condition`` is false, with the label and detail.
    """
    if not bool(condition):
        raise AssertionError(f"Check failed: {label}" + (f" ({detail})" if detail else ""))
    print(f"Check passed: {label}" + (f" ({detail})" if detail else ""))


def check_close(label: str, value, expected, *, rtol: float = 1e-7, atol: float = 0.0) -> None:
    """Assert ``value`` is close to ``expected`` (NumPy ``allclose``) and print both.

    Non-finite values always fail.
    """
    v = np.asarray(value, dtype=float)
    e = np.asarray(expected, dtype=float)
    ok = (v.shape == e.shape or e.ndim == 0) and bool(np.all(np.isfinite(v)))
    ok = ok and bool(np.allclose(v, e, rtol=rtol, atol=atol))

    def fmt(a):
        return np.array2string(a, precision=10, threshold=6) if a.ndim else f"{a.item():.10g}"

    check(label, ok, f"computed {fmt(v)}, expected {fmt(e)}")
