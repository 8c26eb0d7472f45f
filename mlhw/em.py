"""The single expectation-maximisation (EM) driver used by every mixture model in :mod:`mlhw`.

A model supplies ``init(rng) -> params``, ``log_joint(data, params) -> (N, K)`` (the per-point
``log p(x_n, z_n = k | params)``) and ``m_step(data, resp, params) -> params``; the driver does
the rest, the same way for every model, and returns one :class:`EMResult`.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._validation import as_array, check_int, check_rng
from ._warnings import ConvergenceWarning

__all__ = ["ConvergenceWarning", "EMResult", "e_step", "run"]


@dataclass(frozen=True)
class EMResult:
    """Outcome of an EM fit (:func:`run` and every fitter built on it).

    Attributes
    ----------
    params : object
        The fitted parameters, in the model's own layout; the fields of a dataclass read as
        attributes of the result (``res.weights``, ``res.means``, ``res.theta``, ...).
    log_likelihood : ndarray, shape (n_iter + 1,)
        Observed-data log-likelihood at the initial parameters and after every M-step.
    resp : ndarray, shape (N, K)
        Responsibilities at the final parameters.
    n_iter : int
        Number of M-steps performed.
    converged : bool
        Whether the run stopped by ``tol`` (see the module notes) rather than ``max_iter``.
    history : tuple or ndarray
        Parameters before the first and after every M-step (only with ``keep_params=True``;
        an array when the parameters are one number).
    extra : dict
        Model-specific values (``covariance``, ``posterior_even``, ...), read as attributes.
    """

    params: Any
    log_likelihood: np.ndarray
    resp: np.ndarray
    n_iter: int
    converged: bool
    history: Any = ()
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        if not name.startswith("__"):
            params = self.__dict__.get("params")
            if dataclasses.is_dataclass(params) and name in params.__dataclass_fields__:
                return getattr(params, name)
            extra = self.__dict__.get("extra", {})
            if name in extra:
                return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self):
        params = self.__dict__.get("params")
        names = list(params.__dataclass_fields__) if dataclasses.is_dataclass(params) else []
        return sorted({*super().__dir__(), *names, *self.extra})

    @property
    def labels(self) -> np.ndarray:
        """Most probable component of every point, shape (N,)."""
        return np.argmax(self.resp, axis=1)


def e_step(data, params, log_joint: Callable) -> tuple[float, np.ndarray]:
    """One E-step in log space.

    Parameters
    ----------
    data, log_joint
        As in :func:`run`.
    params : object
        The parameters at which ``log_joint`` is evaluated.

    Returns
    -------
    log_likelihood : float
        ``sum_n logsumexp_k log_joint[n, k]``.
    resp : ndarray, shape (N, K)
        Posterior probabilities ``p(z_n = k | x_n)``; rows sum to one.

    Raises
    ------
    ValueError
        If ``log_joint`` does not return an (N, K) array.
    FloatingPointError
        If the log joint contains NaN or a point has probability zero under every component.

    Examples
    --------
    >>> import numpy as np
    >>> def log_joint(x, mu):  # two unit-variance Gaussians with equal weights
    ...     return np.log(0.5) - 0.5 * (x[:, None] - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    >>> ll, resp = e_step(np.array([0.0, 2.0]), np.array([0.0, 2.0]), log_joint)
    >>> resp.round(3)
    array([[0.881, 0.119],
           [0.119, 0.881]])
    """
    lj = np.asarray(log_joint(data, params), dtype=float)
    if lj.ndim != 2:
        raise ValueError(f"log_joint: expected an (N, K) array, got shape {lj.shape}")
    top = lj.max(axis=1)  # NaN and +inf propagate into the row maxima
    if np.isnan(top).any() or np.isposinf(top).any():
        raise FloatingPointError("log_joint returned NaN or +inf: the parameters are degenerate "
                                 "(for example a zero variance); raise the variance floor `reg`")
    if np.isneginf(top).any():
        bad = int(np.count_nonzero(np.isneginf(top)))
        raise FloatingPointError(f"{bad} data point(s) have zero probability under every "
                                 "component; the model cannot explain them")
    # log-sum-exp by hand (module notes): exp(lj - top) also gives the responsibilities
    resp = np.exp(lj - top[:, None])
    total = resp.sum(axis=1)
    resp /= total[:, None]
    norm = top + np.log(total)
    return float(norm.sum()), resp


def _run_once(data, params, log_joint, m_step, max_iter, tol, n_points, keep_params,
              monotone_rtol):
    """E-step, then (until ``tol`` or ``max_iter`` stops it) an M-step, and again."""
    history, kept = [], [params] if keep_params else []
    converged, n_iter = False, 0
    while True:
        ll, resp = e_step(data, params, log_joint)
        if history and ll < history[-1] - monotone_rtol * max(1.0, abs(history[-1])):
            raise RuntimeError(f"EM log-likelihood decreased from {history[-1]!r} to {ll!r} at "
                               f"iteration {len(history)}; EM never decreases it, so the "
                               "model's M-step or log joint is wrong")
        history.append(ll)
        if converged or n_iter == max_iter:
            return EMResult(params=params, log_likelihood=np.array(history), resp=resp,
                            n_iter=n_iter, converged=converged, history=tuple(kept))
        params = m_step(data, resp, params)
        n_iter += 1
        if keep_params:
            kept.append(params)
        converged = n_iter > 1 and abs(history[-1] - history[-2]) / n_points < tol


def run(data, init, log_joint: Callable, m_step: Callable, *, max_iter: int = 100,
        tol: float = 1e-3, n_init: int = 1, seed=None, n_points: int | None = None,
        keep_params: bool = False, monotone_rtol: float = 1e-9, warn: bool = True) -> EMResult:
    """Run EM to convergence, with optional restarts.

    Parameters
    ----------
    data : object
        Whatever the model's ``log_joint`` and ``m_step`` take (usually an (N, d) array).
    init : params or callable
        Initial parameters, or ``init(rng) -> params`` (needed for ``n_init > 1``).
    log_joint : callable
        ``log_joint(data, params)`` returning the (N, K) array ``log p(x_n, z_n = k)``.
    m_step : callable
        ``m_step(data, resp, params)`` returning new parameters.
    max_iter : int
        Maximum number of M-steps per run.
    tol : float
        Stop after the first iteration whose log-likelihood gain divided by ``n_points`` is
        below ``tol`` (see the module notes); ``tol=0`` runs exactly ``max_iter`` iterations.
    n_init : int
        Number of runs; the one with the highest final log-likelihood is returned.
    seed : None, int or numpy.random.Generator
        Source of randomness passed to ``init``.
    n_points : int, optional
        Number of data points used to scale ``tol`` (default: ``len(data)``).
    keep_params : bool
        Record the parameters before the first and after every M-step in ``history``.
    monotone_rtol : float
        Relative slack allowed by the never-decreases check (rounding).
    warn : bool
        Emit :class:`ConvergenceWarning` when a run stops at ``max_iter`` with ``tol > 0``.

    Returns
    -------
    EMResult

    Raises
    ------
    RuntimeError
        If the log-likelihood decreases (a bug in the model).
    FloatingPointError
        If the log joint becomes NaN or a point becomes impossible.

    Examples
    --------
    >>> import numpy as np
    >>> from mlhw import em
    >>> x = np.array([0.0, 0.1, 5.0, 5.2])
    >>> def log_joint(x, p):
    ...     w, mu = p
    ...     return np.log(w) - 0.5 * (x[:, None] - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    >>> def m_step(x, r, p):
    ...     nk = r.sum(0)
    ...     return nk / len(x), (r * x[:, None]).sum(0) / nk
    >>> res = em.run(x, (np.array([0.5, 0.5]), np.array([1.0, 4.0])), log_joint, m_step)
    >>> np.round(res.params[1], 3)
    array([0.05, 5.1 ])
    """
    max_iter, tol, n_init = _check_options(max_iter, tol, n_init, not callable(init))
    return _run(data, init, log_joint, m_step, max_iter, tol, n_init, check_rng(seed),
                n_points=n_points, keep_params=keep_params, monotone_rtol=monotone_rtol,
                warn=warn)


def _check_options(max_iter, tol, n_init, fixed=False):
    """Checked ``(max_iter, tol, n_init)`` of :func:`run`, for the fitters' entries; ``fixed``
    initial parameters (not a callable) allow one run only."""
    max_iter = check_int(max_iter, "max_iter", low=1)
    n_init = check_int(n_init, "n_init", low=1)
    tol = float(as_array(tol, "tol", ndim=0))
    if tol < 0:
        raise ValueError(f"tol: expected a finite non-negative number, got {tol!r}")
    if n_init > 1 and fixed:
        raise ValueError(f"n_init: expected 1 with fixed initial parameters (restarts need a "
                         f"random initialisation), got {n_init}")
    return max_iter, tol, n_init


def _run(data, init, log_joint, m_step, max_iter, tol, n_init, rng, *, n_points=None,
         keep_params=False, monotone_rtol=1e-9, warn=True):
    """:func:`run` with checked options (:func:`_check_options`) and a Generator ``rng``."""
    n_points = len(data) if n_points is None else n_points
    best = None
    for _ in range(n_init):
        params = init(rng) if callable(init) else init
        res = _run_once(data, params, log_joint, m_step, max_iter, tol, n_points, keep_params,
                        monotone_rtol)
        if best is None or res.log_likelihood[-1] > best.log_likelihood[-1]:
            best = res
    if warn and tol > 0 and not best.converged:
        warnings.warn(f"EM did not converge in max_iter={max_iter} iterations (tol={tol}); "
                      "increase max_iter or tol", ConvergenceWarning, stacklevel=3)
    return best
