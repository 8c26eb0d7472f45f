"""EM for a mixture of Gamma distributions with a shared shape (Harvard CS181 HW4, problem 1).

Model: ``z_n ~ Categorical(theta)`` and ``x_n | z_n = k ~ Gamma(alpha, beta_k)``, with ``K``
components that share the shape ``alpha`` and differ in their **rate** ``beta_k`` (mean
``alpha / beta_k``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from scipy.special import digamma, gammaln, logsumexp, polygamma, xlogy

from . import em
from ._validation import as_array, check_int, check_k, check_positive, check_probabilities, \
    check_rng
from ._warnings import EmptyComponentWarning, ShapeCapWarning

__all__ = ["GENERATING_ALPHA", "GENERATING_BETAS", "GENERATING_THETA", "GammaMixtureParams",
           "e_step", "expected_complete_log_likelihood", "fit_gamma_mixture", "gamma_logpdf",
           "gamma_mixture_data", "gamma_mixture_log_likelihood", "gamma_mixture_pdf", "m_step",
           "run_em", "shape_objective"]

#: Mixing proportions of the stated generating mixture of :func:`gamma_mixture_data`.
GENERATING_THETA = np.array([0.2, 0.5, 0.3])
#: Rates of the generating mixture (component means ``alpha / beta`` = 1, 5 and 20).
GENERATING_BETAS = np.array([5.0, 1.0, 0.25])
#: Shared shape of the generating mixture.
GENERATING_ALPHA = 5.0

_TINY = np.finfo(float).tiny


@dataclass(frozen=True)
class GammaMixtureParams:
    """Gamma-mixture parameters, as the EM driver carries them between iterations.

    Attributes
    ----------
    theta : ndarray, shape (K,)
        Mixing weights.
    betas : ndarray, shape (K,)
        Rates of the components.
    alpha : float
        The shape all components share.
    """

    theta: np.ndarray
    betas: np.ndarray
    alpha: float


# ----------------------------------------------------------------------------------------------
# densities


def gamma_logpdf(x, alpha, beta):
    """Log density of ``Gamma(alpha, beta)`` (shape ``alpha``, rate ``beta``), broadcasting.

    ``alpha log(beta) + (alpha - 1) log(x) - beta x - log Gamma(alpha)``; ``alpha = 1`` at
    ``x = 0`` gives the exponential density's ``log(beta)``, not NaN.

    Parameters
    ----------
    x : array_like
        Points, ``x >= 0``.
    alpha, beta : array_like
        Positive shape(s) and rate(s).

    Returns
    -------
    ndarray
        ``log p(x | alpha, beta)`` with the broadcast shape.

    Raises
    ------
    ValueError
        If ``x`` is negative or not finite, or ``alpha`` or ``beta`` is not finite and positive.

    Examples
    --------
    >>> float(gamma_logpdf(1.0, 1.0, 2.0))  # Exponential(rate 2) at 1: log 2 - 2
    -1.3068528194400546
    """
    return _logpdf(check_positive(x, "x", strict=False), check_positive(alpha, "alpha"),
                   check_positive(beta, "beta"))


_STIRLING_FROM = 50.0  # from this shape on, the large-shape forms (module notes) are used


def _shape_term(a):
    """``a log a - a - log Gamma(a)``, by Stirling's series from :data:`_STIRLING_FROM` on."""
    a = np.asarray(a, dtype=float)
    big = a >= _STIRLING_FROM
    ab = np.where(big, a, _STIRLING_FROM)
    inv = 1.0 / ab
    series = inv * (1.0 / 12.0 - inv**2 * (1.0 / 360.0 - inv**2 / 1260.0))
    small = np.where(big, 1.0, a)
    return np.where(big, 0.5 * np.log(ab / (2.0 * np.pi)) - series,
                    xlogy(small, small) - small - gammaln(small))


def _logpdf(x, alpha, beta):
    """:func:`gamma_logpdf` unchecked, in its large-shape form from :data:`_STIRLING_FROM` on."""
    x, alpha, beta = np.broadcast_arrays(np.asarray(x, float), np.asarray(alpha, float),
                                         np.asarray(beta, float))
    direct = xlogy(alpha, beta) + xlogy(alpha - 1.0, x) - beta * x - gammaln(alpha)
    big = (alpha >= _STIRLING_FROM) & (x > 0)
    if not big.any():
        return direct
    a, b, xb = alpha[big], beta[big], x[big]
    d = b * xb / a - 1.0
    out = np.array(direct, dtype=float)
    out[big] = a * (np.log1p(d) - d) + _shape_term(a) - np.log(xb)
    return out[()] if out.ndim == 0 else out


