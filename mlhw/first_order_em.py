"""First-order EM is gradient ascent on the log-likelihood (Harvard CS181 HW4, problem 3).

The model is the ``K``-component univariate Gaussian mixture ``z_n ~ Cat(pi)``,
``x_n | z_n = k ~ N(mu_k, sigma_k^2)``. Its parameters travel as one flat vector ``theta`` of
length ``3K - 1`` (:func:`pack_params`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from . import em
from ._validation import as_array, check_choice, check_int, check_positive, check_probabilities
from .mixtures import GMMParams, _gmm_log_joint, _gmm_m_step

__all__ = ["Trajectory", "elbo", "elbo_grad", "em_step", "first_order_em_step",
           "gradient_ascent_step", "log_likelihood", "log_likelihood_grad", "pack_params",
           "trajectory", "unpack_params"]

METHODS = ("em", "first_order_em", "gradient_ascent")


@dataclass(frozen=True)
class Trajectory:
    """The iterates of one method, from :func:`trajectory` (CS181 HW4 problem 3).

    Attributes
    ----------
    method : str
        ``"em"``, ``"first_order_em"`` or ``"gradient_ascent"``.
    thetas : ndarray, shape (n_steps + 1, 3K - 1)
        ``theta^0`` (the start) and every iterate, in the layout of :func:`pack_params`.
    log_likelihood : ndarray, shape (n_steps + 1,)
        ``l(theta^t)`` for every row of ``thetas``.
    eta : float or None
        The learning rate (None for EM).
    """

    method: str
    thetas: np.ndarray
    log_likelihood: np.ndarray
    eta: float | None


# ----------------------------------------------------------------------------------------------
# parameters


def pack_params(weights, means, variances) -> np.ndarray:
    """Flat parameter vector ``(pi_1..pi_{K-1}, mu_1, sigma_1^2, ..., mu_K, sigma_K^2)``.

    Parameters
    ----------
    weights : array_like, shape (K,)
        Mixing weights (positive, summing to one); the last one is dropped.
    means : array_like, shape (K,)
    variances : array_like, shape (K,)
        Positive variances.

    Returns
    -------
    theta : ndarray, shape (3K - 1,)

    Raises
    ------
    ValueError
        If the weights are not positive and summing to one, the variances not positive, or the
        shapes differ.

    Examples
    --------
    >>> pack_params([0.3, 0.7], [-1.0, 2.0], [1.0, 4.0])
    array([ 0.3, -1. ,  1. ,  2. ,  4. ])
    """
    w = check_probabilities(weights, "weights", shape=(None,))
    if np.any(w <= 0):
        raise ValueError(f"weights: expected positive weights, got minimum {w.min()!r}")
    mu = as_array(means, "means", shape=w.shape)
    var = check_positive(as_array(variances, "variances", shape=w.shape), "variances")
    return _pack(w[:-1], mu, var)


def _pack(free_weights, means, variances):
    """The layout of :func:`pack_params` from ``pi_1..pi_{K-1}``, the means and the variances."""
    return np.concatenate([free_weights, np.column_stack([means, variances]).ravel()])


def _unpack(theta):
    k = (len(theta) + 1) // 3
    free = theta[: k - 1]
    w = np.append(free, 1.0 - free.sum())
    pairs = theta[k - 1:].reshape(k, 2)
    return w, pairs[:, 0].copy(), pairs[:, 1].copy()


def unpack_params(theta):
    """``(weights (K,), means (K,), variances (K,))`` from a flat vector of length ``3K - 1``.

    The inverse of :func:`pack_params`; ``pi_K = 1 - sum`` of the others.

    Parameters
    ----------
    theta : array_like, shape (3K - 1,)

    Returns
    -------
    weights, means, variances : ndarray, shape (K,)

    Raises
    ------
    ValueError
        If the length is not ``3K - 1``, a weight is outside ``(0, 1)`` (including the implied
        ``pi_K``) or a variance is not positive.

    Examples
    --------
    >>> w, mu, var = unpack_params([0.3, -1.0, 1.0, 2.0, 4.0])
    >>> w, mu, var
    (array([0.3, 0.7]), array([-1.,  2.]), array([1., 4.]))
    """
    return _unpack(_check_theta(theta))


def _domain_error(theta):
    """A message if ``theta`` is outside the parameter space, else None."""
    w, _, var = _unpack(theta)
    if np.any(w <= 0) or (len(w) > 1 and np.any(w >= 1)):
        return (f"expected mixing weights (with pi_K = 1 - sum of the others) in (0, 1), got "
                f"{np.array2string(w, precision=4)}")
    if np.any(var <= 0):
        return f"expected positive variances, got {np.array2string(var, precision=4)}"
    return None


def _check_theta(theta, name="theta") -> np.ndarray:
    theta = as_array(theta, name, ndim=1)
    if len(theta) % 3 != 2:
        raise ValueError(f"{name}: expected a vector of length 3K - 1 (pi_1..pi_(K-1), then "
                         f"mu_k, sigma_k^2 for each k), got length {len(theta)}")
    if msg := _domain_error(theta):
        raise ValueError(f"{name}: {msg}")
    return theta


def _check_inputs(x, theta, theta_t=None, name="theta"):
    """Checked ``x`` and ``theta`` (and ``theta_t``, with as many components as ``theta``)."""
    x, theta = as_array(x, "x", ndim=1), _check_theta(theta, name)
    if theta_t is None:
        return x, theta
    theta_t = _check_theta(theta_t, "theta_t")
    if theta.shape != theta_t.shape:
        raise ValueError(f"theta_t: expected the same number of components as theta (length "
                         f"{len(theta)}), got length {len(theta_t)}")
    return x, theta, theta_t


def _check_eta(eta) -> float:
    if isinstance(eta, (bool, np.bool_, str, bytes)) or not np.isscalar(eta):
        raise TypeError(f"eta: expected a positive learning rate, got {eta!r}")
    eta = float(eta)
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"eta: expected a finite positive learning rate, got {eta!r}")
    return eta


def _gmm1d_log_joint(x, theta):
    """``log pi_k + log N(x_n | mu_k, sigma_k^2)``, shape (N, K), from :mod:`mlhw.mixtures`."""
    w, mu, var = _unpack(theta)
    return _gmm_log_joint(x[:, None], GMMParams(w, mu[:, None], var), "spherical")


# ----------------------------------------------------------------------------------------------
# the log-likelihood and the ELBO, with their gradients


def log_likelihood(x, theta) -> float:
    """Observed-data log-likelihood ``l(theta) = sum_n log sum_k pi_k N(x_n | mu_k, sigma_k^2)``.

    Parameters
    ----------
    x : array_like, shape (N,)
        Finite data points.
    theta : array_like, shape (3K - 1,)
        Parameters in the layout of :func:`pack_params`: mixing weights in ``(0, 1)`` (the implied
        ``pi_K`` too) and positive variances.

    Returns
    -------
    float
        ``l(theta)``.

    Raises
    ------
    ValueError
        For non-finite or non-1-D ``x``, or ``theta`` of the wrong length or outside the
        parameter space.

    Examples
    --------
    >>> round(log_likelihood([0.0], [0.0, 1.0]), 6)  # one N(0, 1) at 0: -log(2 pi) / 2
    -0.918939
    """
    x, theta = _check_inputs(x, theta)
    return float(logsumexp(_gmm1d_log_joint(x, theta), axis=1).sum())


def log_likelihood_grad(x, theta) -> np.ndarray:
    """Gradient of the log-likelihood, ``sum_n grad p(x_n | theta) / p(x_n | theta)``.

    Computed directly from the mixture density, not through the ELBO (formulas: module notes).

    Parameters
    ----------
    x, theta
        As in :func:`log_likelihood`.

    Returns
    -------
    ndarray, shape (3K - 1,)
        ``grad l(theta)``, in the layout of ``theta``.

    Raises
    ------
    ValueError
        For invalid ``x`` or ``theta``, as :func:`log_likelihood`.

    Examples
    --------
    >>> log_likelihood_grad([1.0, 3.0], [0.0, 1.0])  # K = 1: (sum(x - mu), sum((x-mu)^2 - 1)/2)
    array([4., 4.])
    """
    x, theta = _check_inputs(x, theta)
    return _ll_and_grad(x, theta)[1]


def _ll_and_grad(x, theta):
    """``(l(theta), grad l(theta))`` without validation (inner loops)."""
    w, mu, var = _unpack(theta)
    log_comp = _gmm1d_log_joint(x, theta) - np.log(w)                # log N_nk
    log_p = logsumexp(np.log(w) + log_comp, axis=1)             # log p_n
    ratio = np.exp(log_comp - log_p[:, None])                   # N_nk / p_n
    diff = x[:, None] - mu
    d_w = (ratio[:, :-1] - ratio[:, -1:]).sum(axis=0)
    d_mu = w * np.sum(ratio * diff, axis=0) / var
    d_var = w * np.sum(ratio * (diff**2 - var), axis=0) / (2 * var**2)
    return float(log_p.sum()), _pack(d_w, d_mu, d_var)


def _posterior(x, theta_t):
    """``q_nk = p(z_n = k | x_n, theta^t)`` by the driver's E-step, shape (N, K)."""
    return em.e_step(x, theta_t, _gmm1d_log_joint)[1]


