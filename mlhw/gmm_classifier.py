"""A Bayes classifier with one Gaussian mixture per class (Waterloo CS480/680 HW4, exercise 1b),
and the tools of exercise 1a for choosing a mixture's size.

The classifier is :func:`fit_gmm_classifier`; the model-selection tools are :func:`gmm_bic`,
:func:`mean_log_likelihood` of held-out data and :func:`gmm_k_sweep`, which records both and an
elbow of the training curve (:func:`elbow_index`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from ._validation import as_array, check_choice, check_int, check_k, check_rng
from .mixtures import _ESTIMATED, COVARIANCE_TYPES, GMMParams, _fit_gmm, _gmm_log_joint, \
    _gmm_options, _gmm_params, n_parameters
from .principal import _flatten, _pca
from .synthetic import sample_gmm

__all__ = ["GMMClassifier", "KSweep", "elbow_index", "fit_gmm_classifier", "gmm_bic", "gmm_k_sweep",
           "mean_log_likelihood"]


@dataclass(frozen=True)
class GMMClassifier:
    """A fitted Gaussian-mixture Bayes classifier (returned by :func:`fit_gmm_classifier`).

    Attributes
    ----------
    classes : ndarray, shape (C,)
        The class labels, sorted.
    log_priors : ndarray, shape (C,)
        ``log Pr(y = c)``: logs of the training-class proportions.
    mixtures : tuple of GMMParams, length C
        The mixture fitted to each class, in the (projected) feature space.
    covariance : str
        ``"diag"``, ``"full"`` or ``"spherical"``.
    pca_mean : ndarray, shape (D,), or None
        Training mean subtracted before the projection (``None``: no PCA).
    pca_components : ndarray, shape (p, D), or None
        Principal components (rows) the data are projected on.
    n_iter : tuple of int
        EM iterations used per class.
    converged : tuple of bool
        Whether EM converged for each class.
    """

    classes: np.ndarray
    log_priors: np.ndarray
    mixtures: tuple
    covariance: str
    pca_mean: np.ndarray | None
    pca_components: np.ndarray | None
    n_iter: tuple
    converged: tuple

    @property
    def n_features_in(self) -> int:
        """Number of input features ``D`` (784 for flattened MNIST images)."""
        pca = self.pca_components
        return (self.mixtures[0].means if pca is None else pca).shape[1]

    def transform(self, X) -> np.ndarray:
        """Flatten images and project on the principal components: shape (N, p) (or (N, D))."""
        F = _flatten(X, "X")
        if F.shape[1] != self.n_features_in:
            raise ValueError(f"X: expected {self.n_features_in} features per point, got "
                             f"{F.shape[1]}")
        return F if self.pca_components is None else (F - self.pca_mean) @ self.pca_components.T

    def inverse_transform(self, Z) -> np.ndarray:
        """Map features back to the input space: ``pca_mean + Z @ pca_components``, (N, D)."""
        Z = as_array(Z, "Z", ndim=2)
        width = self.mixtures[0].means.shape[1]
        if Z.shape[1] != width:
            raise ValueError(f"Z: expected {width} features per point (the space the mixtures "
                             f"live in), got {Z.shape[1]}")
        return Z if self.pca_components is None else self.pca_mean + Z @ self.pca_components

    def sample(self, label, n, *, seed=None) -> np.ndarray:
        """Draw ``n`` points from ``p(x | y = label)``, mapped back to the input space, (n, D)."""
        idx = np.flatnonzero(self.classes == label)
        if not len(idx):
            raise ValueError(f"label: expected one of {self.classes.tolist()}, got {label!r}")
        m = self.mixtures[idx[0]]
        Z, _ = sample_gmm(n, m.weights, m.means, m.covariances, covariance=self.covariance,
                          seed=seed)
        return self.inverse_transform(Z)

    def class_log_likelihood(self, X) -> np.ndarray:
        """``log p(x_n | y = c)`` under each class's mixture, shape (N, C)."""
        Z = self.transform(X)
        cols = [logsumexp(_gmm_log_joint(Z, m, self.covariance), axis=1) for m in self.mixtures]
        return np.column_stack(cols)

    def joint_log_likelihood(self, X) -> np.ndarray:
        """``log Pr(y = c) + log p(x_n | y = c)``, shape (N, C)."""
        return self.log_priors + self.class_log_likelihood(X)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log posteriors ``log Pr(y = c | x_n)`` (normalised with logsumexp), shape (N, C).

        Raises
        ------
        FloatingPointError
            If a point has zero density under every class (never with positive variances).
        """
        joint = self.joint_log_likelihood(X)
        norm = logsumexp(joint, axis=1, keepdims=True)
        if not np.all(np.isfinite(norm)):
            raise FloatingPointError("a point has zero density under every class")
        return joint - norm

    def predict_proba(self, X) -> np.ndarray:
        """Posterior class probabilities ``Pr(y = c | x_n)``, shape (N, C)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        """Bayes-rule labels ``argmax_c log Pr(y = c) + log p(x_n | y = c)``, shape (N,)."""
        return self.classes[np.argmax(self.joint_log_likelihood(X), axis=1)]

    def error_rate(self, X, y) -> float:
        """Fraction of points of ``X`` whose predicted label differs from ``y``."""
        y = as_array(y, "y", ndim=1, dtype=None)
        pred = self.predict(X)
        if len(y) != len(pred):
            raise ValueError(f"y: expected {len(pred)} labels (one per row of X), got {len(y)}")
        return float(np.mean(pred != y))


