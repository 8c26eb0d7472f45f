"""Numerical trouble never becomes a NaN: every fitter on degenerate and badly scaled data.

Situations: duplicated points; a component collapsing onto a single point; constant features (raw
MNIST pixels: 205 of the 784 are 0 in all of the first 500 training images); data multiplied by
1e6 and by 1e-6; more clusters or components than distinct points; and, beyond the issue's list,
data whose squares overflow float64. Every fitter either returns finite parameters and finite
log-likelihoods, or raises a clear ``ValueError`` / ``FloatingPointError``. Where a fitter replaces
its own update by a policy it warns, and the tests assert that warning (and that nothing else, in
particular no NumPy ``RuntimeWarning``, leaks out).

The policies, each stated in its module's docstring:

* Variance floors are part of the model and always on: every variance of the Gaussian mixtures
  (:func:`mlhw.fit_gmm`, the semi-supervised GMM, the GMM classifier; every eigenvalue of a full
  covariance) is kept at least ``reg``, and the regression mixture's noise variances at least
  ``reg``. A component that collapses onto one point keeps variance ``reg`` (or
  ``reg``). A fit that ends with variances at the floor warns once
  (``VarianceFloorWarning``, with their number). With ``reg=0`` the collapse raises
  ``FloatingPointError`` naming ``reg``.
* k-means and k-medians re-seed an empty cluster at the farthest point; with more clusters than
  distinct points the clusters that cannot be re-seeded keep their centre and the iteration
  converges (``EmptyClusterWarning`` in both cases).
* A mixture component left without responsibility keeps its previous parameters with weight about
  0 (:class:`mlhw.mixtures.EmptyComponentWarning`): Gaussian, Gamma and regression mixtures alike.
* The Gamma mixture's shape estimate stops at ``1e8`` when the data are constant within every
  component, where the likelihood is unbounded (``ShapeCapWarning``).
* Two coins: when one side has no flips the M-step returns the limit heads / flips of its ratio
  (the posterior may round to exactly 0, which made it ``0 / 0``). That is the exact EM update,
  not an intervention, so it does not warn.
* HAC, PCA and Laplacian eigenmaps replace nothing; they are exact and scale-equivariant.
* Overflow: k-means, k-medians, HAC and PCA raise ``FloatingPointError``; the EM fitters raise it
  from the shared driver's E-step (or from their k-means initialisation).

Scale. A floor is an absolute variance in the units of the data squared (as scikit-learn's
``reg_covar``), not a relative one. So a mixture fit is equivariant only when the floor is
rescaled with the data: ``fit(X * s, reg=reg * s**2)`` is ``fit(X, reg=reg)`` rescaled, which
is asserted for ``s = 1e6`` and ``1e-6``. With the default ``reg = 1e-6`` on data of spread
``1e-6`` the floor dominates (a variance of 1e-6 against a data variance of 1e-12): that is the
correct behaviour of the stated model, not a bug, so the expectation asserted is a finite fit
with every variance at least ``reg`` and in fact close to it (the two clusters are no longer
resolved). The remedy is to standardise the data or to scale ``reg``. The Gamma mixture, k-means,
k-medians, HAC, PCA and the eigenmaps have no floor and are equivariant for every scale.
"""

import warnings

import numpy as np
import pytest
from scipy.spatial.distance import cdist

import mlhw
from mlhw import hac
from mlhw.em import ConvergenceWarning
from mlhw.gamma_mixture import ShapeCapWarning
from mlhw.lloyd import EmptyClusterWarning
from mlhw.mixtures import EmptyComponentWarning, VarianceFloorWarning

_RNG = np.random.default_rng(20240601)
BLOBS = np.concatenate([_RNG.normal(-3, 1, (30, 2)), _RNG.normal(3, 1, (30, 2))])
DUPLICATED = np.repeat(BLOBS[:5], 12, axis=0)               # 60 points, 5 distinct
COLLAPSE = np.concatenate([np.zeros((20, 2)), _RNG.normal(5, 1, (20, 2))])
FEW_DISTINCT = np.repeat([[0.0, 0.0], [1.0, 2.0], [4.0, -1.0]], 5, axis=0)  # 3 distinct


