"""The invariants of mlhw, property-tested with hypothesis over small random data and parameters.

:data:`INVARIANTS` is the one list of every invariant the package promises, each with the
property test that checks it. Most are tested here; where another test file already holds the
identical property test, the list points there instead of repeating it, and
:func:`test_every_invariant_has_a_property_test` checks that the test named still exists and is a
hypothesis test (so the list cannot silently go stale).

The EM property runs the public fitter of every mixture model (Gaussian mixtures with all four
covariance types, the Gamma mixture with known and with estimated shape, the semi-supervised
GMM, the mixture of linear regressions, two coins) on data drawn by hypothesis itself, which
include duplicated points, constant coordinates and more components than distinct points. The
shared EM driver raises if the log-likelihood decreases; the test checks the returned history
too, so a model that bypassed the driver could not pass.
"""

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import logsumexp

import mlhw
from mlhw import em
from mlhw import first_order_em as fo
from mlhw.divergences import kl_gaussians
from mlhw.mixtures import GMMParams, gmm_predict

TESTS = Path(__file__).resolve().parent
HERE = Path(__file__).name

#: (invariant, "file::test") -- every invariant of the package and where it is property-tested.
INVARIANTS = [
    *[(f"EM log-likelihood never decreases, responsibilities are distributions: {m}",
       f"{HERE}::test_em_log_likelihood_never_decreases")
      for m in ("GMM full", "GMM diag", "GMM spherical", "GMM fixed", "Gamma mixture (alpha known)",
                "Gamma mixture (alpha estimated)", "semi-supervised GMM", "regression mixture",
                "two coins", "1-D GMM of the first-order EM chapter (no floor)")],
    ("E-step: responsibilities in [0, 1], rows sum to one, log-likelihood = logsumexp, for any "
     "log joint with -inf entries", f"{HERE}::test_e_step_responsibilities_are_distributions"),
    ("k-means objective never increases (duplicates, k up to n, re-seeding)",
     f"{HERE}::test_kmeans_objective_never_increases"),
    ("k-medians objective never increases", "test_lloyd.py::test_property_objective_never_increases"),
    ("PCA reconstruction error = sum of dropped eigenvalues (both solvers, ddof 0 and 1)",
     f"{HERE}::test_pca_error_is_the_dropped_eigenvalues"),
    ("graph Laplacian symmetric, PSD, L 1 = 0, f^T L f = sum of weighted squared differences",
     "test_spectral.py::test_laplacian_properties"),
    ("KL >= 0 with equality only for equal distributions (diagonal covariances)",
     "test_divergences.py::test_property_nonnegative_zero_iff_equal_and_matches_full"),
    ("KL >= 0 with equality only for equal distributions (full covariances)",
     f"{HERE}::test_kl_full_covariance_nonnegative_zero_only_when_equal"),
    ("HAC merge heights non-decreasing for min, max and avg linkage",
     "test_hac.py::test_linkage_properties"),
]

FLOATS = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)
# The Gaussian mixtures keep every variance (eigenvalue) at least ``reg``, an exact constrained
# M-step, so their property holds for every floor: it is drawn from 0 (exact EM on distinct
# points, where a run in which a component collapses raises FloatingPointError and is discarded)
# up to floors comparable to the spread of the data. Duplicates and data far from the origin are
# covered by test_numerical_trouble.py. The known-variance model estimates no variance and takes
# data on a grid of step 1/2, full of duplicates.
GRID = st.integers(-20, 20).map(lambda v: v / 2)


