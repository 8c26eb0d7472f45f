"""Tests of mlhw.gan: loss gradients, the detached discriminator step, training, bad input."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from mlhw.gan import GAN, train_gan
from mlhw.nn import gradient_check


def _small_gan(seed=0):
    return GAN(6, n_noise=3, n_hidden=5, seed=seed, dtype="float64")


def test_discriminator_loss_gradient_matches_finite_differences(rng):
    gan = _small_gan()
    x = rng.random((4, 6))
    z = rng.standard_normal((5, 3))
    loss, grads = gan.discriminator_loss_and_gradients(x, z)

    def f():
        return gan.discriminator_loss_and_gradients(x, z)[0]

    assert len(grads) == 4
    for p, g in zip(gan.discriminator.parameters(), grads):
        res = gradient_check(f, p, g, n_entries=None)
        assert res.max_rel_error < 1e-5 and res.max_abs_error < 1e-8, res


def test_generator_loss_gradient_matches_finite_differences(rng):
    gan = _small_gan(1)
    z = rng.standard_normal((5, 3))
    loss, grads = gan.generator_loss_and_gradients(z)

    def f():
        return gan.generator_loss_and_gradients(z)[0]

    assert len(grads) == 4
    for p, g in zip(gan.generator.parameters(), grads):
        res = gradient_check(f, p, g, n_entries=None)
        assert res.max_rel_error < 1e-5 and res.max_abs_error < 1e-8, res


def test_discriminator_step_does_not_reach_the_generator(rng):
    """The numpy counterpart of ``fake.detach()``: G's gradients are untouched by the D step."""
    gan = _small_gan()
    gan.generator_loss_and_gradients(rng.standard_normal((4, 3)))
    before = [g.copy() for g in gan.generator.gradients()]
    gan.discriminator_loss_and_gradients(rng.random((4, 6)), rng.standard_normal((4, 3)))
    for b, a in zip(before, gan.generator.gradients()):
        np.testing.assert_array_equal(a, b)
    # and the generator step leaves D's parameter gradients untouched
    d_before = [g.copy() for g in gan.discriminator.gradients()]
    gan.generator_loss_and_gradients(rng.standard_normal((4, 3)))
    for b, a in zip(d_before, gan.discriminator.gradients()):
        np.testing.assert_array_equal(a, b)


def test_undetached_gradient_is_the_fake_part_of_the_discriminator_loss(rng):
    gan = _small_gan(3)
    z = rng.standard_normal((6, 3))
    grads = gan.undetached_generator_gradients(z)

    def f():
        fake = gan.generator.forward(z)
        return float(np.mean(np.logaddexp(0, gan.discriminator.forward(fake)[:, 0])))

    for p, g in zip(gan.generator.parameters(), grads):
        res = gradient_check(f, p, g, n_entries=None)
        assert res.max_rel_error < 1e-5 and res.max_abs_error < 1e-8, res
    own = gan.generator_loss_and_gradients(z)[1]
    a = np.concatenate([g.ravel() for g in grads])
    b = np.concatenate([g.ravel() for g in own])
    assert a @ b < 0          # it would push the generator the wrong way


def test_discriminator_loss_is_binary_cross_entropy(rng):
    gan = _small_gan(2)
    x = rng.random((7, 6))
    z = rng.standard_normal((5, 3))
    loss, _ = gan.discriminator_loss_and_gradients(x, z)
    p_real = gan.discriminate(x)
    p_fake = gan.discriminate(gan.generate(z=z))
    want = (log_loss(np.ones(7), p_real, labels=[0, 1])
            + log_loss(np.zeros(5), p_fake, labels=[0, 1]))
    assert loss == pytest.approx(want, rel=1e-10)
    g_loss, _ = gan.generator_loss_and_gradients(z)
    assert g_loss == pytest.approx(-np.mean(np.log(p_fake)), rel=1e-10)


def test_non_saturating_loss_keeps_its_gradient_when_fakes_are_rejected():
    """d/dl of -log sigmoid(l) stays near -1 for a very negative logit l; the saturating
    log(1 - sigmoid(l)) has derivative -sigmoid(l), near 0."""
    gan = GAN(4, n_noise=2, n_hidden=3, seed=0, dtype="float64")
    last = gan.discriminator.layers[-1]
    last.params["b"][:] = -30.0          # D rejects everything
    z = np.random.default_rng(0).standard_normal((8, 2))
    fake = gan.generator.forward(z)
    logits = gan.discriminator.forward(fake)[:, 0]
    dlogits_ns = -1 / (1 + np.exp(logits))
    dlogits_sat = -1 / (1 + np.exp(-logits))
    assert np.all(np.abs(dlogits_ns) > 0.99) and np.all(np.abs(dlogits_sat) < 1e-12)
    _, grads = gan.generator_loss_and_gradients(z)
    assert max(np.abs(g).max() for g in grads) > 1e-3


