"""The two-coins problem of TUM ML worksheet 11, problem 2, on the shared EM driver.

A fair coin and a biased coin (heads with probability ``theta``) are flipped alternately, starting
with one picked at random. The latent variable ``b`` says whether the biased coin made the odd or
the even flips. The observed data are the counts: ``n_odd`` odd flips with ``heads_odd`` heads and
``n_even`` even flips with ``heads_even`` heads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import xlog1py, xlogy

from . import em
from ._validation import check_int

__all__ = ["CoinsResult", "coin_counts", "coins_log_joint", "coins_log_likelihood",
           "coins_m_step", "two_coins_em"]


@dataclass(frozen=True)
class CoinsResult:
    """Result of :func:`two_coins_em`.

    Attributes
    ----------
    theta : float
        Final estimate of the biased coin's heads probability.
    history : ndarray
        The iterates ``theta^(0), theta^(1), ...``.
    log_likelihood : ndarray
        Marginal log-likelihood at each iterate.
    posterior_even : float
        Final posterior probability that the biased coin made the even flips.
    n_iter : int
    converged : bool
    """

    theta: float
    history: np.ndarray
    log_likelihood: np.ndarray
    posterior_even: float
    n_iter: int
    converged: bool


def coin_counts(sequence: str):
    """Counts ``(n_odd, heads_odd, n_even, heads_even)`` of a 0/1 string (flips numbered from 1).

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


def coins_log_joint(counts, theta):
    """``log p(D, b)`` for ``b`` = even (column 0) and ``b`` = odd (column 1), shape (1, 2)."""
    n_o, k_o, n_e, k_e = counts
    theta = float(theta)

    def log_biased(k, n):  # log theta^k (1 - theta)^(n - k), with 0 log 0 = 0
        return xlogy(k, theta) + xlog1py(n - k, -theta)

    log_half = np.log(0.5)
    even = log_half + n_o * log_half + log_biased(k_e, n_e)
    odd = log_half + n_e * log_half + log_biased(k_o, n_o)
    return np.array([[even, odd]])


def coins_m_step(counts, resp, theta):
    """``theta = (mu K_e + (1 - mu) K_o) / (mu N_e + (1 - mu) N_o)`` with ``mu = p(b = e | D)``."""
    n_o, k_o, n_e, k_e = counts
    mu = resp[0, 0]
    return float((mu * k_e + (1 - mu) * k_o) / (mu * n_e + (1 - mu) * n_o))


def coins_log_likelihood(theta, n_odd, heads_odd, n_even, heads_even):
    """Marginal log-likelihood ``log p(D | theta)`` (vectorised over ``theta``)."""
    counts = _check_counts(n_odd, heads_odd, n_even, heads_even)
    th = np.atleast_1d(np.asarray(theta, dtype=float))
    out = np.array([np.logaddexp(*coins_log_joint(counts, t)[0]) for t in th])
    return out if np.ndim(theta) else float(out[0])


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
        Stop when the log-likelihood changes by less than ``tol``.

    Returns
    -------
    CoinsResult

    Examples
    --------
    >>> res = two_coins_em(*coin_counts("0100110111"))
    >>> round(res.history[1], 12), round(res.theta, 4)
    (0.6, 0.7658)
    """
    counts = _check_counts(n_odd, heads_odd, n_even, heads_even)
    theta0 = float(theta0)
    if not 0 < theta0 < 1:
        raise ValueError(f"theta0: expected a probability strictly between 0 and 1, got {theta0}")
    res = em.run(counts, theta0, coins_log_joint, coins_m_step, max_iter=max_iter, tol=tol,
                 n_points=1, keep_params=True)
    return CoinsResult(theta=float(res.params), history=np.array(res.params_history, dtype=float),
                       log_likelihood=res.log_likelihood, posterior_even=float(res.resp[0, 0]),
                       n_iter=res.n_iter, converged=res.converged)
