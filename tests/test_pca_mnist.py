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


# ------------------------------------------------------------------------------------------
# the chapter's reconstruction slider (mlhw.widgets.image_stack_slider), which must work on the
# static website: its images, alt texts and the browser-side link live in the saved widget state


def test_grayscale_png_round_trip():
    from PIL import Image
    import io

    from mlhw.plotting import grayscale_png

    img = np.array([[0.0, 102.0, 255.0], [300.0, -20.0, 51.0]])
    png = grayscale_png(img)
    back = np.asarray(Image.open(io.BytesIO(png)))
    assert Image.open(io.BytesIO(png)).mode == "L"
    np.testing.assert_array_equal(back, [[0, 102, 255], [255, 0, 51]])   # clipped to the range
    inv = np.asarray(Image.open(io.BytesIO(grayscale_png(img, invert=True))))
    np.testing.assert_array_equal(inv, 255 - back)
    with pytest.raises(ValueError, match="vmin"):
        grayscale_png(img, vmin=1.0, vmax=1.0)
    with pytest.raises(ValueError, match="image"):
        grayscale_png(np.zeros(5))


def _stack_slider(**kw):
    from mlhw.plotting import grayscale_png
    from mlhw.widgets import image_stack_slider

    pngs = [grayscale_png(np.full((4, 6), v)) for v in (0, 100, 200)]
    args = {"description": "k", "alt": ["dark", "grey", "light"]} | kw
    return pngs, image_stack_slider(pngs, [1, 5, 10], **args)


def test_image_stack_slider_state_links_slider_to_stack():
    pytest.importorskip("ipywidgets")
    import base64
    import re

    from ipywidgets.embed import embed_data

    pngs, box = _stack_slider(index=1, scale=2, captions=["a", "b <c>", "d"])
    slider, stack = box.children
    assert type(slider).__name__ == "SelectionSlider" and type(stack).__name__ == "Stack"
    assert slider.options == ("1", "5", "10") and slider.index == stack.selected_index == 1
    for child, png, alt in zip(stack.children, pngs, ["dark", "grey", "light"]):
        assert child.value.count("<img ") == 1
        assert f'alt="{alt}"' in child.value and 'width="12" height="8"' in child.value
        src = re.search(r'src="data:image/png;base64,([^"]+)"', child.value).group(1)
        assert base64.b64decode(src) == png
    assert "b &lt;c&gt;" in stack.children[1].value            # captions are escaped
    # the browser-side link is part of the state a page embeds: slider.index -> stack
    state = embed_data(views=[box])["manager_state"]["state"]
    links = [m["state"] for m in state.values() if m["model_name"] == "LinkModel"]
    assert {"source": [f"IPY_MODEL_{slider.model_id}", "index"],
            "target": [f"IPY_MODEL_{stack.model_id}", "selected_index"]} in [
        {"source": list(link["source"]), "target": list(link["target"])} for link in links]


def test_image_stack_slider_one_alt_for_all_and_bad_input():
    pytest.importorskip("ipywidgets")
    from mlhw.plotting import grayscale_png
    from mlhw.widgets import image_stack_slider

    pngs, box = _stack_slider(alt="a grey square")
    assert all('alt="a grey square"' in c.value for c in box.children[1].children)
    png = grayscale_png(np.zeros((2, 2)))
    bad = [
        (dict(images_png=[], values=[]), ValueError, "images_png"),
        (dict(images_png=[png], values=[1, 2]), ValueError, "values"),
        (dict(images_png=[png, png], values=[1, 1]), ValueError, "values"),
        (dict(images_png=[png], values=[1], alt=" "), ValueError, "alt"),
        (dict(images_png=[png], values=[1], alt=["a", "b"]), ValueError, "alt"),
        (dict(images_png=[png], values=[1], captions=[]), ValueError, "captions"),
        (dict(images_png=[png], values=[1], index=1), ValueError, "index"),
        (dict(images_png=[png], values=[1], scale=0), ValueError, "scale"),
        (dict(images_png=[b"GIF89a" + bytes(30)], values=[1]), ValueError, "images_png"),
        (dict(images_png=["not bytes"], values=[1]), TypeError, "images_png"),
    ]
    for kwargs, exc, name in bad:
        kwargs = {"description": "k", "alt": "x"} | kwargs
        with pytest.raises(exc, match=name):
            image_stack_slider(**kwargs)