def _gamma_log_joint(x, params):
    """Per-point log joint ``log theta_k + log Gamma(x_n; alpha, beta_k)``, shape (N, K)."""
    with np.errstate(divide="ignore"):
        log_theta = np.log(params.theta)
    return log_theta + _logpdf(x[:, None], params.alpha, params.betas[None, :])


def gamma_mixture_log_likelihood(x, theta, betas, alpha) -> float:
    """Observed-data log-likelihood ``sum_n log sum_k theta_k Gamma(x_n; alpha, beta_k)``.

    Parameters
    ----------
    x, theta, betas, alpha
        As in :func:`e_step`.

    Returns
    -------
    float
        Summed over the points ``x_n``.

    Raises
    ------
    ValueError
        For invalid data or parameters, as :func:`e_step`.

    Examples
    --------
    >>> gamma_mixture_log_likelihood([1.0], [1.0], [2.0], 1.0)  # one exponential: log 2 - 2
    -1.3068528194400546
    """
    x, params = _check_x_params(x, theta, betas, alpha)
    return float(logsumexp(_gamma_log_joint(x, params), axis=1).sum())


def gamma_mixture_pdf(grid, theta, betas, alpha) -> np.ndarray:
    """Mixture density ``sum_k theta_k Gamma(x; alpha, beta_k)`` on a grid, shape (M,).

    Parameters
    ----------
    grid : array_like, shape (M,)
        Non-negative points.
    theta, betas, alpha
        As in :func:`e_step`.

    Returns
    -------
    ndarray, shape (M,)

    Raises
    ------
    ValueError
        For a negative or non-finite grid, or invalid parameters.

    Examples
    --------
    >>> gamma_mixture_pdf([0.0, 1.0], [1.0], [2.0], 1.0).round(4)
    array([2.    , 0.2707])
    """
    grid = check_positive(grid, "grid", strict=False, ndim=1)
    _, params = _check_x_params(np.ones(1), theta, betas, alpha)
    return np.exp(logsumexp(_gamma_log_joint(grid, params), axis=1))


# ----------------------------------------------------------------------------------------------
# validation


def _check_data(x) -> np.ndarray:
    x = as_array(x, "x", ndim=1, min_rows=1)
    if np.any(x <= 0):
        bad = x[x <= 0]
        raise ValueError(f"x: expected positive data (the Gamma density lives on x > 0), got "
                         f"{bad.size} non-positive value(s), for example {float(bad[0])!r}")
    return x


def _check_alpha(alpha) -> float:
    if isinstance(alpha, (bool, np.bool_)):
        raise TypeError("alpha: expected a positive number, got a bool")
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise TypeError(f"alpha: expected a positive number, got {type(alpha).__name__}") from None
    if not np.isfinite(a) or a <= 0:
        raise ValueError(f"alpha: expected a finite positive shape, got {alpha!r}")
    return a


def _check_x_params(x, theta, betas, alpha):
    x = _check_data(x)
    theta = check_probabilities(theta, "theta", shape=(None,))
    betas = check_positive(betas, "betas", ndim=1)
    if betas.shape != theta.shape:
        raise ValueError(f"betas: expected one rate per component, i.e. shape {theta.shape} like "
                         f"theta, got shape {betas.shape}")
    return x, GammaMixtureParams(theta, betas, _check_alpha(alpha))


# ----------------------------------------------------------------------------------------------
# E-step and M-step (the homework's skeleton)