def test_training_is_deterministic_given_a_seed(rng):
    x = rng.random((50, 6))
    kw = {"n_noise": 2, "n_hidden": 5, "epochs": 3, "batch_size": 10, "sample_every": 1,
          "n_samples": 4}
    a = train_gan(x, x[:20], seed=3, **kw)
    b = train_gan(x, x[:20], seed=3, **kw)
    c = train_gan(x, x[:20], seed=4, **kw)
    np.testing.assert_array_equal(a.train_d_loss, b.train_d_loss)
    np.testing.assert_array_equal(a.test_g_loss, b.test_g_loss)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.train_d_loss, c.train_d_loss)
    assert a.samples.shape == (3, 4, 6) and a.sample_epochs.tolist() == [1, 2, 3]
    assert a.d_real.shape == a.d_fake.shape == a.epoch_seconds.shape == (3,)


def test_generator_learns_a_one_point_distribution():
    """All real images equal one pattern: the fakes must move onto it."""
    pattern = np.array([0.9, 0.1, 0.8, 0.2, 0.9, 0.1])
    x = np.tile(pattern, (256, 1))
    res = train_gan(x, n_noise=2, n_hidden=16, epochs=40, batch_size=32, lr=2e-3, seed=0,
                    sample_every=1, n_samples=64)
    first = np.abs(res.samples[0] - pattern).mean()
    last = np.abs(res.samples[-1] - pattern).mean()
    # an untrained sigmoid generator sits near 0.5 (distance ~0.37); GAN training then circles
    # the equilibrium (D(x) ~ 1/2) without settling exactly on the pattern
    assert last < 0.15 and first > 0.3


def test_discriminator_alone_learns_to_separate(rng):
    """Train D only (the generator frozen): its loss must fall well below 2 log 2."""
    from mlhw.nn import Adam

    gan = GAN(6, n_noise=2, n_hidden=8, seed=0, dtype="float64")
    x = np.tile([1.0, 1.0, 1.0, 0.0, 0.0, 0.0], (32, 1))
    opt = Adam(gan.discriminator.parameters(), lr=1e-2)
    z = rng.standard_normal((32, 2))
    first = gan.discriminator_loss_and_gradients(x, z)[0]
    for _ in range(200):
        _, grads = gan.discriminator_loss_and_gradients(x, z)
        opt.step(grads)
    last = gan.discriminator_loss_and_gradients(x, z)[0]
    assert last < 0.1 < first


@pytest.mark.parametrize("kwargs, arg", [
    ({"x_train": np.full((4, 3), np.inf)}, "x_train"),
    ({"x_train": np.full((4, 3), -1.0)}, "x_train"),
    ({"x_train": np.zeros(4)}, "x_train"),
    ({"x_test": np.zeros((4, 2))}, "x_test"),
    ({"epochs": 0}, "epochs"),
    ({"batch_size": -1}, "batch_size"),
    ({"lr": -1e-3}, "lr"),
    ({"betas": (0.5, 1.5)}, "betas"),
    ({"n_noise": 0}, "n_noise"),
    ({"n_samples": 0}, "n_samples"),
    ({"dtype": "int8"}, "dtype"),
])
def test_train_gan_bad_inputs(kwargs, arg):
    args = {"x_train": np.zeros((4, 3)), "epochs": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=arg):
        train_gan(args.pop("x_train"), **args)


@pytest.mark.parametrize("call, exc, arg", [
    (lambda g: g.generate(z=np.zeros((2, 4))), ValueError, "z"),
    (lambda g: g.generate(), TypeError, "n"),
    (lambda g: g.discriminate(np.zeros((2, 5))), ValueError, "x"),
    (lambda g: g.discriminator_loss_and_gradients(np.full((2, 6), 2.0), np.zeros((2, 3))),
     ValueError, "x_real"),
    (lambda g: g.generator_loss_and_gradients(np.zeros((2, 2))), ValueError, "z"),
])
def test_model_bad_inputs(call, exc, arg):
    with pytest.raises(exc, match=arg):
        call(_small_gan())