def _quiet(fit):
    """Run ``fit`` with the package's policy warnings silenced (they are tested elsewhere)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit()


def _assert_monotone(ll):
    ll = np.asarray(ll)
    assert np.all(np.isfinite(ll))
    assert np.all(np.diff(ll) >= -1e-9 * np.maximum(1.0, np.abs(ll[:-1])))


def _assert_distributions(resp):
    assert np.all((resp >= 0) & (resp <= 1))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@st.composite
def _points(draw, n_max=25, d_max=3, elements=FLOATS, unique=False):
    n = draw(st.integers(2, n_max))
    d = draw(st.integers(1, d_max))
    return draw(arrays(float, (n, d), elements=elements, unique=unique))


@st.composite
def _gaussian_data(draw):
    """``(X, k)``: distinct points 0.01 apart at least, 6 (d + 1) or more per component, so that
    exact EM (no floor) rarely meets a singular covariance within its iterations."""
    d, k = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    n = draw(st.integers(6 * k * (d + 1), 6 * k * (d + 1) + 20))
    cents = st.integers(-1000, 1000).map(lambda v: v / 100)
    return draw(arrays(float, (n, d), elements=cents, unique=True)), k


def _exact_em(fit):
    """Run a Gaussian fit without floor; discard the example if a component collapses."""
    try:
        return fit()
    except FloatingPointError:
        assume(False)


def _fit_gmm(cov):
    def fit(draw):
        if cov == "fixed":
            X = draw(_points(elements=GRID))
            k = draw(st.integers(1, min(4, len(X))))
        else:
            X, k = draw(_gaussian_data())
        init = draw(st.sampled_from(["kmeans", "random", "k-means++"]))
        kw = ({"sigma2": draw(st.floats(0.01, 10))} if cov == "fixed"
              else {"reg": draw(st.sampled_from([0.0, 1e-3, 0.1, 1.0]))})
        seed = draw(st.integers(0, 99))
        r = _exact_em(lambda: mlhw.fit_gmm(X, k, covariance=cov, init=init, seed=seed,
                                           max_iter=15, tol=0, **kw))
        return r.log_likelihood, r.resp
    return fit


def _fit_gamma(estimate):
    def fit(draw):
        x = draw(arrays(float, draw(st.integers(2, 40)), elements=st.floats(0.01, 100)))
        k = draw(st.integers(1, min(4, len(x))))
        r = mlhw.fit_gamma_mixture(x, k, alpha=draw(st.floats(0.2, 20)), estimate_alpha=estimate,
                                   seed=draw(st.integers(0, 99)), max_iter=15, tol=0)
        return r.log_likelihood, r.resp
    return fit


def _fit_semi_supervised(draw):
    X, k = draw(_gaussian_data())
    y = np.array(draw(st.lists(st.integers(-1, k - 1), min_size=len(X), max_size=len(X))))
    cov = draw(st.sampled_from(["full", "diag", "spherical"]))
    weights_from = draw(st.sampled_from(["unlabelled", "all"]))
    r = _exact_em(lambda: mlhw.fit_semi_supervised_gmm(
        X, y, k, covariance=cov, weights_from=weights_from, reg=0.0, seed=0, max_iter=15, tol=0))
    labelled = y >= 0
    assert np.all(r.resp[labelled, y[labelled]] == 1.0)
    return r.log_likelihood, r.resp


def _fit_regression(draw):
    X = draw(_points(d_max=2))
    design = np.column_stack([np.ones(len(X)), X[:, :-1]]) if X.shape[1] > 1 else X + 1.0
    y = X[:, -1] ** 2 - X[:, 0]
    k = draw(st.integers(1, min(4, len(X))))
    r = mlhw.fit_regression_mixture(design, y, k, init=draw(st.sampled_from(["points", "random"])),
                                    seed=draw(st.integers(0, 99)), max_iter=15, tol=0)
    return r.log_likelihood, r.resp


def _fit_coins(draw):
    n_odd, n_even = draw(st.integers(0, 60)), draw(st.integers(0, 60))
    if n_odd + n_even == 0:
        n_odd = 1
    counts = (n_odd, draw(st.integers(0, n_odd)), n_even, draw(st.integers(0, n_even)))
    r = mlhw.two_coins_em(*counts, theta0=draw(st.floats(0.001, 0.999)), max_iter=30, tol=0)
    assert 0.0 <= r.theta <= 1.0
    return r.log_likelihood, np.array([[r.posterior_even, 1.0 - r.posterior_even]])


def _fit_first_order_chapter_em(draw):
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    k = draw(st.integers(1, 3))
    x = rng.normal(0, 2, draw(st.integers(5, 40)))
    theta0 = fo.pack_params(rng.dirichlet(np.full(k, 3.0)), rng.normal(0, 2, k),
                            rng.uniform(0.3, 3, k))
    try:
        tr = fo.trajectory(x, theta0, method="em", n_steps=15)
    except FloatingPointError:  # a component collapsed: this chapter's model has no floor
        assume(False)
    weights, means, variances = fo.unpack_params(tr.thetas[-1])
    resp = gmm_predict(x[:, None], GMMParams(weights, means[:, None], variances[:, None]), "diag")
    return tr.log_likelihood, resp


EM_MODELS = {
    **{f"gmm-{c}": _fit_gmm(c) for c in ("full", "diag", "spherical", "fixed")},
    "gamma-alpha-known": _fit_gamma(False), "gamma-alpha-estimated": _fit_gamma(True),
    "semi-supervised": _fit_semi_supervised, "regression-mixture": _fit_regression,
    "two-coins": _fit_coins, "first-order-em-chapter": _fit_first_order_chapter_em,
}

#: the module of every model on the EM driver -> its entries in EM_MODELS
_DRIVER_USERS = {"mixtures": "gmm-", "gamma_mixture": "gamma-", "semi_supervised": "semi-",
                 "regression_mixture": "regression-", "coins": "two-coins",
                 "first_order_em": "first-order-em"}


@pytest.mark.parametrize("model", list(EM_MODELS))
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_em_log_likelihood_never_decreases(model, data):
    ll, resp = _quiet(lambda: EM_MODELS[model](data.draw))
    _assert_monotone(ll)
    _assert_distributions(resp)


@settings(max_examples=60, deadline=None)
@given(lj=st.integers(1, 8).flatmap(lambda n: st.integers(1, 5).flatmap(
    lambda k: arrays(float, (n, k), elements=st.one_of(
        st.floats(-1e300, 1e300, allow_nan=False), st.just(-np.inf))))))
def test_e_step_responsibilities_are_distributions(lj):
    lj[:, 0] = np.where(np.isfinite(lj[:, 0]), lj[:, 0], 0.0)  # every point possible somewhere
    ll, resp = em.e_step(None, None, lambda data, params: lj)
    _assert_distributions(resp)
    assert np.all(resp[np.isneginf(lj)] == 0.0)
    assert ll == pytest.approx(float(logsumexp(lj, axis=1).sum()), rel=1e-12, abs=1e-300)


@settings(max_examples=40, deadline=None)
@given(X=_points(n_max=30), data=st.data())
def test_kmeans_objective_never_increases(X, data):
    k = data.draw(st.integers(1, len(X)))
    res = _quiet(lambda: mlhw.kmeans(X, k, init=data.draw(st.sampled_from(["k-means++", "random"])),
                                     seed=data.draw(st.integers(0, 99)), tol=0))
    noise = 1e-12 * (1.0 + np.sum(X**2))   # rounding of ||x||^2 - 2 x.c + ||c||^2
    assert np.all(np.diff(res.objective) <= noise)
    direct = ((X[:, None, :] - res.centers[None]) ** 2).sum(-1)
    assert res.objective[-1] == pytest.approx(direct.min(1).sum(), abs=noise)
    assert res.converged


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 12), d=st.integers(1, 12), ddof=st.integers(0, 1), data=st.data())
def test_pca_error_is_the_dropped_eigenvalues(n, d, ddof, data):
    # d > n uses the thin SVD, d <= n the eigendecomposition of the scatter matrix
    X = data.draw(arrays(float, (n, d), elements=st.floats(-100, 100, allow_nan=False,
                                                           allow_subnormal=False)))
    m = min(n - ddof, d)
    vals, comps = mlhw.pca(X, m, ddof=ddof)
    assert np.all(vals >= 0) and np.all(np.diff(vals) <= 1e-9 * max(1.0, vals[0]))
    np.testing.assert_allclose(comps @ comps.T, np.eye(m), atol=1e-8)
    to_mean = (n - ddof) / n             # eigenvalues are scatter / (n - ddof); errors are means
    scale = 1e-8 * max(1.0, vals.sum())
    err_mean, _ = mlhw.calc_errs(X, comps[:1])
    assert err_mean == pytest.approx(to_mean * vals.sum(), abs=scale)
    for k in range(1, m + 1):
        _, err = mlhw.calc_errs(X, comps[:k])
        assert err == pytest.approx(to_mean * vals[k:].sum(), abs=scale)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 4), seed=st.integers(0, 2**32 - 1), same_mean=st.booleans(),
       same_cov=st.booleans())
def test_kl_full_covariance_nonnegative_zero_only_when_equal(d, seed, same_mean, same_cov):
    rng = np.random.default_rng(seed)

    def spd():
        A = rng.normal(size=(d, d)) * rng.uniform(0.1, 3)
        return A @ A.T + 0.1 * np.eye(d)

    mu1, S1 = rng.normal(size=d), spd()
    mu2 = mu1.copy() if same_mean else mu1 + rng.normal(size=d)
    S2 = S1.copy() if same_cov else spd()
    kl = kl_gaussians(mu1, S1, mu2, S2)
    assert kl >= 0.0
    assert kl_gaussians(mu1, S1, mu1, S1) <= 1e-12 * d
    if not (same_mean and same_cov):
        assert kl > 0.0
    if same_cov and not same_mean:   # then KL = (mu2 - mu1)^T S^-1 (mu2 - mu1) / 2 exactly
        delta = mu2 - mu1
        assert kl == pytest.approx(0.5 * delta @ np.linalg.solve(S1, delta), rel=1e-8)
    assert kl_gaussians(mu2, S2, mu1, S1) >= 0.0


def test_every_model_on_the_em_driver_is_in_the_em_property():
    package = Path(mlhw.__file__).parent
    users = {p.stem for p in package.glob("*.py")
             if re.search(r"\bem\._?run\(", p.read_text())} - {"em"}
    assert users == set(_DRIVER_USERS), "a model on the EM driver is missing from EM_MODELS"
    for prefix in _DRIVER_USERS.values():
        assert any(name.startswith(prefix) for name in EM_MODELS)
    assert sum("EM log-likelihood never decreases" in inv for inv, _ in INVARIANTS) == len(
        EM_MODELS)


def _property_tests(path):
    """name -> max_examples of the hypothesis tests in a test file (read with ast, not run)."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        calls = [d for d in node.decorator_list if isinstance(d, ast.Call)]
        names = {getattr(c.func, "id", getattr(c.func, "attr", None)) for c in calls}
        if "given" in names:
            examples = [kw.value.value for c in calls if getattr(c.func, "id", "") == "settings"
                        for kw in c.keywords if kw.arg == "max_examples"]
            found[node.name] = examples[0] if examples else 100
    return found


@pytest.mark.parametrize("invariant, where", INVARIANTS, ids=[w for _, w in INVARIANTS])
def test_every_invariant_has_a_property_test(invariant, where):
    file, name = where.split("::")
    tests = _property_tests(TESTS / file)
    assert name in tests, f"{invariant}: {where} is not a hypothesis test"
    assert 10 <= tests[name] <= 100          # modest, but enough examples to mean something