def _mnist():
    images, _ = mlhw.load_mnist("train", n=500)
    return images.reshape(500, -1).astype(float)


SITUATIONS = {  # name -> (data, k)
    "duplicated": (lambda: DUPLICATED, 3),
    "collapse": (lambda: COLLAPSE, 2),
    "constant-pixels": (_mnist, 3),
    "scale-1e6": (lambda: BLOBS * 1e6, 2),
    "scale-1e-6": (lambda: BLOBS * 1e-6, 2),
    "k>distinct": (lambda: FEW_DISTINCT, 5),
}


# ------------------------------------------------------------------------------- the fitters
# Each takes (X, k) and returns the arrays that must be finite.


def _sigma2(X):
    return float(np.mean(np.var(X, axis=0))) or 1.0


def _gmm(cov):
    def fit(X, k):
        if cov == "full" and X.shape[1] > 100:
            X = X[:, ::8]  # 98 pixels, 27 of them constant: keeps the d^3 factorisations cheap
        kw = {"sigma2": _sigma2(X)} if cov == "fixed" else {}
        r = mlhw.fit_gmm(X, k, covariance=cov, seed=0, max_iter=30, **kw)
        if cov != "fixed":  # the floor reg = 1e-6 (eigenvalues up to their rounding error)
            var = r.covariances if cov != "full" else np.linalg.eigvalsh(r.covariances)
            assert var.min() >= 1e-6 - 1e-14 * var.max()
        return r.weights, r.means, r.covariances, r.log_likelihood, r.resp
    return fit


def _semi_supervised(cov):
    def fit(X, k):
        if cov == "full" and X.shape[1] > 100:
            X = X[:, ::8]
        y = np.full(len(X), -1)
        y[0], y[-1] = 0, k - 1
        r = mlhw.fit_semi_supervised_gmm(X, y, k, covariance=cov, seed=0, max_iter=30)
        return r.weights, r.means, r.covariances, r.log_likelihood, r.resp
    return fit


def _classifier(X, k):
    y = np.arange(len(X)) % 2
    clf = mlhw.fit_gmm_classifier(X, y, k=k, seed=0, max_iter=30)
    return (*[m.covariances for m in clf.mixtures], *[m.means for m in clf.mixtures],
            clf.predict_log_proba(X))


def _kmeans(X, k):
    r = mlhw.kmeans(X, k, seed=0)
    assert r.converged
    return r.centers, r.objective


def _kmedians(X, k):
    r = mlhw.kmedians(X, k, seed=0)
    assert r.converged
    return r.centers, r.objective


def _regression(X, k):
    if X.shape[1] > 100:  # pixels: 98 features, 27 of them constant (a rank-deficient design)
        design, y = np.column_stack([np.ones(len(X)), X[:, ::8]]), np.linalg.norm(X, axis=1)
    else:                 # points: predict the last coordinate from the others
        design, y = np.column_stack([np.ones(len(X)), X[:, :-1]]), X[:, -1]
    r = mlhw.fit_regression_mixture(design, y, k, seed=0, max_iter=30)
    assert np.all(r.variances >= 1e-6)
    return r.weights, r.coefs, r.variances, r.log_likelihood, r.resp


def _hac(method):
    def fit(X, k):
        Z = hac.linkage(X, "l2", method)
        if method != "centroid":
            assert np.all(np.diff(Z[:, 2]) >= 0)
        return (Z,)
    return fit


def _pca(X, k):
    X = np.column_stack([X, np.zeros(len(X))])  # one more constant feature: a zero eigenvalue
    m = min(X.shape)                            # every component, beyond the rank of the data
    vals, comps = mlhw.pca(X, m)
    np.testing.assert_allclose(comps @ comps.T, np.eye(m), atol=1e-9)
    assert vals[-1] == pytest.approx(0.0, abs=1e-12 * vals[0])
    return vals, comps


def _eigenmaps(X, k):
    d2 = cdist(X, X, "sqeuclidean")
    W = np.exp(-d2 / np.median(d2[d2 > 0]))
    np.fill_diagonal(W, 0.0)
    Psi, lam = mlhw.laplacian_eigenmaps(W, k)
    return Psi, lam


