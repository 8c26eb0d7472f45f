"""A small generative adversarial network in NumPy (Waterloo CS480/680 HW4, exercise 2b).

An MLP generator from Gaussian noise to images and an MLP discriminator giving a logit of "real",
trained in alternating steps with the non-saturating generator loss; the losses and the "detach"
of the discriminator step are set out in this module's notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._validation import as_array, check_int, check_rng
from .nn import (Adam, LeakyReLU, Sequential, Sigmoid, _check_images, _minibatches, _mlp,
                 _softplus, _train, _training_setup, check_dtype)

__all__ = ["GAN", "GANResult", "train_gan"]


class GAN:
    """An MLP generator and discriminator with explicit backward passes.

    Parameters
    ----------
    n_input, seed, dtype
        As in :class:`mlhw.VAE`.
    n_noise, n_hidden : int
        Dimension of the generator's input noise and width of the one hidden layer of both nets.
    slope : float
        Negative slope of the leaky ReLUs.

    Examples
    --------
    >>> gan = GAN(6, n_noise=2, n_hidden=4, seed=0, dtype="float64")
    >>> gan.generate(3, seed=1).shape
    (3, 6)
    """

    def __init__(self, n_input: int = 784, *, n_noise: int = 64, n_hidden: int = 256,
                 slope: float = 0.2, seed=None, dtype="float32"):
        self.n_input = check_int(n_input, "n_input", low=1)
        self.n_noise = check_int(n_noise, "n_noise", low=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", low=1)
        self.dtype = check_dtype(dtype)
        kw = {"seed": check_rng(seed), "dtype": self.dtype}
        self.generator = Sequential(_mlp(self.n_noise, self.n_hidden, self.n_input,
                                         LeakyReLU(slope), **kw) + [Sigmoid()])
        self.discriminator = Sequential(_mlp(self.n_input, self.n_hidden, 1, LeakyReLU(slope),
                                             **kw))

    def _d_step(self, x_real, z, *, backward=True):
        """Discriminator loss (batch mean) and, with ``backward``, its gradient for ``D`` only.

        The fake images are computed and then used as constants: no gradient flows into ``G``.
        """
        fake = self.generator._forward(z)             # G's caches are not needed: "detached"
        n_real, n_fake = len(x_real), len(fake)
        logits = self.discriminator._forward(np.concatenate([x_real, fake]))[:, 0]
        real_l, fake_l = logits[:n_real], logits[n_real:]
        # -log sigmoid(l) = softplus(-l);  -log(1 - sigmoid(l)) = softplus(l)
        loss_real = float(_softplus(-real_l).mean())
        loss_fake = float(_softplus(fake_l).mean())
        if backward:
            dlogits = np.concatenate([-expit(-real_l) / n_real, expit(fake_l) / n_fake])
            self.discriminator._backward(dlogits[:, None].astype(self.dtype))
        return loss_real + loss_fake, real_l, fake_l

    def _g_step(self, z, *, backward=True):
        """Non-saturating generator loss (batch mean) and, with ``backward``, its gradient for
        ``G`` (through ``D``, whose parameter gradients are skipped)."""
        fake = self.generator._forward(z)
        logits = self.discriminator._forward(fake)[:, 0]
        loss = float(_softplus(-logits).mean())
        if backward:
            dlogits = (-expit(-logits) / len(z))[:, None].astype(self.dtype)
            dfake = self.discriminator._backward(dlogits, param_grads=False)
            self.generator._backward(dfake)
        return loss

    def generate(self, n: int | None = None, *, z=None, seed=None):
        """Images ``G(z)``, shape (n, n_input), for given noise ``z`` (n, n_noise) or ``n`` fresh
        draws from ``N(0, I)``."""
        if z is None:
            n = check_int(n, "n", low=1)
            z = check_rng(seed).standard_normal((n, self.n_noise))
        z = as_array(z, "z", ndim=2, shape=(None, self.n_noise)).astype(self.dtype)
        if n is not None and check_int(n, "n", low=1) != len(z):
            raise ValueError(f"n: expected the number of rows of z ({len(z)}) or None, got {n}")
        return self.generator._forward(z)

    def discriminate(self, x):
        """Probability ``sigmoid(D(x))`` that each row of ``x`` (n, n_input) is real, shape (n,)."""
        x = as_array(x, "x", ndim=2, shape=(None, self.n_input)).astype(self.dtype)
        return expit(self.discriminator._forward(x)[:, 0])

    def discriminator_loss_and_gradients(self, x_real, z):
        """Discriminator loss of a batch and its gradient for the discriminator's parameters.

        Parameters
        ----------
        x_real : array_like, shape (n, n_input)
            Real images, values in [0, 1].
        z : array_like, shape (m, n_noise)
            Generator input for the ``m`` fake images.

        Returns
        -------
        loss : float
            ``mean softplus(-D(x_real)) + mean softplus(D(G(z)))``.
        grads : list of ndarray
            In the order of ``discriminator.parameters()``. The generator's stored gradients are
            left untouched (the "detach").
        """
        x_real = _check_images(x_real, "x_real", self.n_input, self.dtype)
        z = as_array(z, "z", ndim=2, shape=(None, self.n_noise)).astype(self.dtype)
        return self._d_step(x_real, z)[0], [g.copy() for g in self.discriminator.gradients()]

    def generator_loss_and_gradients(self, z):
        """Non-saturating generator loss ``mean softplus(-D(G(z)))`` and its gradient for the
        generator's parameters (list in the order of ``generator.parameters()``)."""
        z = as_array(z, "z", ndim=2, shape=(None, self.n_noise)).astype(self.dtype)
        return self._g_step(z), [g.copy() for g in self.generator.gradients()]

    def undetached_generator_gradients(self, z):
        """What ``.detach()`` blocks: the gradient of the discriminator's loss on the fakes,
        ``mean softplus(D(G(z)))``, with respect to the generator's parameters (module notes).

        Parameters
        ----------
        z : array_like, shape (m, n_noise)

        Returns
        -------
        list of ndarray
            In the order of ``generator.parameters()``; they overwrite the generator's stored ones.
        """
        z = as_array(z, "z", ndim=2, shape=(None, self.n_noise)).astype(self.dtype)
        logits = self.discriminator._forward(self.generator._forward(z))[:, 0]
        dlogits = (expit(logits) / len(z))[:, None].astype(self.dtype)
        self.generator._backward(self.discriminator._backward(dlogits, param_grads=False))
        return [g.copy() for g in self.generator.gradients()]