def e_step(x, theta, betas, alpha) -> np.ndarray:
    """E-step: the posterior ``q_nk = p(z_n = k | x_n)`` over the components (problem 1.3).

    Parameters
    ----------
    x : array_like, shape (N,)
        Positive, finite data.
    theta : array_like, shape (K,)
        Mixing proportions: non-negative, summing to one.
    betas : array_like, shape (K,)
        Positive rates, one per component.
    alpha : float
        The known, shared, positive shape.

    Returns
    -------
    q : ndarray, shape (N, K)
        Responsibilities; every row sums to one.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D, finite and positive; ``theta`` is not a probability vector;
        ``betas`` are not positive or do not match ``theta``; ``alpha`` is not positive.

    Examples
    --------
    >>> q = e_step([0.5, 10.0], [0.5, 0.5], [2.0, 0.2], 2.0)
    >>> q.round(3)
    array([[0.976, 0.024],
           [0.   , 1.   ]])
    """
    x, params = _check_x_params(x, theta, betas, alpha)
    return em.e_step(x, params, _gamma_log_joint)[1]


def _sufficient(x, q):
    nk = q.sum(axis=0)
    tk = q.T @ x
    alive = (nk > _TINY) & (tk > _TINY)
    return nk, tk, alive


def _closed_form(x, q, alpha, previous_betas=None):
    """theta_k = N_k / N and beta_k = alpha N_k / T_k (dead components keep their rate)."""
    nk, tk, alive = _sufficient(x, q)
    theta = nk / nk.sum()
    betas = np.ones_like(nk) if previous_betas is None else np.array(previous_betas, dtype=float)
    betas[alive] = alpha * nk[alive] / tk[alive]
    if not alive.all():
        warnings.warn(f"{int(np.count_nonzero(~alive))} empty component(s) kept their previous "
                      "rate (with weight about 0)", EmptyComponentWarning, stacklevel=3)
    return theta, betas


def m_step(x, q, alpha):
    """M-step for a known shape ``alpha`` (problem 1.4).

    Maximises :func:`expected_complete_log_likelihood` over ``(theta, betas)``: ``theta_k = N_k / N``
    and ``beta_k = alpha N_k / T_k``, with ``N_k = sum_n q_nk`` and ``T_k = sum_n q_nk x_n``.

    Parameters
    ----------
    x, alpha
        As in :func:`e_step`.
    q : array_like, shape (N, K)
        Responsibilities: non-negative rows summing to one.

    Returns
    -------
    theta, betas : ndarray, shape (K,)
        A component with no responsibility gets rate 1.0 (and weight 0), with an
        :class:`~mlhw.EmptyComponentWarning`.

    Raises
    ------
    ValueError
        For invalid ``x``, ``q`` (shape, negative entries, rows not summing to one) or ``alpha``.

    Examples
    --------
    >>> theta, betas = m_step([1.0, 3.0, 10.0], [[1, 0], [1, 0], [0, 1]], 2.0)
    >>> theta.round(4), betas
    (array([0.6667, 0.3333]), array([1. , 0.2]))
    """
    x = _check_data(x)
    q = check_probabilities(q, "q", axis=1, shape=(len(x), None))
    return _closed_form(x, q, _check_alpha(alpha))


def run_em(x, theta, betas, alpha, iterations=1000):
    """Run exactly ``iterations`` EM iterations from ``(theta, betas)`` with a known shape.

    No early stopping (:func:`fit_gamma_mixture` has a stopping rule and a full result).

    Parameters
    ----------
    x, theta, betas, alpha
        As in :func:`e_step`; ``theta`` and ``betas`` are the initial parameters.
    iterations : int
        Number of EM iterations (at least 1).

    Returns
    -------
    theta, betas : ndarray, shape (K,)

    Raises
    ------
    ValueError
        For invalid inputs (see :func:`e_step`) or ``iterations < 1``.

    Examples
    --------
    >>> x = gamma_mixture_data(500, seed=0)[0]
    >>> theta, betas = run_em(x, [1/3, 1/3, 1/3], [2.0, 0.5, 0.1], 5.0, iterations=200)
    >>> theta.round(2), betas.round(2)
    (array([0.2 , 0.46, 0.34]), array([5.01, 0.94, 0.25]))
    """
    x, params = _check_x_params(x, theta, betas, alpha)
    iterations = check_int(iterations, "iterations", low=1)
    res = em._run(x, params, _gamma_log_joint, _m_step_fixed_alpha, iterations, 0.0, 1, None)
    return res.params.theta, res.params.betas


def _m_step_fixed_alpha(x, q, params):
    theta, betas = _closed_form(x, q, params.alpha, params.betas)
    return GammaMixtureParams(theta, betas, params.alpha)