FITTERS = {
    "kmeans": _kmeans, "kmedians": _kmedians,
    **{f"gmm-{c}": _gmm(c) for c in ("full", "diag", "spherical", "fixed")},
    **{f"semi-supervised-{c}": _semi_supervised(c) for c in ("full", "diag", "spherical")},
    "gmm-classifier": _classifier, "regression-mixture": _regression,
    **{f"hac-{m}": _hac(m) for m in ("min", "max", "avg", "centroid")},
    "pca": _pca, "eigenmaps": _eigenmaps,
}

# The warnings each (fitter, situation) must emit: where the code intervenes. Everything else
# must run without any warning (apart from a ConvergenceWarning, which is not an intervention).
_GMMS = [f for f in FITTERS if f.startswith("gmm-") and f != "gmm-classifier"]
EXPECTED = {
    ("kmeans", "k>distinct"): {EmptyClusterWarning},
    ("kmedians", "k>distinct"): {EmptyClusterWarning},
    # the k-means initialisation leaves two clusters empty, and EM keeps those components'
    # parameters
    **{(f, "k>distinct"): {EmptyClusterWarning, EmptyComponentWarning}
       for f in [*_GMMS, "gmm-classifier"]},
}
# Where the fit ends with variances at the floor: components on duplicated or collapsed points,
# constant pixels (not for spherical covariances, whose one variance averages all pixels), a
# spread of 1e-6 against the floor 1e-6, and components on single distinct points. The fixed
# variance of "gmm-fixed" is no estimate and has no floor.
_FLOORED = {"duplicated", "collapse", "constant-pixels", "scale-1e-6", "k>distinct"}
_NO_FLOOR_AT = {
    "gmm-spherical": {"constant-pixels"},
    "semi-supervised-spherical": {"duplicated", "constant-pixels"},
    "semi-supervised-diag": {"duplicated"},       # its labelled starts keep clusters apart
    "regression-mixture": {"constant-pixels"},    # the outputs are norms, never constant
}
for _f in [*_GMMS, *(f for f in FITTERS if f.startswith("semi-supervised")), "gmm-classifier",
           "regression-mixture"]:
    if _f == "gmm-fixed":
        continue
    for _s in _FLOORED - _NO_FLOOR_AT.get(_f, set()):
        EXPECTED[(_f, _s)] = EXPECTED.get((_f, _s), set()) | {VarianceFloorWarning}


def _run(fn, expect):
    """Call ``fn`` and return its result, asserting the exact set of warnings it emits."""
    with warnings.catch_warnings(record=True) as outer:  # also catches what pytest.warns re-emits
        warnings.simplefilter("always")
        if expect:
            with pytest.warns(tuple(expect)) as rec:
                out = fn()
            seen = list(rec) + list(outer)
        else:
            out = fn()
            seen = list(outer)
    got = {w.category for w in seen} - {ConvergenceWarning}
    assert got == set(expect), [str(w.message) for w in seen]
    return out


def _assert_finite(arrays):
    for a in arrays:
        assert np.all(np.isfinite(np.asarray(a, dtype=float))), a


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("fitter", list(FITTERS))
def test_fitter_stays_finite(fitter, situation):
    make, k = SITUATIONS[situation]
    X = make()
    out = _run(lambda: FITTERS[fitter](X, k), EXPECTED.get((fitter, situation), set()))
    _assert_finite(out)


# ------------------------------------------------------------------ a collapsing component


@pytest.mark.parametrize("cov", ["diag", "spherical", "full"])
def test_collapsed_gaussian_component_has_variance_reg(cov):
    reg = 1e-4
    # the warning counts the floored variances: both of the collapsed component's (its one
    # variance if spherical), out of all the fit's
    n_at, total = {"diag": (2, 4), "spherical": (1, 2), "full": (2, 4)}[cov]
    with pytest.warns(VarianceFloorWarning, match=rf"fit_gmm: {n_at} of {total} .*reg=0.0001"):
        r = mlhw.fit_gmm(COLLAPSE, 2, covariance=cov, reg=reg, seed=0)
    j = int(np.argmin(np.abs(r.means).sum(1)))           # the component on the 20 zeros
    np.testing.assert_array_equal(r.means[j], 0.0)
    var = r.covariances[j] if cov != "full" else np.diag(r.covariances[j])
    np.testing.assert_allclose(var, reg, rtol=1e-12)
    assert np.isfinite(r.log_likelihood).all()


