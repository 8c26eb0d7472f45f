"""A small variational auto-encoder in NumPy (TUM ML worksheet 11, problem 4; Waterloo CS480/680
HW4, exercise 2a).

An MLP encoder to a diagonal Gaussian ``q(z | x)``, the reparameterised sample, an MLP decoder to
Bernoulli pixel probabilities, and the loss ``rec + kl_weight * KL(q(z | x) || N(0, I))`` per
image; the model is set out in this module's notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._validation import as_array, check_int, check_positive, check_rng
from .divergences import _kl_diag
from .nn import (Adam, ReLU, Sequential, _bce_with_logits, _check_images, _minibatches, _mlp,
                 _train, _training_setup, check_dtype)

__all__ = ["VAE", "VAELoss", "VAEResult", "prepare_images", "train_vae"]


def prepare_images(images, *, binarize: bool = False, dtype="float32") -> np.ndarray:
    """Flatten images and scale them to [0, 1] (optionally binarise at 1/2).

    Parameters
    ----------
    images : array_like, shape (n, 28, 28) or (n, d)
        uint8 grey levels in 0..255 (as :func:`mlhw.load_mnist` returns), or floats in [0, 1].
    binarize : bool
        If True, return 1.0 where the scaled grey level is at least 1/2 and 0.0 elsewhere.
    dtype : {"float32", "float64"}

    Returns
    -------
    ndarray, shape (n, d)

    Raises
    ------
    ValueError
        For arrays that are not 2-D or 3-D, or float values outside [0, 1].

    Examples
    --------
    >>> prepare_images(np.array([[[0, 255], [128, 64]]], dtype=np.uint8), dtype="float64").round(3).tolist()
    [[0.0, 1.0, 0.502, 0.251]]
    """
    dt = check_dtype(dtype)
    raw = np.asarray(images)
    x = as_array(raw, "images", ndim=(2, 3)).astype(dt)
    if raw.dtype == np.uint8:
        x = x / dt(255)
    elif x.min() < 0 or x.max() > 1:
        raise ValueError(f"images: expected uint8 grey levels or floats in [0, 1], got a "
                         f"range [{x.min()!r}, {x.max()!r}]")
    x = x.reshape(len(x), -1)
    return (x >= 0.5).astype(dt) if binarize else x


def _check_weight(kl_weight) -> float:
    return float(check_positive(kl_weight, "kl_weight", strict=False, ndim=0))


@dataclass(frozen=True)
class VAELoss:
    """Mean losses per image (:meth:`VAE.evaluate`).

    Attributes
    ----------
    loss : float
        ``rec + kl_weight * kl``, the quantity training minimises.
    rec : float
        Bernoulli negative log-likelihood of the image at one sampled code, summed over pixels.
    kl : float
        ``KL(q(z | x) || N(0, I))``; ``rec + kl`` is the negative ELBO whatever ``kl_weight`` is.
    """

    loss: float
    rec: float
    kl: float


class VAE:
    """A multilayer-perceptron VAE with a Bernoulli decoder (the model is in this module's notes).

    Parameters
    ----------
    n_input : int
        Pixels per image (784 for MNIST).
    n_hidden, n_latent : int
        Width of the one hidden layer (encoder and decoder) and dimension of the code ``z``.
    seed : None, int or numpy.random.Generator
        Initial weights.
    dtype : {"float32", "float64"}
        float32 to train, float64 for gradient checks.

    Examples
    --------
    >>> vae = VAE(6, n_hidden=5, n_latent=2, seed=0, dtype="float64")
    >>> mu, log_var = vae.encode(np.full((3, 6), 0.5))
    >>> mu.shape, vae.decode(mu).shape
    ((3, 2), (3, 6))
    """

    def __init__(self, n_input: int = 784, *, n_hidden: int = 256, n_latent: int = 20,
                 seed=None, dtype="float32"):
        self.n_input = check_int(n_input, "n_input", low=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", low=1)
        self.n_latent = check_int(n_latent, "n_latent", low=1)
        self.dtype = check_dtype(dtype)
        kw = {"seed": check_rng(seed), "dtype": self.dtype}
        self.encoder = Sequential(_mlp(self.n_input, self.n_hidden, 2 * self.n_latent, ReLU(), **kw))
        self.decoder = Sequential(_mlp(self.n_latent, self.n_hidden, self.n_input, ReLU(), **kw))

    def parameters(self) -> list[np.ndarray]:
        """Encoder then decoder parameter arrays (updated in place by the optimiser)."""
        return self.encoder.parameters() + self.decoder.parameters()

    def gradients(self) -> list[np.ndarray]:
        """Gradients from the last :meth:`loss_and_gradients`, in the order of ``parameters()``."""
        return self.encoder.gradients() + self.decoder.gradients()

    def _encode(self, x):
        out = self.encoder._forward(x)
        return out[:, :self.n_latent], out[:, self.n_latent:]

    def _forward_backward(self, x, noise, kl_weight, *, backward=True):
        """Per-image ``rec`` and ``kl``; with ``backward`` also the gradients of their weighted
        batch mean ``mean(rec + kl_weight * kl)`` with respect to every parameter."""
        mu, log_var = self._encode(x)
        with np.errstate(over="ignore"):
            var64 = np.exp(log_var.astype(np.float64))
        if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(var64))):
            raise FloatingPointError("the encoder's output (mu, log var) overflowed or is NaN")
        std = np.exp(0.5 * log_var)
        z = mu + std * noise
        logits = self.decoder._forward(z)
        rec, dlogits = _bce_with_logits(logits, x)
        kl = _kl_diag(mu, var64, 0.0, 1.0)
        if backward:
            n = len(x)
            dz = self.decoder._backward(dlogits / self.dtype(n))
            dmu = dz + (kl_weight / n) * mu
            dlog_var = dz * noise * (0.5 * std) + (0.5 * kl_weight / n) * (var64 - 1)
            self.encoder._backward(np.concatenate([dmu, dlog_var], axis=1).astype(self.dtype))
        return rec, kl

    def encode(self, x):
        """Posterior parameters ``(mu, log_var)``, each of shape (n, n_latent), for rows of ``x``."""
        return self._encode(_check_images(x, "x", self.n_input, self.dtype))

    def decode(self, z):
        """Bernoulli means (pixel probabilities), shape (n, n_input), of codes ``z`` (n, n_latent)."""
        z = as_array(z, "z", ndim=2, shape=(None, self.n_latent)).astype(self.dtype)
        return expit(self.decoder._forward(z))

    def reconstruct(self, x):
        """Decoder means at the posterior means: ``decode(encode(x)[0])``, shape (n, n_input)."""
        return self.decode(self.encode(x)[0])

    def sample(self, n: int, *, seed=None):
        """Decoder means at ``n`` codes drawn from the prior ``N(0, I)``, shape (n, n_input)."""
        n = check_int(n, "n", low=1)
        return self.decode(check_rng(seed).standard_normal((n, self.n_latent)))

    def loss_and_gradients(self, x, noise, *, kl_weight: float = 1.0):
        """Mean loss of a batch at given noise, and its gradient for every parameter array.

        Parameters
        ----------
        x : array_like, shape (n, n_input)
            Values in [0, 1].
        noise : array_like, shape (n, n_latent)
            The standard normal draws ``eps`` of the reparameterisation (fixed, so that the loss
            is a deterministic function of the parameters, as a gradient check needs).
        kl_weight : float
            Non-negative weight of the KL term.

        Returns
        -------
        loss : float
            ``mean(rec + kl_weight * kl)`` over the batch.
        grads : list of ndarray
            In the order of :meth:`parameters`.
        """
        x = _check_images(x, "x", self.n_input, self.dtype)
        noise = as_array(noise, "noise", shape=(len(x), self.n_latent)).astype(self.dtype)
        w = _check_weight(kl_weight)
        rec, kl = self._forward_backward(x, noise, w)
        return float(np.mean(rec + w * kl)), [g.copy() for g in self.gradients()]

    def evaluate(self, x, *, kl_weight: float = 1.0, seed=0, batch_size: int = 1000) -> VAELoss:
        """Mean losses per image on ``x`` with one reparameterised sample per image.

        Parameters
        ----------
        x : array_like, shape (n, n_input)
        kl_weight : float
        seed : None, int or Generator
            Draws the noise (a fixed seed gives the same noise for the same data every time).
        batch_size : int

        Returns
        -------
        VAELoss
        """
        x = _check_images(x, "x", self.n_input, self.dtype)
        w = _check_weight(kl_weight)
        batch_size = check_int(batch_size, "batch_size", low=1)
        return self._evaluate(x, w, check_rng(seed), batch_size)

    def _evaluate(self, x, w, rng, batch_size=1000):
        rec_sum = kl_sum = 0.0
        for i in range(0, len(x), batch_size):
            xb = x[i:i + batch_size]
            noise = rng.standard_normal((len(xb), self.n_latent), dtype=self.dtype)
            rec, kl = self._forward_backward(xb, noise, w, backward=False)
            rec_sum += float(rec.sum())
            kl_sum += float(kl.sum())
        rec, kl = rec_sum / len(x), kl_sum / len(x)
        return VAELoss(rec + w * kl, rec, kl)


@dataclass(frozen=True)
class VAEResult:
    """Outcome of :func:`train_vae`.

    Attributes
    ----------
    model : VAE
    kl_weight : float
    train_loss, train_rec, train_kl : ndarray, shape (epochs,)
        Per epoch and image, the size-weighted mean over its minibatches of the loss, its
        reconstruction part and the KL term (running averages while the weights change).
    test_loss, test_rec, test_kl : ndarray, shape (epochs,)
        The same on the test data after each epoch (empty without test data).
    sample_epochs : ndarray of int, shape (m,)
        Epochs (1-based) after which prior samples were decoded.
    samples : ndarray, shape (m, n_samples, n_input)
        Decoder means at the same ``n_samples`` prior draws after each of those epochs.
    epoch_seconds : ndarray, shape (epochs,)
        Wall-clock time of each epoch (training and evaluation).
    """

    model: VAE
    kl_weight: float
    train_loss: np.ndarray
    train_rec: np.ndarray
    train_kl: np.ndarray
    test_loss: np.ndarray
    test_rec: np.ndarray
    test_kl: np.ndarray
    sample_epochs: np.ndarray
    samples: np.ndarray
    epoch_seconds: np.ndarray


def train_vae(x_train, x_test=None, *, kl_weight: float = 1.0, n_hidden: int = 256,
              n_latent: int = 20, epochs: int = 10, batch_size: int = 128, lr: float = 1e-3,
              sample_every: int | None = None, n_samples: int = 64, seed=None,
              dtype="float32", progress: bool = False) -> VAEResult:
    """Train a :class:`VAE` with Adam on minibatches.

    Answers TUM ML worksheet 11, problem 4 (``kl_weight=0`` against ``kl_weight=1``) and
    Waterloo CS480/680 HW4, exercise 2a (loss curves per epoch, prior samples every few epochs).

    Parameters
    ----------
    x_train : array_like, shape (n, d)
        Training images flattened, values in [0, 1] (see :func:`prepare_images`).
    x_test : array_like, shape (m, d), optional
        Test images, evaluated after each epoch (the same seeded noise draws every epoch).
    kl_weight : float
        Weight of the KL term: 1 is the ELBO, 0 removes the KL term.
    n_hidden, n_latent : int
        Hidden width and code dimension.
    epochs, batch_size : int
    lr : float
        Adam step size.
    sample_every : int, optional
        Decode the fixed prior draws after every ``sample_every``-th epoch (and never if None).
    n_samples : int
        Number of fixed prior draws.
    seed : None, int or numpy.random.Generator
        Seeds the weights, shuffling, noise and prior draws (the same seed, the same result).
    dtype : {"float32", "float64"}
    progress : bool
        Print one line per epoch (epoch, losses, seconds).

    Returns
    -------
    VAEResult

    Raises
    ------
    ValueError
        Bad data (not 2-D, not in [0, 1], NaN, test width differing) or bad settings; the
        message names the argument.
    FloatingPointError
        If a minibatch loss becomes NaN or infinite (lower ``lr``).

    Examples
    --------
    >>> x = (np.random.default_rng(0).random((64, 8)) < 0.3).astype(np.float32)
    >>> res = train_vae(x, n_hidden=8, n_latent=2, epochs=3, batch_size=16, seed=0)
    >>> res.train_loss.shape, bool(res.train_loss[-1] < res.train_loss[0])
    ((3,), True)
    """
    (dt, x_train, x_test, epochs, batch_size, n_samples, sample_every, lr,
     (rng_init, rng_shuffle, rng_noise, rng_eval, rng_prior)) = _training_setup(
        x_train, x_test, epochs, batch_size, n_samples, sample_every, lr, seed, dtype)
    w = _check_weight(kl_weight)
    d = x_train.shape[1]
    model = VAE(d, n_hidden=n_hidden, n_latent=n_latent, seed=rng_init, dtype=dt)
    opt = Adam(model.parameters(), lr=lr)
    eval_seed = int(rng_eval.integers(2**32))
    z_fixed = rng_prior.standard_normal((n_samples, model.n_latent))
    n = len(x_train)

    def run_epoch(epoch):
        rec_sum = kl_sum = 0.0
        for b, idx in enumerate(_minibatches(n, batch_size, rng_shuffle)):
            noise = rng_noise.standard_normal((len(idx), model.n_latent), dtype=dt)
            try:
                rec, kl = model._forward_backward(x_train[idx], noise, w)
                batch_loss = float(np.mean(rec + w * kl))
                if not np.isfinite(batch_loss):
                    raise FloatingPointError(f"the loss is {batch_loss}")
            except FloatingPointError as exc:
                raise FloatingPointError(f"VAE training diverged in epoch {epoch}, batch {b} "
                                         f"({exc}); lower lr (was {lr})") from None
            opt._step(model.gradients())
            rec_sum += float(rec.sum())
            kl_sum += float(kl.sum())
        stats = {"train_rec": rec_sum / n, "train_kl": kl_sum / n,
                 "train_loss": rec_sum / n + w * kl_sum / n}
        test = ""
        if x_test is not None:
            ev = model._evaluate(x_test, w, np.random.default_rng(eval_seed))
            stats.update(test_loss=ev.loss, test_rec=ev.rec, test_kl=ev.kl)
            test = f"  test {ev.loss:8.2f}"
        return stats, f"train {stats['train_loss']:8.2f}{test}"

    hist = _train(f"VAE (kl_weight={w:g})", epochs, ("train_loss", "train_rec", "train_kl",
                  "test_loss", "test_rec", "test_kl"), run_epoch,
                  lambda: expit(model.decoder._forward(z_fixed.astype(dt))), sample_every,
                  progress, (0, n_samples, d), dt)
    return VAEResult(model=model, kl_weight=w, **hist)