def _elbo_grad_from_q(x, q, theta):
    """Gradient in ``theta`` of ``sum_n sum_k q_nk log p(x_n, z_n = k | theta)``."""
    w, mu, var = _unpack(theta)
    nk = q.sum(axis=0)
    diff = x[:, None] - mu
    d_w = nk[:-1] / w[:-1] - nk[-1] / w[-1]
    d_mu = np.sum(q * diff, axis=0) / var
    d_var = np.sum(q * (diff**2 / (2 * var**2) - 1 / (2 * var)), axis=0)
    return _pack(d_w, d_mu, d_var)


def elbo(x, theta, theta_t) -> float:
    """``ELBO(theta, q | theta^t)`` with ``q(z_n) = p(z_n | x_n, theta^t)`` (problem 3.1).

    ``sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k, sigma_k^2)] - sum_n sum_k q_nk log q_nk``;
    ``ELBO(theta^t, q | theta^t) = l(theta^t)``.

    Parameters
    ----------
    x, theta
        As in :func:`log_likelihood`; ``theta`` is where the ELBO is evaluated.
    theta_t : array_like, shape (3K - 1,)
        The current iterate that fixes ``q``.

    Returns
    -------
    float
        ``ELBO(theta, q | theta^t)``.

    Raises
    ------
    ValueError
        As :func:`log_likelihood`, for either ``theta`` or ``theta_t``, or if they have different
        numbers of components.

    Examples
    --------
    >>> x, t = [0.0, 2.0], [0.5, -1.0, 1.0, 2.0, 1.0]
    >>> bool(np.isclose(elbo(x, t, t), log_likelihood(x, t)))
    True
    """
    x, theta, theta_t = _check_inputs(x, theta, theta_t)
    q = _posterior(x, theta_t)
    lj = _gmm1d_log_joint(x, theta)
    pos = q > 0
    return float(np.sum(q[pos] * lj[pos]) - np.sum(q[pos] * np.log(q[pos])))