@pytest.mark.parametrize("fit", [
    lambda X, cov: mlhw.fit_gmm(X, 2, covariance=cov, reg=0.0, seed=0),
    lambda X, cov: mlhw.fit_semi_supervised_gmm(X, np.r_[0, [-1] * 38, 1], 2, covariance=cov,
                                                reg=0.0),
], ids=["gmm", "semi-supervised"])
@pytest.mark.parametrize("cov", ["diag", "spherical", "full"])
@pytest.mark.parametrize("shift", [0.0, 1 / 3, 123.456])
def test_collapse_without_floor_raises_naming_reg(fit, cov, shift):
    # the 20 identical points (shifted so that their mean is not exact in floating point) have
    # variance 0, not a rounding residue of 1e-30: without a floor that must raise, not fit
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="reg"):
        fit(COLLAPSE + shift, cov)


@pytest.mark.parametrize("where", [1.0, 100.0, 123.456, 1e3, 1e5])
@pytest.mark.parametrize("model", ["gmm-diag", "gmm-spherical", "gmm-full", "semi-supervised"])
def test_collapse_far_from_the_origin_keeps_the_likelihood_monotone(model, where):
    # 20 identical points at (where, where): their component has variance reg = 1e-6 while
    # x^2 is up to 1e10. The one-product forms E[x^2] - mean^2 and x^2/s - 2 x mu/s + mu^2/s
    # lose all their digits there; rounding made the log-likelihood "decrease" and the EM
    # driver raise RuntimeError, until those entries were recomputed from x - mu.
    rng = np.random.default_rng(1)
    X = np.concatenate([np.full((20, 2), where), rng.normal(size=(20, 2)) * 3 + where + 10])
    if model == "semi-supervised":
        r = mlhw.fit_semi_supervised_gmm(X, np.r_[0, [-1] * 38, 1], 2, covariance="diag",
                                         tol=0, max_iter=50)
    else:
        r = _run(lambda: mlhw.fit_gmm(X, 2, covariance=model[4:], seed=0, tol=0, max_iter=50),
                 {VarianceFloorWarning})
    ll = r.log_likelihood                        # non-decreasing up to the driver's slack
    assert np.all(np.diff(ll) >= -1e-9 * np.maximum(1.0, np.abs(ll[:-1])))
    j = int(np.argmin(np.abs(r.means - where).sum(1)))
    if np.allclose(r.means[j], where, rtol=1e-12):   # the component did collapse there
        var = r.covariances[j] if r.covariances.ndim < 3 else np.diag(r.covariances[j])
        np.testing.assert_allclose(var, 1e-6, rtol=1e-6)


def test_regression_line_through_its_points_has_variance_floor():
    x = np.arange(6.0)
    X = np.column_stack([np.ones(6), x])
    y = np.where(x < 3, 2 * x, -x)   # two exact lines
    r = _run(lambda: mlhw.fit_regression_mixture(X, y, 2, reg=1e-8, seed=0, n_init=4),
             {VarianceFloorWarning})
    np.testing.assert_allclose(r.variances, 1e-8)
    assert np.isfinite(r.log_likelihood).all()


# ----------------------------------------------------------------------- empty components


@pytest.mark.parametrize("cov", ["full", "diag", "spherical", "fixed"])
def test_empty_gaussian_component_keeps_its_parameters(cov):
    X = np.random.default_rng(2).normal(size=(40, 2))
    covs = {"full": np.array([np.eye(2)] * 2), "diag": np.ones((2, 2))}.get(cov, np.ones(2))
    init = {"weights": [0.5, 0.5], "means": [[0.0, 0.0], [1e3, 1e3]], "covariances": covs}
    kw = {"sigma2": 1.0} if cov == "fixed" else {}
    r = _run(lambda: mlhw.fit_gmm(X, 2, covariance=cov, init=init, **kw), {EmptyComponentWarning})
    np.testing.assert_array_equal(r.means[1], [1e3, 1e3])
    np.testing.assert_array_equal(r.covariances[1], covs[1])
    assert r.weights[1] < 1e-12 and np.isfinite(r.log_likelihood).all()


