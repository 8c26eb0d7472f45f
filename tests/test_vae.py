"""Tests of mlhw.vae: the full VAE loss gradient, the KL term, training behaviour, bad input."""

import numpy as np
import pytest

from mlhw.divergences import kl_diag_gaussians
from mlhw.nn import gradient_check
from mlhw.vae import VAE, VAELoss, prepare_images, train_vae


def _tiny_data(seed=0, n=120, d=12):
    """Binary images made of two prototypes with flipped pixels (an easy, structured problem)."""
    rng = np.random.default_rng(seed)
    protos = np.array([[1] * (d // 2) + [0] * (d - d // 2), [0, 1] * (d // 2)], dtype=float)
    x = protos[rng.integers(2, size=n)]
    flip = rng.random(x.shape) < 0.05
    return np.where(flip, 1 - x, x)


@pytest.mark.parametrize("kl_weight", [1.0, 0.0, 0.3])
def test_full_vae_loss_gradient_matches_finite_differences(kl_weight, rng):
    vae = VAE(8, n_hidden=6, n_latent=3, seed=0, dtype="float64")
    x = rng.random((5, 8))
    noise = rng.standard_normal((5, 3))
    loss, grads = vae.loss_and_gradients(x, noise, kl_weight=kl_weight)

    def f():
        return vae.loss_and_gradients(x, noise, kl_weight=kl_weight)[0]

    assert len(grads) == len(vae.parameters()) == 8
    for p, g in zip(vae.parameters(), grads):
        res = gradient_check(f, p, g, n_entries=None)
        # round-off of the central difference is ~1e-10 in absolute terms; a wrong backward pass
        # gives relative errors of 1e-3 and more
        assert res.max_rel_error < 1e-5 and res.max_abs_error < 1e-8, res


def test_kl_part_of_the_loss_is_the_diagonal_gaussian_kl(rng):
    vae = VAE(8, n_hidden=6, n_latent=3, seed=1, dtype="float64")
    x = rng.random((4, 8))
    mu, log_var = vae.encode(x)
    ev1 = vae.evaluate(x, kl_weight=1.0, seed=3)
    ev0 = vae.evaluate(x, kl_weight=0.0, seed=3)
    closed = 0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1 - log_var, axis=1).mean()
    assert ev1.kl == pytest.approx(closed, rel=1e-10)
    assert ev1.kl == pytest.approx(np.mean(kl_diag_gaussians(mu, np.exp(log_var), 0, 1)))
    assert ev1.rec == pytest.approx(ev0.rec)           # same seed, same noise
    assert ev0.loss == pytest.approx(ev0.rec)
    assert ev1.loss == pytest.approx(ev1.rec + ev1.kl)
    assert isinstance(ev1, VAELoss)


def test_reparameterisation_gradient_is_unbiased_for_a_known_case():
    """With noise 0 the sample is mu; with noise e the loss depends on mu + exp(lv/2) e."""
    vae = VAE(4, n_hidden=3, n_latent=2, seed=2, dtype="float64")
    x = np.full((2, 4), 0.5)
    z0 = vae.loss_and_gradients(x, np.zeros((2, 2)), kl_weight=0.0)[0]
    mu, _ = vae.encode(x)
    rec_at_mu = np.mean(np.sum(np.logaddexp(0, vae.decoder.forward(mu))
                               - 0.5 * vae.decoder.forward(mu), axis=1))
    assert z0 == pytest.approx(rec_at_mu)


def test_training_is_deterministic_given_a_seed():
    x = _tiny_data()
    a = train_vae(x, x[:30], n_hidden=8, n_latent=2, epochs=3, batch_size=32, seed=5,
                  sample_every=1, n_samples=4)
    b = train_vae(x, x[:30], n_hidden=8, n_latent=2, epochs=3, batch_size=32, seed=5,
                  sample_every=1, n_samples=4)
    c = train_vae(x, x[:30], n_hidden=8, n_latent=2, epochs=3, batch_size=32, seed=6,
                  sample_every=1, n_samples=4)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.test_loss, b.test_loss)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.train_loss, c.train_loss)
    assert a.samples.shape == (3, 4, 12) and a.sample_epochs.tolist() == [1, 2, 3]