def fit_gmm_classifier(X, y, k=5, *, covariance="diag", n_pca=None, max_iter=100, tol=1e-3,
                       reg=1e-6, n_init=1, seed=None) -> GMMClassifier:
    """Fit one Gaussian mixture per class: the plug-in Bayes classifier of exercise 1b.

    ``p(x | y = c)`` is a ``k``-component :func:`mlhw.fit_gmm` of the training points of class
    ``c``; the prior ``Pr(y = c)`` is the class's share of the training set.

    Parameters
    ----------
    X : array_like, shape (N, D) or (N, h, w)
        Training points (images are flattened).
    y : array_like, shape (N,)
        Class labels (any integers or strings; at least ``k`` points per class).
    k : int
        Number of mixture components per class.
    covariance : {"diag", "full", "spherical"}
    n_pca : int, optional
        Project every point (training and later) on this many leading principal components of the
        whole training set (:func:`mlhw.pca`); ``None``: use the raw features.
    max_iter, tol, reg, n_init :
        Passed to :func:`mlhw.fit_gmm` (``reg`` is the variance floor; raw pixels in [0, 1]
        need a larger one than the default, about ``1e-2``).
    seed : None, int or numpy.random.Generator
        Each class gets its own child generator, so results do not depend on class order.

    Returns
    -------
    GMMClassifier

    Raises
    ------
    ValueError
        For non-finite or mis-shaped data, labels of the wrong length, a class with fewer than
        ``k`` points, an unknown covariance type or ``n_pca`` out of range.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(-2, 1, (100, 2)), rng.normal(2, 1, (100, 2))])
    >>> y = np.repeat([0, 1], 100)
    >>> clf = fit_gmm_classifier(X, y, k=2, seed=0)
    >>> clf.predict([[-2.0, -2.0], [2.0, 2.0]]).tolist()
    [0, 1]
    >>> float(np.exp(clf.log_priors).sum())
    1.0
    """
    F = _flatten(X, "X")
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(F):
        raise ValueError(f"y: expected a 1-dimensional array of {len(F)} labels (one per row of "
                         f"X), got shape {y.shape}")
    covariance = check_choice(covariance, "covariance", _ESTIMATED)
    classes, counts = np.unique(y, return_counts=True)
    k = check_k(k, int(counts.min()), "k")
    pca_mean = pca_components = None
    if n_pca is not None:
        n_pca = check_int(n_pca, "n_pca", low=1, high=min(len(F) - 1, F.shape[1]))
        _, pca_components = _pca(F, n_pca)
        pca_mean = F.mean(axis=0)
        F = (F - pca_mean) @ pca_components.T
    opts = _gmm_options(covariance, None, max_iter, tol, reg, None, n_init)
    rngs = check_rng(seed).spawn(len(classes))
    fits = [_fit_gmm(F[y == c], k, r, **opts) for c, r in zip(classes, rngs)]
    return GMMClassifier(
        classes=classes, log_priors=np.log(counts / counts.sum()),
        mixtures=tuple(f.params for f in fits), covariance=covariance, pca_mean=pca_mean,
        pca_components=pca_components, n_iter=tuple(f.n_iter for f in fits),
        converged=tuple(f.converged for f in fits))


# Choosing the number of components (exercise 1a)