def elbo_grad(x, theta, theta_t) -> np.ndarray:
    """Gradient in ``theta`` of ``ELBO(theta, q | theta^t)`` (``q`` held fixed at ``theta^t``).

    At ``theta = theta^t`` it equals :func:`log_likelihood_grad` (problem 3.2); elsewhere it
    does not (problem 3.3). Formulas: module notes.

    Parameters
    ----------
    x, theta, theta_t
        As in :func:`elbo`: the gradient is taken at ``theta``, ``q`` is the posterior at
        ``theta_t``.

    Returns
    -------
    ndarray, shape (3K - 1,)
        ``d ELBO / d theta`` in the layout of ``theta``.

    Raises
    ------
    ValueError
        As :func:`elbo` (for ``x``, ``theta`` and ``theta_t``).

    Examples
    --------
    >>> x, t = [0.0, 2.0, 5.0], [0.5, -1.0, 1.0, 2.0, 1.0]
    >>> bool(np.allclose(elbo_grad(x, t, t), log_likelihood_grad(x, t)))
    True
    """
    x, theta, theta_t = _check_inputs(x, theta, theta_t)
    return _elbo_grad_from_q(x, _posterior(x, theta_t), theta)


# ----------------------------------------------------------------------------------------------
# one step of each method


def _exact_m_step(x, q, theta):
    """EM's M-step, the Gaussian mixtures' (``d = 1``, no variance floor)."""
    p = _gmm_m_step(x[:, None], q, "spherical", 0.0)
    return _pack(p.weights[:-1], p.means[:, 0], p.covariances)