# ----------------------------------------------------------------------------------------------
# estimating the shared shape alpha (generalised EM)


def expected_complete_log_likelihood(x, q, theta, betas, alpha) -> float:
    """The EM objective ``Q = sum_n sum_k q_nk [log theta_k + log Gamma(x_n; alpha, beta_k)]``.

    Terms with ``q_nk = 0`` contribute zero.

    Parameters
    ----------
    x, q
        As in :func:`m_step`.
    theta, betas, alpha
        Parameters at which ``Q`` is evaluated, as in :func:`e_step`.

    Returns
    -------
    float
        ``Q``, a sum over points and components.

    Raises
    ------
    ValueError
        For invalid data, responsibilities or parameters.

    Examples
    --------
    >>> round(expected_complete_log_likelihood([1.0], [[1.0]], [1.0], [2.0], 1.0), 6)
    -1.306853
    """
    x, params = _check_x_params(x, theta, betas, alpha)
    q = check_probabilities(q, "q", axis=1, shape=(len(x), len(params.theta)))
    lj = _gamma_log_joint(x, params)
    return float(np.sum(q * np.where(q > 0, lj, 0.0)))


_ALPHA_MAX = 1e8  # cap of the shape estimate (reached only by data constant within components)


def _profile_terms(x, q):
    """``N`` and ``c = sum_k N_k log(N_k / T_k) + sum_n log x_n`` over the live components."""
    nk, tk, alive = _sufficient(x, q)
    c = float(np.sum(xlogy(nk[alive], nk[alive] / tk[alive])) + q[:, alive].sum(1) @ np.log(x))
    return float(nk[alive].sum()), c, nk[alive]


def _profile_q(alpha, n, c):
    """:func:`shape_objective` up to a constant, ``N s(alpha) + alpha c`` (module notes)."""
    return n * _shape_term(alpha) + alpha * c


def shape_objective(x, q, alpha):
    """The profile of the EM objective in the shape: ``max over (theta, betas)`` of ``Q``.

    :func:`expected_complete_log_likelihood` with the :func:`m_step` updates for this ``alpha``
    substituted: a strictly concave function of ``alpha`` (its formula is in the module notes).

    Parameters
    ----------
    x, q
        As in :func:`m_step`.
    alpha : float or array_like
        Positive shape(s).

    Returns
    -------
    float or ndarray
        ``Q(alpha)``, with the shape of ``alpha``.

    Raises
    ------
    ValueError
        For invalid data or responsibilities, or a non-positive ``alpha``.

    Examples
    --------
    >>> x, q = [1.0, 2.0, 4.0], [[1.0], [1.0], [1.0]]
    >>> a = 1.5
    >>> b = a * 3 / 7.0  # the M-step's rate for this alpha
    >>> bool(np.isclose(shape_objective(x, q, a),
    ...                 expected_complete_log_likelihood(x, q, [1.0], [b], a)))
    True
    """
    x = _check_data(x)
    q = check_probabilities(q, "q", axis=1, shape=(len(x), None))
    a = check_positive(alpha, "alpha")
    n, c, nk = _profile_terms(x, q)
    out = _profile_q(a, n, c) - float(np.log(x).sum()) + float(np.sum(xlogy(nk, nk / nk.sum())))
    return float(out) if np.ndim(alpha) == 0 else out


def _newton_alpha(alpha, n, c, steps):
    """Guarded Newton steps in Minka's form (module notes) on the profile Q(alpha) of
    :func:`shape_objective`, with ``Q' = N (log alpha - digamma(alpha)) + c``."""
    for _ in range(steps):
        grad = n * (np.log(alpha) - digamma(alpha)) + c
        hess = n * (1.0 / alpha - polygamma(1, alpha))
        if not (np.isfinite(grad) and np.isfinite(hess)) or hess >= 0 or grad == 0:
            break
        delta = grad / (alpha**2 * hess)
        q_old = _profile_q(alpha, n, c)
        for _ in range(60):
            inv = 1.0 / alpha + delta
            cand = min(1.0 / inv, _ALPHA_MAX) if inv > 0 else _ALPHA_MAX
            if np.isfinite(cand) and cand != alpha and _profile_q(cand, n, c) >= q_old:
                alpha = float(cand)
                break
            delta *= 0.5
        else:
            break
    return alpha