def _model(X, model, covariance):
    """Checked ``(X, GMMParams, covariance)`` from data and a :func:`mlhw.fit_gmm` result (or
    GMMParams and a covariance type)."""
    cov = getattr(model, "covariance", None) if covariance is None else covariance
    if cov is None:
        raise ValueError("covariance: expected a covariance type when model has none (pass "
                         "covariance='diag', 'full', ...), got None")
    cov = check_choice(cov, "covariance", COVARIANCE_TYPES)
    try:
        params = GMMParams(model.weights, model.means, model.covariances)
    except AttributeError:
        raise TypeError(f"model: expected a fitted mixture with weights, means and covariances "
                        f"(a fit_gmm result or GMMParams), got {type(model).__name__}") from None
    params = _gmm_params(params, cov, "model")
    X = as_array(X, "X", ndim=2)
    if X.shape[1] != params.means.shape[1]:
        raise ValueError(f"X: expected {params.means.shape[1]} features (the model's dimension), "
                         f"got {X.shape[1]}")
    return X, params, cov


def mean_log_likelihood(X, model, *, covariance=None) -> float:
    """Mean log-likelihood per point, ``(1/N) sum_n log p(x_n)``, of (held-out) data.

    Parameters
    ----------
    X : array_like, shape (N, d)
    model : EMResult or GMMParams
        A fitted mixture.
    covariance : str, optional
        Covariance type; taken from ``model.covariance`` when omitted.

    Returns
    -------
    float
        ``(1/N) sum_n log p(x_n)``.

    Raises
    ------
    ValueError
        For bad data, a dimension mismatch or a missing covariance type.
    TypeError
        If ``model`` has no mixture parameters.

    Examples
    --------
    >>> m = GMMParams(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1)))
    >>> round(mean_log_likelihood([[0.0]], m, covariance="diag"), 6)  # log N(0 | 0, 1)
    -0.918939
    """
    return _mean_log_likelihood(*_model(X, model, covariance))


def _mean_log_likelihood(X, params, cov):
    return float(np.mean(logsumexp(_gmm_log_joint(X, params, cov), axis=1)))


def _bic(X, params, cov):
    n, d = X.shape
    ll = _mean_log_likelihood(X, params, cov) * n
    return float(-2.0 * ll + n_parameters(len(params.weights), d, cov) * np.log(n))


def gmm_bic(X, model, *, covariance=None) -> float:
    """Bayesian information criterion ``-2 log L + p log N`` (lower is better).

    Parameters
    ----------
    X : array_like, shape (N, d)
        The data the model was fitted to.
    model, covariance :
        As :func:`mean_log_likelihood`.

    Returns
    -------
    float
        ``-2 log L + p log N``, ``p`` the free parameters (:func:`mlhw.mixtures.n_parameters`).

    Raises
    ------
    ValueError
        As :func:`mean_log_likelihood`.
    TypeError
        If ``model`` has no mixture parameters.

    Examples
    --------
    >>> m = GMMParams(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1)))
    >>> X = np.zeros((4, 1))
    >>> bool(np.isclose(gmm_bic(X, m, covariance="diag"), 4 * np.log(2 * np.pi) + 2 * np.log(4)))
    True
    """
    return _bic(*_model(X, model, covariance))


def elbow_index(values, *, rel_gain: float = 0.05) -> int:
    """Index where a decreasing curve (a loss against k) flattens: its elbow.

    The smallest index ``i`` such that every later step ``values[j - 1] - values[j]`` (``j > i``)
    gains less than ``rel_gain`` (5 %) times the largest single-step gain of the whole curve.

    Parameters
    ----------
    values : array_like, shape (m,)
        The curve, for example the final negative log-likelihood for k = 1, ..., m.
    rel_gain : float
        Threshold in (0, 1).

    Returns
    -------
    int
        An index into ``values`` (0 for a curve that never decreases).

    Raises
    ------
    ValueError
        For fewer than 2 values, non-finite values or ``rel_gain`` outside (0, 1).

    Examples
    --------
    >>> elbow_index([100.0, 50.0, 20.0, 19.0, 18.5, 18.0])
    2
    """
    v = as_array(values, "values", ndim=1, min_rows=2)
    rel_gain = float(rel_gain)
    if not 0 < rel_gain < 1:
        raise ValueError(f"rel_gain: expected a number in (0, 1), got {rel_gain!r}")
    gains = v[:-1] - v[1:]
    big = gains.max()
    if big <= 0:
        return 0
    return int(np.flatnonzero(gains >= rel_gain * big)[-1] + 1)