def _step(theta, grad, eta, method):
    """``theta + eta * grad``, which must stay in the parameter space."""
    new = theta + eta * grad
    msg = _domain_error(new)
    if msg or not np.all(np.isfinite(new)):
        raise ValueError(f"eta: expected a learning rate whose {method} step stays in the "
                         f"parameter space, got eta={eta!r}: from theta="
                         f"{np.array2string(theta, precision=4)} the step leaves it "
                         f"({msg or 'non-finite values'}); use a smaller learning rate")
    return new


def _first_order_m_step(eta):
    def m_step(x, q, theta):
        return _step(theta, _elbo_grad_from_q(x, q, theta), eta, "first-order EM")
    return m_step


def em_step(x, theta) -> np.ndarray:
    """One EM iteration: E-step at ``theta``, then the closed-form M-step (``argmax`` ELBO).

    Parameters
    ----------
    x, theta
        The data and the current iterate ``theta^t``, as in :func:`log_likelihood`.

    Returns
    -------
    ndarray, shape (3K - 1,)
        The next iterate ``theta^(t+1) = argmax_theta ELBO(theta, q | theta^t)``.

    Raises
    ------
    ValueError
        As :func:`log_likelihood`.
    FloatingPointError
        If the step collapses a component onto a single point (zero variance: there is no
        variance floor).

    Examples
    --------
    >>> em_step([0.0, 2.0], [0.0, 5.0])  # K = 1: the sample mean and variance in one step
    array([1., 1.])
    """
    x, theta = _check_inputs(x, theta)
    return _exact_m_step(x, _posterior(x, theta), theta)


def first_order_em_step(x, theta, *, eta) -> np.ndarray:
    """One first-order EM iteration: ``theta + eta * grad ELBO(theta, q | theta)`` (problem 3).

    The M-step is a single gradient step on the ELBO (:func:`elbo_grad` at ``theta^t``).

    Parameters
    ----------
    x, theta
        The data and the current iterate ``theta^t``, as in :func:`log_likelihood`.
    eta : float
        Positive learning rate.

    Returns
    -------
    ndarray, shape (3K - 1,)
        The next iterate ``theta^t + eta * grad ELBO(theta, q | theta^t)`` at ``theta^t``.

    Raises
    ------
    ValueError
        For invalid inputs, or if the step leaves the parameter space (a weight outside
        ``(0, 1)`` or a non-positive variance): the learning rate is too large.

    Examples
    --------
    >>> x, t = [0.0, 2.0, 5.0], [0.5, -1.0, 1.0, 2.0, 1.0]
    >>> bool(np.allclose(first_order_em_step(x, t, eta=0.01),
    ...                  gradient_ascent_step(x, t, eta=0.01), rtol=0, atol=1e-14))
    True
    """
    x, theta = _check_inputs(x, theta)
    eta = _check_eta(eta)
    return _first_order_m_step(eta)(x, _posterior(x, theta), theta)