def _m_step_estimate_alpha(x, q, params, newton_steps):
    n, c, _ = _profile_terms(x, q)
    alpha = _newton_alpha(params.alpha, n, c, newton_steps)
    theta, betas = _closed_form(x, q, alpha, params.betas)
    return GammaMixtureParams(theta, betas, alpha)


# ----------------------------------------------------------------------------------------------
# the full fit


def _spread_means(x, k, rng) -> np.ndarray:
    """``k`` starting means drawn from the data by k-means++ seeding on ``log x``."""
    logx = np.log(x)
    idx = [int(rng.integers(len(x)))]
    d2 = (logx - logx[idx[0]]) ** 2
    for _ in range(1, k):
        total = d2.sum()
        j = int(rng.choice(len(x), p=d2 / total)) if total > 0 else int(rng.integers(len(x)))
        idx.append(j)
        d2 = np.minimum(d2, (logx - logx[j]) ** 2)
    return np.sort(x[idx])


def _moment_alpha(x, means) -> float:
    """Starting shape: method of moments within the groups of points nearest to ``means``."""
    groups = np.argmin(np.abs(np.log(x)[:, None] - np.log(means)[None, :]), axis=1)
    shapes, sizes = [], []
    for j in range(len(means)):
        xj = x[groups == j]
        if len(xj) >= 2 and np.var(xj) > 0:
            shapes.append(np.mean(xj) ** 2 / np.var(xj))
            sizes.append(len(xj))
    if not shapes:  # every group is a single point or constant: fall back to all the data
        var = np.var(x)
        return 1.0 if var == 0 else float(np.clip(np.mean(x) ** 2 / var, 1e-3, 1e6))
    return float(np.clip(np.average(shapes, weights=sizes), 1e-3, 1e6))


def _gamma_initial_params(x, k, init, alpha, rng) -> GammaMixtureParams:
    if init is None:
        means = _spread_means(x, k, rng)
        if alpha is None:
            alpha = _moment_alpha(x, means)
        return GammaMixtureParams(np.full(k, 1.0 / k), alpha / means, alpha)
    if isinstance(init, GammaMixtureParams):
        init = vars(init)
    if not isinstance(init, dict) or not {"theta", "betas"} <= set(init) <= {"theta", "betas",
                                                                          "alpha"}:
        got = sorted(init) if isinstance(init, dict) else type(init).__name__
        raise ValueError(f"init: expected None or a dict with keys 'theta', 'betas' (and "
                         f"optionally 'alpha'), got {got}")
    theta = check_probabilities(init["theta"], "init['theta']", shape=(k,))
    betas = check_positive(as_array(init["betas"], "init['betas']", shape=(k,)), "init['betas']")
    a = init.get("alpha", alpha)
    if a is None:
        raise ValueError("init: expected an 'alpha' entry (or the alpha argument) to start the "
                         "shape estimate from, got neither")
    return GammaMixtureParams(theta, betas, _check_alpha(a))


