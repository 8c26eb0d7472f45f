"""Input validation shared by every public entry point of :mod:`mlhw`.

Each helper raises :class:`ValueError` (or :class:`TypeError` for a wrong type) with a message
that names the argument, says what was expected and shows what was given.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_array",
    "check_choice",
    "check_int",
    "check_k",
    "check_positive",
    "check_probabilities",
    "check_rng",
    "check_same_dim",
]


def _describe(x) -> str:
    arr = np.asarray(x)
    if arr.ndim == 0:
        return repr(arr.item()) if arr.dtype != object else repr(x)
    return f"an array of shape {arr.shape} and dtype {arr.dtype}"


def as_array(x, name: str, *, ndim=None, min_rows: int = 1, dtype=float, shape=None,
             finite: bool = True) -> np.ndarray:
    """Return ``x`` as a NumPy array of ``dtype`` after checking dimension, size and finiteness.

    ``name`` is the argument's name for the messages; ``ndim`` (an int or a tuple of them) the
    allowed numbers of dimensions; ``shape`` a required shape whose ``None`` entries match any
    length; ``min_rows`` the minimum length of the first axis (ignored for 0-d input); ``finite``
    whether NaN and infinity are rejected. Raises a TypeError if ``x`` is not an array of real
    numbers (complex, strings, objects, ragged lists), else a ValueError if a check fails.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):  # ragged nested sequences
        raise TypeError(f"{name}: expected an array of real numbers, got a ragged "
                        f"{type(x).__name__}") from None
    if dtype is not None and np.dtype(dtype).kind in "iuf":
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}: expected an array of real numbers, got "
                            f"{type(x).__name__} with dtype {arr.dtype}")
        arr = arr.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(f"{name}: expected a {want}-dimensional array, got {arr.ndim} "
                             f"dimension(s) (shape {arr.shape})")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name}: expected shape {want}, got {arr.shape}")
    if arr.ndim >= 1 and arr.shape[0] < min_rows:
        raise ValueError(f"{name}: expected at least {min_rows} row(s), got {arr.shape[0]}")
    if arr.size == 0 and min_rows > 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {arr.shape}")
    if finite and np.issubdtype(arr.dtype, np.number) and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or infinite entr"
                         f"{'y' if bad == 1 else 'ies'}")
    return arr


def check_int(value, name: str, *, low=None, high=None) -> int:
    """Check that ``value`` is an integer in ``[low, high]`` and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {_describe(value)}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name}: expected an integer in [{lo}, {hi}], got {value}")
    return value


def check_k(k, n: int, name: str = "k") -> int:
    """Check a number of clusters/components: an integer with ``1 <= k <= n``."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name}: expected an integer number of components, got {_describe(k)}")
    k = int(k)
    if k < 1 or k > n:
        raise ValueError(f"{name}: expected 1 <= {name} <= n = {n} (the number of data points), "
                         f"got {k}")
    return k


def check_positive(x, name: str, *, strict: bool = True, ndim=None) -> np.ndarray:
    """Check that every entry of ``x`` is finite and positive (or non-negative)."""
    arr = as_array(x, name, ndim=ndim, min_rows=0)
    bad = arr <= 0 if strict else arr < 0
    if np.any(bad):
        word = "positive" if strict else "non-negative"
        first = arr[bad].ravel()[0]
        raise ValueError(f"{name}: expected {word} values, got {int(np.count_nonzero(bad))} "
                         f"entr{'y that is' if np.count_nonzero(bad) == 1 else 'ies that are'} not "
                         f"(for example {float(first)!r})")
    return arr


def check_same_dim(got: int, want: int, name: str, ref: str, what: str = "points of dimension"):
    """Check that ``name`` has ``got == want`` coordinates, as the point set ``ref`` it must match."""
    if got != want:
        raise ValueError(f"{name}: expected {what} {want} {ref}, got {got}")


def check_probabilities(p, name: str, *, axis: int = -1, atol: float = 1e-8,
                        shape=None) -> np.ndarray:
    """Check that ``p`` (of ``shape``, if given) is non-negative and sums to one along ``axis``."""
    arr = as_array(p, name, min_rows=1, shape=shape)
    if np.any(arr < 0):
        raise ValueError(f"{name}: expected non-negative probabilities, got minimum {arr.min()!r}")
    sums = arr.sum(axis=axis)
    if not np.allclose(sums, 1.0, rtol=0, atol=atol):
        worst = np.ravel(sums)[np.argmax(np.abs(np.ravel(sums) - 1))]
        raise ValueError(f"{name}: expected probabilities summing to 1, got a sum of {worst!r}")
    return arr


def check_choice(value, name: str, options) -> str:
    """Check that ``value`` is one of ``options`` (a mapping of aliases or a sequence)."""
    if not isinstance(value, str) or value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name}: expected one of {opts}, got {value!r}")
    return options[value] if isinstance(options, dict) else value


def check_rng(seed) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``seed`` (None, int or Generator)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        if seed is not None and seed < 0:
            raise ValueError(f"seed: expected a non-negative integer, None or a Generator, got {seed}")
        return np.random.default_rng(seed)
    raise TypeError(f"seed: expected None, a non-negative integer or a numpy Generator, "
                    f"got {type(seed).__name__}")