def gradient_ascent_step(x, theta, *, eta) -> np.ndarray:
    """One step of gradient ascent on the log-likelihood: ``theta + eta * grad l(theta)``.

    Parameters
    ----------
    x, theta, eta
        As in :func:`first_order_em_step`.

    Returns
    -------
    ndarray, shape (3K - 1,)
        The next iterate, ``theta + eta * grad l(theta)``.

    Raises
    ------
    ValueError
        As :func:`first_order_em_step` (invalid inputs, or a step leaving the parameter space).

    Examples
    --------
    >>> gradient_ascent_step([1.0, 3.0], [0.0, 1.0], eta=0.1)
    array([0.4, 1.4])
    """
    x, theta = _check_inputs(x, theta)
    eta = _check_eta(eta)
    return _step(theta, _ll_and_grad(x, theta)[1], eta, "gradient-ascent")


# ----------------------------------------------------------------------------------------------
# trajectories


def trajectory(x, theta0, *, method, n_steps, eta=None) -> Trajectory:
    """``n_steps`` iterations of EM, first-order EM or gradient ascent from ``theta0``.

    The numerical comparison of CS181 HW4 problem 3 (how each method runs: the module notes).

    Parameters
    ----------
    x, theta0
        As ``x`` and ``theta`` in :func:`log_likelihood`; ``theta0`` is the common start.
    method : {"em", "first_order_em", "gradient_ascent"}
    n_steps : int
        Number of iterations (at least 1), exactly.
    eta : float, optional
        Learning rate; required for the two gradient methods, not allowed for EM.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        For invalid inputs, a missing or superfluous ``eta``, or a step leaving the parameter
        space.
    FloatingPointError
        If EM collapses a component onto a single point (zero variance).

    Examples
    --------
    >>> from mlhw.synthetic import sample_gmm
    >>> x = sample_gmm(200, [0.4, 0.6], [[-2.0], [2.0]], [1.0, 1.0], covariance="spherical",
    ...                seed=0)[0][:, 0]
    >>> t0 = pack_params([0.5, 0.5], [-0.5, 0.5], [2.0, 2.0])
    >>> a = trajectory(x, t0, method="first_order_em", n_steps=50, eta=1e-3)
    >>> b = trajectory(x, t0, method="gradient_ascent", n_steps=50, eta=1e-3)
    >>> float(np.abs(a.thetas - b.thetas).max()) < 1e-12
    True
    """
    x, theta0 = _check_inputs(x, theta0, name="theta0")
    method = check_choice(method, "method", METHODS)
    n_steps = check_int(n_steps, "n_steps", low=1)
    if method == "em" and eta is not None:
        raise ValueError(f"eta: expected None (EM has no learning rate), got eta={eta!r}")
    if method != "em" and eta is None:
        raise ValueError(f"eta: expected a positive learning rate for method={method!r}, "
                         "got None")
    eta = None if eta is None else _check_eta(eta)
    if method != "gradient_ascent":
        m_step = _exact_m_step if eta is None else _first_order_m_step(eta)
        res = em._run(x, theta0, _gmm1d_log_joint, m_step, n_steps, 0.0, 1, None,
                      keep_params=True, monotone_rtol=np.inf if eta else 1e-9)
        return Trajectory(method, np.array(res.history), res.log_likelihood, eta)
    thetas, ll = [theta0], []
    for _ in range(n_steps):
        t = thetas[-1]
        value, grad = _ll_and_grad(x, t)
        ll.append(value)
        thetas.append(_step(t, grad, eta, "gradient-ascent"))
    ll.append(_ll_and_grad(x, thetas[-1])[0])
    return Trajectory(method, np.array(thetas), np.array(ll), eta)
