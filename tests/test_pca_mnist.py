"""PCA on MNIST (CS181 HW4, problem 2): the identities the chapter relies on, on real images."""

import numpy as np
import pytest

import mlhw


@pytest.fixture(scope="module")
def mnist():
    images, _ = mlhw.load_mnist("train", n=1000)
    return images.reshape(len(images), -1).astype(float)


@pytest.fixture(scope="module")
def spectrum(mnist):
    return mlhw.pca(mnist, 784)


def test_eigenvalues_are_squared_singular_values_over_n(mnist, spectrum):
    vals, comps = spectrum
    Xc = mnist - mnist.mean(axis=0)
    _, s, vt = np.linalg.svd(Xc, full_matrices=False)
    lam = s**2 / len(mnist)
    np.testing.assert_allclose(vals[:len(s)], lam, rtol=1e-8, atol=1e-8 * lam[0])
    np.testing.assert_allclose(np.abs(np.sum(comps[:20] * vt[:20], axis=1)), 1.0, atol=1e-8)


def test_total_variance_is_mean_error_of_the_mean_image(mnist, spectrum):
    vals, _ = spectrum
    err_mean, _ = mlhw.calc_errs(mnist, spectrum[1][:1])
    assert err_mean == pytest.approx(vals.sum(), rel=1e-10)


@pytest.mark.parametrize("k", [1, 10, 50])
def test_error_drop_is_sum_of_top_eigenvalues(mnist, spectrum, k):
    vals, comps = spectrum
    err_mean, err_k = mlhw.calc_errs(mnist, comps[:k])
    assert err_mean - err_k == pytest.approx(vals[:k].sum(), rel=1e-9)
    assert err_k == pytest.approx(vals[k:].sum(), rel=1e-9)


def test_cfvs_skeleton_convention_versus_true_total(spectrum):
    vals, _ = spectrum
    assert mlhw.calc_cfvs(vals[:500])[-1] == pytest.approx(1.0)   # divides by the top 500 only
    true = mlhw.calc_cfvs(vals)[499]
    assert 0.99 < true < 1.0


def test_against_sklearn_pca(mnist):
    from sklearn.decomposition import PCA

    X = mnist[:300]
    ours, comps = mlhw.pca(X, 20, ddof=1)              # sklearn divides by N - 1
    skl = PCA(20, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours, skl.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(np.abs(np.sum(comps * skl.components_, axis=1)), 1.0, atol=1e-8)


def test_rotated_components_same_error_different_images(mnist, spectrum, rng):
    _, comps = spectrum
    R, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    rotated = R @ comps[:10]
    np.testing.assert_allclose(rotated @ rotated.T, np.eye(10), atol=1e-12)
    assert mlhw.calc_errs(mnist, rotated)[1] == pytest.approx(mlhw.calc_errs(mnist, comps[:10])[1],
                                                              rel=1e-12)
    assert np.max(np.abs(rotated - comps[:10])) > 0.1


def test_pca_wide_data_all_components_orthonormal():
    """Regression: with d > N and n_comps = N the components stay orthonormal."""
    X = np.random.default_rng(0).normal(size=(3, 5))
    _, comps = mlhw.pca(X, 3)
    np.testing.assert_allclose(comps @ comps.T, np.eye(3), atol=1e-8)