@dataclass(frozen=True)
class GANResult:
    """Outcome of :func:`train_gan`.

    Attributes
    ----------
    model : GAN
    train_d_loss, train_g_loss : ndarray, shape (epochs,)
        Per epoch, the mean over its minibatches (running averages while training) of the
        discriminator and generator losses.
    test_d_loss, test_g_loss : ndarray, shape (epochs,)
        After each epoch, the discriminator loss on the test images against as many fakes (the
        same seeded noise every epoch) and the generator loss on those fakes; empty without tests.
    d_real, d_fake : ndarray, shape (epochs,)
        After each epoch, the mean probability of "real" the discriminator gives to the test
        (or, without test data, the last training batch's) real and fake images.
    sample_epochs, samples, epoch_seconds : ndarray
        As in :class:`mlhw.VAEResult`, the samples being ``G`` at the same fixed noise.
    """

    model: GAN
    train_d_loss: np.ndarray
    train_g_loss: np.ndarray
    test_d_loss: np.ndarray
    test_g_loss: np.ndarray
    d_real: np.ndarray
    d_fake: np.ndarray
    sample_epochs: np.ndarray
    samples: np.ndarray
    epoch_seconds: np.ndarray


def train_gan(x_train, x_test=None, *, n_noise: int = 64, n_hidden: int = 256, epochs: int = 10,
              batch_size: int = 64, lr: float = 2e-4, betas=(0.5, 0.999),
              sample_every: int | None = None, n_samples: int = 64, seed=None,
              dtype="float32", progress: bool = False) -> GANResult:
    """Train a :class:`GAN`: per minibatch one discriminator step, then one generator step.

    Answers Waterloo CS480/680 HW4, exercise 2b (losses per epoch, samples every few epochs).

    Parameters
    ----------
    x_train : array_like, shape (n, d)
        Real images flattened, values in [0, 1].
    x_test : array_like, shape (m, d), optional
        Held-out real images for the test losses.
    n_noise, n_hidden : int
        As in :class:`GAN`.
    lr : float
        Adam step size of both networks.
    betas : tuple of float
        Adam's moment decay rates (``beta1 = 0.5`` is the usual choice for GANs).
    epochs, batch_size, sample_every, n_samples, seed, dtype, progress
        As in :func:`mlhw.train_vae`; the samples are ``G`` at fixed noise.

    Returns
    -------
    GANResult

    Raises
    ------
    ValueError
        Bad data or settings (the message names the argument).
    FloatingPointError
        If a loss becomes NaN or infinite.

    Examples
    --------
    >>> x = np.tile([[0.9, 0.1, 0.9, 0.1]], (64, 1))
    >>> res = train_gan(x, n_noise=2, n_hidden=8, epochs=2, batch_size=16, seed=0)
    >>> res.train_d_loss.shape
    (2,)
    """
    (dt, x_train, x_test, epochs, batch_size, n_samples, sample_every, lr,
     (rng_init, rng_shuffle, rng_noise, rng_eval, rng_fixed)) = _training_setup(
        x_train, x_test, epochs, batch_size, n_samples, sample_every, lr, seed, dtype)
    d = x_train.shape[1]
    model = GAN(d, n_noise=n_noise, n_hidden=n_hidden, seed=rng_init, dtype=dt)
    opt_d = Adam(model.discriminator.parameters(), lr=lr, betas=betas)
    opt_g = Adam(model.generator.parameters(), lr=lr, betas=betas)
    z_fixed = rng_fixed.standard_normal((n_samples, model.n_noise), dtype=dt)
    z_eval = (rng_eval.standard_normal((len(x_test), model.n_noise), dtype=dt)
              if x_test is not None else None)
    n = len(x_train)

    def run_epoch(epoch):
        d_sum = g_sum = 0.0
        for b, idx in enumerate(_minibatches(n, batch_size, rng_shuffle)):
            m = len(idx)
            z = rng_noise.standard_normal((m, model.n_noise), dtype=dt)
            d_loss, real_l, fake_l = model._d_step(x_train[idx], z)
            opt_d._step(model.discriminator.gradients())
            z = rng_noise.standard_normal((m, model.n_noise), dtype=dt)
            g_loss = model._g_step(z)
            if not (np.isfinite(d_loss) and np.isfinite(g_loss)):
                raise FloatingPointError(f"GAN training diverged in epoch {epoch}, batch {b}: "
                                         f"losses D {d_loss}, G {g_loss}; lower lr (was {lr})")
            opt_g._step(model.generator.gradients())
            d_sum += d_loss * m
            g_sum += g_loss * m
        stats = {"train_d_loss": d_sum / n, "train_g_loss": g_sum / n}
        test = ""
        if x_test is not None:
            d_loss, real_l, fake_l = model._d_step(x_test, z_eval, backward=False)
            stats.update(test_d_loss=d_loss, test_g_loss=float(_softplus(-fake_l).mean()))
            test = f"  test D {d_loss:.3f} G {stats['test_g_loss']:.3f}"
        stats.update(d_real=float(expit(real_l).mean()), d_fake=float(expit(fake_l).mean()))
        return stats, f"train D {stats['train_d_loss']:.3f} G {stats['train_g_loss']:.3f}{test}"

    hist = _train("GAN", epochs, ("train_d_loss", "train_g_loss", "test_d_loss", "test_g_loss",
                                  "d_real", "d_fake"), run_epoch,
                  lambda: model.generator._forward(z_fixed).copy(), sample_every, progress,
                  (0, n_samples, d), dt)
    return GANResult(model=model, **hist)