def test_semi_supervised_class_without_points_keeps_its_parameters():
    rng = np.random.default_rng(3)
    X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(6, 1, (30, 2))]
    y = np.r_[0, [-1] * 58, 1]
    init = {"weights": [1 / 3] * 3, "means": [[0.0, 0.0], [6.0, 6.0], [1e3, -1e3]],
            "covariances": np.ones((3, 2))}
    r = _run(lambda: mlhw.fit_semi_supervised_gmm(X, y, 3, covariance="diag", init=init),
             {EmptyComponentWarning})
    np.testing.assert_array_equal(r.means[2], [1e3, -1e3])
    assert r.weights[2] < 1e-12 and np.isfinite(r.log_likelihood).all()


@pytest.mark.parametrize("estimate", [False, True])
def test_empty_gamma_component_keeps_its_rate(estimate):
    x = np.random.default_rng(4).gamma(3.0, 1.0, 50)
    init = {"theta": [0.5, 0.5], "betas": [1.0, 1e6], "alpha": 3.0}
    r = _run(lambda: mlhw.fit_gamma_mixture(x, 2, estimate_alpha=estimate, alpha=3.0, init=init),
             {EmptyComponentWarning})
    assert r.theta[0] == 0.0 and r.betas[0] == 1e6          # sorted by mean: the dead one first
    _assert_finite([r.theta, r.betas, [r.alpha], r.log_likelihood, r.resp])


def test_empty_regression_component_keeps_its_line():
    rng = np.random.default_rng(5)
    X = np.column_stack([np.ones(30), rng.normal(size=30)])
    y = X @ [1.0, 2.0] + 0.1 * rng.normal(size=30)
    init = {"weights": [0.5, 0.5], "coefs": [[1.0, 2.0], [1e4, 0.0]], "variances": [1.0, 1e-3]}
    r = _run(lambda: mlhw.fit_regression_mixture(X, y, 2, init=init), {EmptyComponentWarning})
    np.testing.assert_array_equal(r.coefs[1], [1e4, 0.0])
    assert r.weights[1] == 0.0 and np.isfinite(r.log_likelihood).all()


# --------------------------------------------------------------------------------- Gamma


def _gamma(x, k, estimate, expect):
    r = _run(lambda: mlhw.fit_gamma_mixture(x, k, alpha=None if estimate else 2.0,
                                            estimate_alpha=estimate, seed=0), expect)
    _assert_finite([r.theta, r.betas, [r.alpha], r.log_likelihood, r.resp])
    return r


@pytest.mark.parametrize("estimate", [False, True])
@pytest.mark.parametrize("situation", ["duplicated", "collapse", "scale-1e6", "scale-1e-6",
                                       "constant", "k>distinct"])
def test_gamma_mixture_stays_finite(situation, estimate):
    x, _ = mlhw.gamma_mixture_data(200, seed=1)
    data = {"duplicated": (np.repeat(x[:5], 12), 2),
            "collapse": (np.r_[np.full(20, 3.0), x[:40]], 2),
            "scale-1e6": (x * 1e6, 3), "scale-1e-6": (x * 1e-6, 3),
            "constant": (np.full(20, 3.0), 3),
            "k>distinct": (np.repeat([1.0, 10.0], 10), 4)}
    # constant within every component: the likelihood is unbounded in alpha, which is capped
    capped = estimate and situation in ("constant", "k>distinct")
    r = _gamma(*data[situation], estimate, {ShapeCapWarning} if capped else set())
    if capped:
        assert r.alpha == 1e8


@pytest.mark.parametrize("scale", [1e6, 1e-6, 1e150, 1e-150])
def test_gamma_mixture_is_scale_equivariant(scale):
    x, _ = mlhw.gamma_mixture_data(300, seed=0)
    a = mlhw.fit_gamma_mixture(x, 3, estimate_alpha=True, seed=0)
    b = mlhw.fit_gamma_mixture(x * scale, 3, estimate_alpha=True, seed=0)
    np.testing.assert_allclose(b.theta, a.theta, rtol=1e-6)
    np.testing.assert_allclose(b.betas * scale, a.betas, rtol=1e-6)
    assert b.alpha == pytest.approx(a.alpha, rel=1e-6)