def test_loss_decreases_on_a_tiny_problem():
    x = _tiny_data()
    res = train_vae(x, x[:40], n_hidden=16, n_latent=2, epochs=30, batch_size=16, lr=3e-3,
                    seed=0)
    assert res.train_loss[-1] < 0.6 * res.train_loss[0]
    assert res.test_loss[-1] < res.test_loss[0]
    assert res.train_loss.shape == res.test_kl.shape == res.epoch_seconds.shape == (30,)
    np.testing.assert_allclose(res.train_loss, res.train_rec + res.train_kl)


def test_without_kl_the_posterior_std_collapses():
    x = _tiny_data(n=200)
    stds = {}
    for w in (1.0, 0.0):
        res = train_vae(x, n_hidden=16, n_latent=2, epochs=40, batch_size=20, lr=3e-3,
                        kl_weight=w, seed=1)
        _, log_var = res.model.encode(x)
        stds[w] = float(np.exp(0.5 * log_var).mean())
    assert stds[0.0] < 0.5 * stds[1.0]


def test_model_methods_shapes_and_ranges(rng):
    vae = VAE(10, n_hidden=5, n_latent=3, seed=0)
    x = rng.random((4, 10)).astype(np.float32)
    assert vae.reconstruct(x).shape == (4, 10)
    s = vae.sample(6, seed=1)
    assert s.shape == (6, 10) and s.dtype == np.float32
    assert np.all((s > 0) & (s < 1))
    np.testing.assert_array_equal(s, vae.sample(6, seed=1))


def test_prepare_images():
    imgs = np.array([[[0, 255], [127, 128]]], dtype=np.uint8)
    x = prepare_images(imgs)
    assert x.shape == (1, 4) and x.dtype == np.float32
    np.testing.assert_allclose(x, [[0, 1, 127 / 255, 128 / 255]], rtol=1e-6)
    np.testing.assert_array_equal(prepare_images(imgs, binarize=True), [[0, 1, 0, 1]])
    assert prepare_images(x, dtype="float64").dtype == np.float64


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_raises_instead_of_nan():
    x = _tiny_data()
    with pytest.raises(FloatingPointError, match="lr"):
        train_vae(x, n_hidden=8, n_latent=2, epochs=3, batch_size=16, lr=1e30, seed=0)


@pytest.mark.parametrize("kwargs, arg", [
    ({"x_train": np.full((4, 3), np.nan)}, "x_train"),
    ({"x_train": np.full((4, 3), 2.0)}, "x_train"),
    ({"x_train": np.zeros((4, 3, 2))}, "x_train"),
    ({"x_test": np.zeros((4, 5))}, "x_test"),
    ({"kl_weight": -1.0}, "kl_weight"),
    ({"epochs": 0}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"lr": 0.0}, "lr"),
    ({"sample_every": 0}, "sample_every"),
    ({"n_latent": 0}, "n_latent"),
    ({"dtype": "float16"}, "dtype"),
])
def test_train_vae_bad_inputs(kwargs, arg):
    args = {"x_train": np.zeros((4, 3)), "epochs": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=arg):
        train_vae(args.pop("x_train"), **args)


@pytest.mark.parametrize("call, exc, arg", [
    (lambda v: v.encode(np.zeros((2, 5))), ValueError, "x"),
    (lambda v: v.decode(np.zeros((2, 4))), ValueError, "z"),
    (lambda v: v.sample(0), ValueError, "n"),
    (lambda v: v.loss_and_gradients(np.zeros((2, 6)), np.zeros((3, 2))), ValueError, "noise"),
    (lambda v: v.evaluate(np.zeros((2, 6)), batch_size=1.5), TypeError, "batch_size"),
    (lambda v: v.sample(2.0), TypeError, "n"),
    (lambda v: prepare_images(np.full((1, 4), -0.1)), ValueError, "images"),
])
def test_model_bad_inputs(call, exc, arg):
    vae = VAE(6, n_hidden=4, n_latent=2, seed=0)
    with pytest.raises(exc, match=arg):
        call(vae)


def test_batch_size_must_be_an_integer():
    with pytest.raises(TypeError, match="batch_size"):
        train_vae(np.zeros((4, 3)), batch_size=2.5)


def test_plot_training_curves_draws_one_line_per_curve():
    import matplotlib.pyplot as plt

    from mlhw.plotting import plot_training_curves

    ax = plot_training_curves({"a": [3, 2, 1], "b": [1, 1, 1]}, title="t", reference={"r": 0.5})
    assert len(ax.lines) == 3 and ax.get_xlabel() == "epoch" and ax.get_title() == "t"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    plt.close(ax.figure)