@dataclass(frozen=True)
class KSweep:
    """Mixtures with ``k = ks[0], ks[1], ...`` components and the criteria to choose among them.

    Attributes
    ----------
    ks : ndarray of int
    neg_log_likelihood : ndarray
        Final training negative log-likelihood ``-sum_n log p(x_n)`` per ``k``.
    bic : ndarray
        :func:`gmm_bic` on the training data per ``k``.
    held_out : ndarray
        Mean held-out log-likelihood per point per ``k`` (NaN when no held-out data were given).
    results : tuple of EMResult
    """

    ks: np.ndarray
    neg_log_likelihood: np.ndarray
    bic: np.ndarray
    held_out: np.ndarray
    results: tuple

    @property
    def k_elbow(self) -> int:
        """``k`` at the elbow of the training NLL curve (:func:`elbow_index`)."""
        return int(self.ks[elbow_index(self.neg_log_likelihood)])

    @property
    def k_bic(self) -> int:
        """``k`` with the smallest BIC."""
        return int(self.ks[np.argmin(self.bic)])

    @property
    def k_held_out(self) -> int:
        """``k`` with the largest held-out log-likelihood."""
        if np.all(np.isnan(self.held_out)):
            raise ValueError("held_out: no held-out data were given to gmm_k_sweep")
        return int(self.ks[np.nanargmax(self.held_out)])

    def result(self, k) -> object:
        """The fitted mixture with ``k`` components."""
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"k: expected one of the integers {self.ks.tolist()}, got "
                            f"{type(k).__name__}")
        idx = np.flatnonzero(self.ks == k)
        if not len(idx):
            raise ValueError(f"k: expected one of {self.ks.tolist()}, got {k!r}")
        return self.results[idx[0]]


def gmm_k_sweep(X, ks, *, held_out=None, covariance="diag", max_iter=500, tol=1e-5, reg=1e-6,
                n_init=1, init=None, seed=None) -> KSweep:
    """Fit a mixture for every ``k`` in ``ks`` and record the training NLL, BIC and held-out fit.

    Parameters
    ----------
    X : array_like, shape (N, d)
        Training data.
    ks : sequence of int
        Numbers of components (each in ``[1, N]``, increasing, at least one).
    held_out : array_like, shape (M, d), optional
        Data not used for fitting, for the held-out log-likelihood.
    covariance, max_iter, tol, reg, n_init, init :
        Passed to :func:`mlhw.fit_gmm`.
    seed : None, int or numpy.random.Generator
        Each ``k`` gets its own child generator.

    Returns
    -------
    KSweep

    Raises
    ------
    ValueError
        For bad data, an empty or non-increasing ``ks``, a ``k`` out of range or held-out data
        of another dimension.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(-4, 1, (150, 2)), rng.normal(4, 1, (150, 2))])
    >>> sweep = gmm_k_sweep(X, [1, 2, 3, 4], seed=0)
    >>> sweep.k_bic
    2
    """
    X = as_array(X, "X", ndim=2)
    ks_arr = np.asarray(ks)
    if ks_arr.ndim != 1 or len(ks_arr) == 0:
        raise ValueError(f"ks: expected a non-empty 1-dimensional sequence of integers, got "
                         f"{ks!r}")
    ks_list = [check_k(k, len(X), "ks") for k in ks_arr.tolist()]
    if any(b <= a for a, b in zip(ks_list, ks_list[1:])):
        raise ValueError(f"ks: expected strictly increasing values, got {ks_list}")
    if held_out is not None:
        held_out = as_array(held_out, "held_out", ndim=2)
        if held_out.shape[1] != X.shape[1]:
            raise ValueError(f"held_out: expected {X.shape[1]} features (as X), got "
                             f"{held_out.shape[1]}")
    opts = _gmm_options(covariance, init, max_iter, tol, reg, None, n_init)
    rngs = check_rng(seed).spawn(len(ks_list))
    results = tuple(_fit_gmm(X, k, r, **opts) for k, r in zip(ks_list, rngs))
    cov = opts["covariance"]
    nll = np.array([-len(X) * _mean_log_likelihood(X, r.params, cov) for r in results])
    bic = np.array([_bic(X, r.params, cov) for r in results])
    ho = np.array([np.nan if held_out is None else _mean_log_likelihood(held_out, r.params, cov)
                   for r in results])
    return KSweep(ks=np.array(ks_list), neg_log_likelihood=nll, bic=bic, held_out=ho,
                  results=results)