# ------------------------------------------------------------------------------ two coins


@pytest.mark.parametrize("counts, theta0, expected", [
    ((0, 0, 1500, 750), 0.9, 0.5),     # the posterior rounds to 0 at theta0: once 0/0 = NaN
    ((3000, 1500, 0, 0), 0.99, 0.5),   # the mirror image: the posterior rounds to 1
    ((7, 3, 0, 0), 0.5, 3 / 7),
    ((5, 5, 5, 5), 0.5, 1.0),          # all heads: theta -> 1, log 0 terms vanish
    ((5, 0, 5, 0), 0.5, 0.0),          # all tails
])
def test_two_coins_degenerate_counts_stay_finite(counts, theta0, expected):
    res = _run(lambda: mlhw.two_coins_em(*counts, theta0=theta0), set())
    assert res.theta == pytest.approx(expected, abs=1e-12)
    _assert_finite([res.history, res.log_likelihood, [res.posterior_even]])
    assert res.converged


@pytest.mark.parametrize("scale", [1, 10**6])
@pytest.mark.parametrize("theta0", [1e-300, 0.5, 1 - 1e-16])
def test_two_coins_scaled_counts_and_extreme_starts(scale, theta0):
    counts = [c * scale for c in (5, 2, 5, 4)]
    res = _run(lambda: mlhw.two_coins_em(*counts, theta0=theta0), set())
    _assert_finite([res.history, res.log_likelihood, [res.posterior_even]])
    if scale == 1:
        assert res.theta == pytest.approx(0.7658, abs=1e-4)
    else:  # a million times the counts: two separated modes, biased coin even (0.8) or odd (0.4)
        assert min(abs(res.theta - 0.8), abs(res.theta - 0.4)) < 1e-12
    assert res.log_likelihood[-1] == pytest.approx(mlhw.coins_log_likelihood(res.theta, *counts))


# ------------------------------------------------------------------------------------ scale


def _fit_scaled(name, X, s):
    """The fit of ``X * s`` with every floor scaled by ``s**2``, mapped back by ``1 / s``."""
    Xs = X * s
    if name.startswith("gmm-"):
        cov = name[4:]
        kw = {"sigma2": _sigma2(Xs)} if cov == "fixed" else {}
        r = mlhw.fit_gmm(Xs, 2, covariance=cov, reg=1e-6 * s**2, seed=0, **kw)
        return r.means / s, r.covariances / s**2, r.resp
    if name.startswith("semi-supervised-"):
        y = np.r_[0, [-1] * (len(X) - 2), 1]
        r = mlhw.fit_semi_supervised_gmm(Xs, y, 2, covariance=name.split("-")[-1],
                                         reg=1e-6 * s**2)
        return r.means / s, r.covariances / s**2, r.resp
    if name == "regression-mixture":
        design = np.column_stack([np.ones(len(X)), Xs[:, 0]])
        r = mlhw.fit_regression_mixture(design, Xs[:, 1], 2, reg=1e-6 * s**2, seed=0)
        return r.coefs[:, 0] / s, r.coefs[:, 1], r.variances / s**2, r.resp
    if name == "kmeans":
        r = mlhw.kmeans(Xs, 2, seed=0)
        return r.centers / s, r.labels, r.objective / s**2
    if name == "kmedians":
        r = mlhw.kmedians(Xs, 2, seed=0)
        return r.centers / s, r.labels, r.objective / s
    if name.startswith("hac-"):
        return (hac.linkage(Xs, "l2", name[4:]) / [1, 1, s, 1],)
    if name == "pca":
        vals, comps = mlhw.pca(Xs, 2)
        return vals / s**2, comps
    raise AssertionError(name)


SCALED = [*_GMMS, "semi-supervised-full", "semi-supervised-diag", "semi-supervised-spherical",
          "regression-mixture", "kmeans", "kmedians", "hac-min", "hac-max", "hac-avg",
          "hac-centroid", "pca"]


