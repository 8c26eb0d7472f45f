"""Tests of mlhw.gmm_classifier: the GMM Bayes classifier and the model-selection helpers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

import mlhw
from mlhw.gmm_classifier import (
    elbow_index,
    fit_gmm_classifier,
    gmm_bic,
    gmm_k_sweep,
    mean_log_likelihood,
)
from mlhw.mixtures import GMMParams, fit_gmm
from mlhw.synthetic import sample_gmm


def _three_blobs(n_per=120, seed=0, d=2, sep=6.0):
    r = np.random.default_rng(seed)
    centers = sep * np.eye(3, d)
    X = np.concatenate([c + r.standard_normal((n_per, d)) for c in centers])
    y = np.repeat([7, 2, 5], n_per)  # labels need not be 0..C-1 nor sorted
    return X, y


def _sklearn_gmm(params, covariance):
    """A scikit-learn GaussianMixture holding exactly the given parameters (oracle)."""
    gm = GaussianMixture(len(params.weights), covariance_type=covariance)
    gm.weights_, gm.means_, gm.covariances_ = params.weights, params.means, params.covariances
    gm.precisions_cholesky_ = _compute_precision_cholesky(params.covariances, covariance)
    gm.n_features_in_ = params.means.shape[1]
    return gm


@pytest.fixture(scope="module")
def blobs():
    return _three_blobs()


# --- the classifier -----------------------------------------------------------------------------

def test_easy_problem_is_classified(blobs):
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=2, seed=0)
    Xt, yt = _three_blobs(seed=1)
    assert clf.error_rate(Xt, yt) < 0.01
    np.testing.assert_array_equal(clf.classes, [2, 5, 7])


def test_priors_are_training_proportions():
    X, y = _three_blobs()
    keep = np.r_[0:120, 120:180, 240:270]  # 120 sevens, 60 twos, 30 fives
    clf = fit_gmm_classifier(X[keep], y[keep], k=1, seed=0)
    np.testing.assert_allclose(np.exp(clf.log_priors), np.array([60, 30, 120]) / 210)


@pytest.mark.parametrize("covariance", ["diag", "full", "spherical"])
def test_matches_sklearn_given_the_same_parameters(blobs, covariance):
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=2, covariance=covariance, seed=3)
    Xt, _ = _three_blobs(seed=2)
    scores = np.column_stack([_sklearn_gmm(m, covariance).score_samples(Xt)
                              for m in clf.mixtures])
    np.testing.assert_allclose(clf.class_log_likelihood(Xt), scores, rtol=1e-10)
    joint = scores + clf.log_priors
    np.testing.assert_allclose(clf.predict_log_proba(Xt),
                               joint - logsumexp(joint, axis=1, keepdims=True), atol=1e-10)
    np.testing.assert_array_equal(clf.predict(Xt), clf.classes[np.argmax(joint, axis=1)])


def test_each_class_fit_equals_fit_gmm_on_that_class(blobs):
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=2, seed=11)
    child = np.random.default_rng(11).spawn(3)[1]  # class 5 is the second sorted class
    ref = fit_gmm(X[y == 5], 2, covariance="diag", seed=child)
    np.testing.assert_allclose(clf.mixtures[1].means, ref.means)
    np.testing.assert_allclose(clf.mixtures[1].covariances, ref.covariances)


def test_posteriors_are_normalised_and_predict_is_argmax(blobs):
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=3, seed=0)
    lp = clf.predict_log_proba(X)
    np.testing.assert_allclose(logsumexp(lp, axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(clf.predict_proba(X).sum(1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes[np.argmax(lp, axis=1)])


def test_far_points_stay_finite(blobs):
    """A point far from every class underflows in probability space, not in log space."""
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=1, seed=0)
    far = np.array([[1e3, -1e3]])
    lp = clf.predict_log_proba(far)
    assert np.all(np.isfinite(lp)) and np.isclose(logsumexp(lp), 0.0)


def test_seeded_fits_are_reproducible(blobs):
    X, y = blobs
    a = fit_gmm_classifier(X, y, k=3, seed=5)
    b = fit_gmm_classifier(X, y, k=3, seed=5)
    for ma, mb in zip(a.mixtures, b.mixtures):
        np.testing.assert_array_equal(ma.means, mb.means)


def test_pca_option_equals_fitting_projected_features(rng):
    X = rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8))
    y = rng.integers(0, 3, 300)
    clf = fit_gmm_classifier(X, y, k=2, n_pca=3, seed=1)
    _, comps = mlhw.pca(X, 3)
    Z = (X - X.mean(0)) @ comps.T
    ref = fit_gmm_classifier(Z, y, k=2, seed=1)
    np.testing.assert_allclose(clf.transform(X), Z)
    np.testing.assert_allclose(clf.joint_log_likelihood(X), ref.joint_log_likelihood(Z))
    np.testing.assert_allclose(clf.inverse_transform(Z[:2]),
                               X.mean(0) + Z[:2] @ comps)
    assert clf.n_features_in == 8


def test_images_are_flattened():
    imgs, labels = mlhw.load_mnist("train", n=600)
    clf = fit_gmm_classifier(imgs / 255.0, labels, k=1, n_pca=10, seed=0)
    assert clf.pca_components.shape == (10, 784)
    assert clf.predict(imgs[:5] / 255.0).shape == (5,)
    assert clf.error_rate(imgs / 255.0, labels) < 0.5


def test_sample_lies_near_its_class(blobs):
    X, y = blobs
    clf = fit_gmm_classifier(X, y, k=1, seed=0)
    S = clf.sample(5, 200, seed=0)
    assert S.shape == (200, 2)
    assert np.mean(clf.predict(S) == 5) > 0.95


# --- bad input ----------------------------------------------------------------------------------

# --- model selection ----------------------------------------------------------------------------

@pytest.mark.parametrize("covariance", ["diag", "full", "spherical"])
def test_bic_and_mean_log_likelihood_match_sklearn(covariance):
    X, _ = _three_blobs(d=3)
    gm = GaussianMixture(3, covariance_type=covariance, random_state=0).fit(X)
    params = GMMParams(gm.weights_, gm.means_, gm.covariances_)
    np.testing.assert_allclose(gmm_bic(X, params, covariance=covariance), gm.bic(X), rtol=1e-10)
    np.testing.assert_allclose(mean_log_likelihood(X[:50], params, covariance=covariance),
                               gm.score(X[:50]), rtol=1e-10)


def test_bic_reads_covariance_from_result(blobs):
    X, _ = blobs
    res = fit_gmm(X, 3, covariance="full", seed=0)
    assert gmm_bic(X, res) == gmm_bic(X, res.params, covariance="full")


def test_k_sweep_recovers_the_generating_k():
    w, mu = [0.2, 0.3, 0.5], [[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]]
    var = [[1.0, 1.0], [0.5, 2.0], [1.5, 0.7]]
    train = sample_gmm(600, w, mu, var, covariance="diag", seed=0)[0]
    test = sample_gmm(300, w, mu, var, covariance="diag", seed=1)[0]
    sw = gmm_k_sweep(train, [1, 2, 3, 4, 5], held_out=test, n_init=3, seed=0)
    assert sw.k_bic == 3 and sw.k_held_out == 3 and sw.k_elbow == 3
    assert sw.result(3).weights.shape == (3,)
    np.testing.assert_allclose(sw.neg_log_likelihood[2], -sw.result(3).log_likelihood[-1])
    assert all(r.converged for r in sw.results)


def test_elbow_index():
    assert elbow_index([100.0, 50.0, 20.0, 19.0, 18.5, 18.0]) == 2
    assert elbow_index([5.0, 5.0, 5.0]) == 0
    assert elbow_index([10.0, 9.0, 8.0, 7.0]) == 3  # a straight line has no elbow before the end
    with pytest.raises(ValueError, match="rel_gain"):
        elbow_index([3.0, 2.0, 1.0], rel_gain=1.5)
    with pytest.raises(ValueError, match="values"):
        elbow_index([1.0])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=12))
def test_elbow_later_steps_are_small(values):
    v = np.array(values)
    i = elbow_index(v)
    gains = v[:-1] - v[1:]
    assert 0 <= i < len(v)
    if gains.max() > 0:
        assert np.all(gains[i:] < 0.05 * gains.max())
