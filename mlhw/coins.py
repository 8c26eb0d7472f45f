"""The two-coins problem of TUM ML worksheet 11, problem 2, on the shared EM driver.

The observed data are the counts of flips and heads among the odd and the even flips
(:func:`coin_counts`); the latent variable says which of them the biased coin made.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.special import xlog1py, xlogy

from . import em
from ._validation import as_array, check_int

__all__ = ["coin_counts", "coins_log_likelihood", "two_coins_em"]


def coin_counts(sequence: str):
    """Counts ``(n_odd, heads_odd, n_even, heads_even)`` of a 0/1 string (flips numbered from 1).

    Parameters
    ----------
    sequence : str
        The flips in order, ``"1"`` for heads and ``"0"`` for tails.

    Returns
    -------
    tuple of int
        The counts, in the order of the arguments of :func:`two_coins_em`.

    Raises
    ------
    ValueError
        If ``sequence`` is not a non-empty string of 0s and 1s.

    Examples
    --------
    >>> coin_counts("0100110111")
    (5, 2, 5, 4)
    """
    if not isinstance(sequence, str) or not sequence or set(sequence) - {"0", "1"}:
        raise ValueError(f"sequence: expected a non-empty string of 0s and 1s, got {sequence!r}")
    odd, even = sequence[0::2], sequence[1::2]
    return len(odd), odd.count("1"), len(even), even.count("1")


def _check_counts(n_odd, heads_odd, n_even, heads_even):
    n_odd = check_int(n_odd, "n_odd", low=0)
    n_even = check_int(n_even, "n_even", low=0)
    heads_odd = check_int(heads_odd, "heads_odd", low=0, high=n_odd)
    heads_even = check_int(heads_even, "heads_even", low=0, high=n_even)
    if n_odd + n_even == 0:
        raise ValueError("n_odd, n_even: expected at least one flip, got none")
    return np.array([n_odd, heads_odd, n_even, heads_even], dtype=float)


def _coins_log_joint(counts, theta):
    """``log p(D, b)`` for ``b`` = even (column 0) and ``b`` = odd (column 1), shape (1, 2)."""
    n_o, k_o, n_e, k_e = counts

    def log_biased(k, n):  # log theta^k (1 - theta)^(n - k), with 0 log 0 = 0
        return xlogy(k, theta) + xlog1py(n - k, -theta)

    log_half = np.log(0.5)
    even = log_half + n_o * log_half + log_biased(k_e, n_e)
    odd = log_half + n_e * log_half + log_biased(k_o, n_o)
    return np.array([[even, odd]])


def _coins_m_step(counts, resp, theta):
    """``theta = (mu K_e + (1 - mu) K_o) / (mu N_e + (1 - mu) N_o)`` with ``mu = p(b = e | D)``."""
    n_o, k_o, n_e, k_e = counts
    mu = resp[0, 0]
    flips = mu * n_e + (1 - mu) * n_o  # expected number of flips made by the biased coin
    if flips == 0:  # one side has no flips and mu rounded to 0 or 1: the limit of the ratio
        return float((k_e + k_o) / (n_e + n_o))
    return float((mu * k_e + (1 - mu) * k_o) / flips)


def coins_log_likelihood(theta, n_odd, heads_odd, n_even, heads_even):
    """Marginal log-likelihood ``log p(D | theta)`` (vectorised over ``theta``).

    Parameters
    ----------
    theta : float or array_like
        Heads probabilities of the biased coin, in ``[0, 1]``.
    n_odd, heads_odd, n_even, heads_even : int
        The counts, as in :func:`two_coins_em`.

    Returns
    -------
    float or ndarray
        With the shape of ``theta``.

    Raises
    ------
    ValueError
        For counts out of range or ``theta`` outside ``[0, 1]``.

    Examples
    --------
    >>> round(coins_log_likelihood(0.5, 1, 1, 1, 0), 6)  # two fair flips: log 1/4
    -1.386294
    """
    counts = _check_counts(n_odd, heads_odd, n_even, heads_even)
    th = as_array(theta, "theta", min_rows=0)
    if np.any((th < 0) | (th > 1)):
        raise ValueError(f"theta: expected probabilities in [0, 1], got {th.tolist()}")
    out = np.logaddexp(*_coins_log_joint(counts, th)[0])
    return out if th.ndim else float(out)


def two_coins_em(n_odd, heads_odd, n_even, heads_even, theta0=0.5, *, max_iter=1000, tol=1e-10):
    """EM for the biased coin's heads probability ``theta``.

    Parameters
    ----------
    n_odd, heads_odd : int
        Number of odd-numbered flips and how many were heads.
    n_even, heads_even : int
        The same for the even-numbered flips (``n_odd != n_even`` is allowed).
    theta0 : float
        Starting value in (0, 1).
    max_iter : int
    tol : float
        Stop when an iteration gains less than ``tol`` in log-likelihood (the data are one
        sequence, see :mod:`mlhw.em`).

    Returns
    -------
    EMResult
        ``.theta`` (a float), ``.history`` (the iterates ``theta^(0), theta^(1), ...``) and
        ``.posterior_even`` (the final posterior probability that the biased coin made the even
        flips), with the driver's ``.log_likelihood``, ``.n_iter`` and ``.converged``.

    Raises
    ------
    ValueError
        For counts out of range, ``theta0`` outside ``(0, 1)``, ``max_iter < 1`` or a negative
        ``tol``.

    Examples
    --------
    >>> res = two_coins_em(*coin_counts("0100110111"))
    >>> round(float(res.history[1]), 12), round(res.theta, 4)
    (0.6, 0.7658)
    """
    counts = _check_counts(n_odd, heads_odd, n_even, heads_even)
    theta0 = float(as_array(theta0, "theta0", ndim=0, finite=False))
    if not 0 < theta0 < 1:
        raise ValueError(f"theta0: expected a probability strictly between 0 and 1, got {theta0}")
    res = em.run(counts, theta0, _coins_log_joint, _coins_m_step, max_iter=max_iter, tol=tol,
                 n_points=1, keep_params=True)
    return replace(res, params=float(res.params), history=np.array(res.history, dtype=float),
                   extra={"theta": float(res.params), "posterior_even": float(res.resp[0, 0])})