def fit_gamma_mixture(x, k, *, alpha=None, estimate_alpha=False, init=None, max_iter=1000,
                      tol=1e-8, n_init=1, newton_steps=1, keep_params=False,
                      seed=None) -> em.EMResult:
    """Fit a ``K``-component Gamma mixture with a shared shape by EM (problem 1, and beyond).

    With a known ``alpha`` this is the homework's EM (:func:`e_step`, :func:`m_step`); with
    ``estimate_alpha=True`` a generalised EM step estimates the shape too (module notes).

    Parameters
    ----------
    x : array_like, shape (N,)
        As in :func:`e_step`.
    k : int
        Number of components, ``1 <= k <= N``.
    alpha : float or None
        The known shape; with ``estimate_alpha=True`` the starting shape (default: a
        method-of-moments value, module notes).
    estimate_alpha : bool
        Estimate the shared shape by the guarded Newton step inside each M-step.
    init : None, dict or GammaMixtureParams
        None: equal weights and means at ``k`` data points (module notes). A dict with
        ``theta``, ``betas`` (and optionally ``alpha``) gives the initial parameters.
    max_iter, tol, n_init, keep_params, seed
        As in :func:`mlhw.em.run` (whose notes say why the default ``tol`` is tighter than
        ``fit_gmm``'s); ``seed`` drives the random initialisation.
    newton_steps : int
        Newton steps on ``alpha`` per M-step (1: generalised EM; more: closer to exact EM).

    Returns
    -------
    EMResult
        ``params`` a :class:`GammaMixtureParams` (``.theta``, ``.betas``, ``.alpha``) with the
        components sorted by increasing mean ``alpha / beta_k``, and ``.resp`` (``q_nk``) in that
        order; ``.history`` keeps the fit's own order. Also ``.means`` and ``.alpha_estimated``.

    Raises
    ------
    ValueError
        For non-positive or non-finite data, ``k`` out of range, a non-positive ``alpha``,
        ``alpha=None`` without ``estimate_alpha``, invalid ``init``, or ``n_init > 1`` with a
        fixed ``init``.
    TypeError
        For a non-integer ``k``, ``max_iter``, ``n_init`` or ``newton_steps``.

    Examples
    --------
    >>> x, _ = gamma_mixture_data(2000, seed=1)
    >>> res = fit_gamma_mixture(x, 3, alpha=5.0, seed=0)
    >>> res.theta.round(2), res.betas.round(2)
    (array([0.19, 0.52, 0.29]), array([5.06, 1.02, 0.25]))
    >>> round(fit_gamma_mixture(x, 3, estimate_alpha=True, seed=0).alpha, 2)
    5.18
    """
    x = _check_data(x)
    k = check_k(k, len(x))
    if alpha is not None:
        alpha = _check_alpha(alpha)
    elif not estimate_alpha:
        raise ValueError("alpha: expected the known positive shape (or estimate_alpha=True), "
                         "got None")
    newton_steps = check_int(newton_steps, "newton_steps", low=1)
    start = (partial(_gamma_initial_params, x, k, None, alpha) if init is None
             else _gamma_initial_params(x, k, init, alpha, None))
    m_step_ = (partial(_m_step_estimate_alpha, newton_steps=newton_steps) if estimate_alpha
               else _m_step_fixed_alpha)
    res = em.run(x, start, _gamma_log_joint, m_step_, max_iter=max_iter, tol=tol,
                 n_init=n_init, seed=seed, keep_params=keep_params)
    p = res.params
    if estimate_alpha and p.alpha >= _ALPHA_MAX:
        warnings.warn(f"alpha stopped at its cap {_ALPHA_MAX:g}: the data are (nearly) constant "
                      "within every component, so the likelihood has no maximum in alpha",
                      ShapeCapWarning, stacklevel=2)
    order = np.argsort(-p.betas, kind="stable")
    params = GammaMixtureParams(p.theta[order], p.betas[order], float(p.alpha))
    return replace(res, params=params, resp=res.resp[:, order],
                   extra={"means": params.alpha / params.betas,
                          "alpha_estimated": bool(estimate_alpha)})


# ----------------------------------------------------------------------------------------------
# data


def gamma_mixture_data(n=1000, *, seed=0):
    """A sample from the stated generating mixture used by the book's Gamma-mixture chapter.

    ``n`` points from ``theta = (0.2, 0.5, 0.3)``, rates ``beta = (5, 1, 0.25)`` and shape
    ``alpha = 5`` (:data:`GENERATING_THETA`, :data:`GENERATING_BETAS`, :data:`GENERATING_ALPHA`).

    Parameters
    ----------
    n : int
        Number of points (at least 1).
    seed : None, int or numpy.random.Generator
        The same seed gives the same sample.

    Returns
    -------
    x : ndarray, shape (n,)
        Positive data.
    z : ndarray, shape (n,)
        The generating component of each point (0, 1 or 2).

    Raises
    ------
    ValueError
        If ``n < 1``.
    TypeError
        If ``n`` is not an integer.

    Examples
    --------
    >>> x, z = gamma_mixture_data(5, seed=0)
    >>> x.shape, bool((x > 0).all()), z.dtype.kind
    ((5,), True, 'i')
    """
    n = check_int(n, "n", low=1)
    rng = check_rng(seed)
    z = rng.choice(len(GENERATING_THETA), size=n, p=GENERATING_THETA)
    x = rng.gamma(shape=GENERATING_ALPHA, scale=1.0 / GENERATING_BETAS[z])
    return x, z