@pytest.mark.parametrize("scale", [1e6, 1e-6])
@pytest.mark.parametrize("name", SCALED)
def test_scale_equivariance_with_floors_scaled(name, scale):
    ref = _fit_scaled(name, BLOBS, 1.0)
    got = _fit_scaled(name, BLOBS, scale)
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_eigenmaps_are_scale_equivariant_in_the_weights():
    d2 = cdist(BLOBS, BLOBS, "sqeuclidean")
    W = np.exp(-d2 / 10)
    np.fill_diagonal(W, 0.0)
    Psi, lam = mlhw.laplacian_eigenmaps(W, 3)
    for s in (1e6, 1e-6):
        Psi_s, lam_s = mlhw.laplacian_eigenmaps(W * s, 3)
        np.testing.assert_allclose(lam_s, lam, rtol=1e-8)
        np.testing.assert_allclose(Psi_s * np.sqrt(s), Psi, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("cov", ["full", "diag", "spherical"])
def test_default_floor_dominates_data_on_the_1e_6_scale(cov):
    # the documented expectation: finite, every variance >= reg and close to it, the clusters
    # (6e-6 apart, spread 1e-6) no longer resolved since sqrt(reg) = 1e-3 dwarfs them
    r = mlhw.fit_gmm(BLOBS * 1e-6, 2, covariance=cov, seed=0)
    var = r.covariances if cov != "full" else np.diagonal(r.covariances, axis1=1, axis2=2)
    assert np.all(var >= 1e-6) and np.all(var < 1e-6 * (1 + 1e-4))
    assert np.isfinite(r.log_likelihood).all()
    assert np.all(np.abs(r.means[0] - r.means[1]) < 1e-6)


def test_default_reg_dominates_outputs_on_the_1e_6_scale():
    design = np.column_stack([np.ones(len(BLOBS)), BLOBS[:, 0]])
    r = mlhw.fit_regression_mixture(design, BLOBS[:, 1] * 1e-6, 2, seed=0)
    np.testing.assert_allclose(r.variances, 1e-6)     # the floor, not the residual 1e-12
    assert np.isfinite(r.log_likelihood).all()


@pytest.mark.parametrize("cov", ["diag", "spherical", "full"])
def test_variance_floor_is_an_exact_m_step(cov):
    # twelve points, a floor of 0.1 against spreads of 0.01 to 1: adding the floor to every
    # variance (scikit-learn's reg_covar) made the log-likelihood decrease here and the driver
    # raise; the floor as a constraint (clipping) keeps EM monotone
    for seed in range(20):
        X = np.random.default_rng(seed).normal(size=(12, 2)) * [0.1, 1.0]
        r = mlhw.fit_gmm(X, 2, covariance=cov, reg=0.1, init="random", seed=seed, max_iter=50,
                         tol=0)
        assert np.all(np.diff(r.log_likelihood) >= -1e-9 * np.abs(r.log_likelihood[1:]))
        floor = r.covariances if cov != "full" else np.linalg.eigvalsh(r.covariances)
        assert floor.min() >= 0.1 * (1 - 1e-12)


# ---------------------------------------------------------------------------------- overflow


@pytest.mark.parametrize("name", [f for f in FITTERS if f != "eigenmaps"])  # its W is given
def test_overflowing_data_raise_never_nan(name):
    X = BLOBS * 1e200                                 # squares beyond float64
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "kmedians":                        # sums of |x - c| only: no overflow
            _assert_finite(FITTERS[name](X, 2))
        elif name == "gmm-fixed":                     # the test's own sigma2 = var(X) overflows
            with pytest.raises(ValueError, match="sigma2"):
                FITTERS[name](X, 2)
        else:
            with pytest.raises(FloatingPointError):
                FITTERS[name](X, 2)


def test_mnist_gmm_classifier_on_raw_pixels_predicts_finite_posteriors():
    images, labels = mlhw.load_mnist("train", n=500)
    clf = mlhw.fit_gmm_classifier(images, labels, k=2, covariance="diag", seed=0, max_iter=20)
    test_images, test_labels = mlhw.load_mnist("test", n=200)
    logp = clf.predict_log_proba(test_images)
    assert np.isfinite(logp).all()
    # a pixel that is 0 in every training image of a class has variance reg there
    assert min(m.covariances.min() for m in clf.mixtures) == pytest.approx(1e-6)
    assert clf.error_rate(test_images, test_labels) < 0.5
