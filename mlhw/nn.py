"""Minimal neural-network pieces in NumPy, each with an explicit backward pass.

The machinery behind the VAE of TUM ML worksheet 11 (problem 4) and the VAE and GAN of Waterloo
CS480/680 HW4 (exercise 2): a :class:`Dense` layer, four activations, a :class:`Sequential`
container, the Bernoulli log-loss on logits, the Adam optimiser and a finite-difference gradient
check, all on 2-D batches ``(n, features)`` (conventions in this module's notes).
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._validation import as_array, check_int, check_positive, check_rng

__all__ = ["Adam", "Dense", "GradCheckResult", "LeakyReLU", "ReLU", "Sequential", "Sigmoid",
           "Tanh", "bce_with_logits", "check_dtype", "check_module_gradients", "gradient_check"]

def check_dtype(dtype) -> type:
    """The floating-point type a network computes in: ``np.float32`` or ``np.float64``.

    Parameters
    ----------
    dtype : str, type or numpy.dtype
        ``"float32"``, ``"float64"`` or anything :class:`numpy.dtype` reads as one of them.

    Returns
    -------
    type

    Raises
    ------
    TypeError, ValueError
        For something that is not a dtype, or another dtype.

    Examples
    --------
    >>> check_dtype("float32")
    <class 'numpy.float32'>
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype: expected 'float32' or 'float64', got {dtype!r}") from None
    if dt.name not in ("float32", "float64"):
        raise ValueError(f"dtype: expected 'float32' or 'float64', got {dt.name!r}")
    return dt.type


def _check_batch(x, name: str, width: int | None = None) -> np.ndarray:
    """A finite 2-D numeric batch (of ``width`` columns, if given)."""
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=float)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected a numeric array, got dtype {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D batch (n, features), got shape {x.shape}")
    if width is not None and x.shape[1] != width:
        raise ValueError(f"{name}: expected {width} features per row, got shape {x.shape}")
    if not np.isfinite(x).all():
        bad = x.size - np.count_nonzero(np.isfinite(x))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or infinite "
                         f"entr{'y' if bad == 1 else 'ies'}")
    return x


class Layer:
    """Base class: a layer without parameters; subclasses define the unchecked ``_forward(x)`` and
    ``_backward(dy, param_grads)`` that :meth:`forward` and :meth:`backward` check and run."""

    #: whether the output has the width of the input (activations); see :class:`Sequential`
    _keeps_width = False

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._out_shape = None

    def forward(self, x) -> np.ndarray:
        """Output of the layer for a batch ``x`` of shape (n, n_in); caches what
        :meth:`backward` needs.

        Raises ``TypeError`` for a non-numeric ``x``, ``ValueError`` for a batch that is not a
        finite 2-D array of the layer's input width, ``FloatingPointError`` for a non-finite output.
        """
        y = self._forward(_check_batch(x, "x", self._widths()[0]))
        if not np.isfinite(y).all():
            raise FloatingPointError(f"{type(self).__name__}: the output is not finite; "
                                     "check the parameters for NaN, infinity or overflow")
        self._out_shape = y.shape
        return y

    def backward(self, dy, *, param_grads: bool = True) -> np.ndarray:
        """Gradient of a scalar loss with respect to the input of the last :meth:`forward`, from
        ``dy``, its gradient with respect to the output; ``param_grads`` stores those of ``params``
        in ``grads``.

        Raises ``ValueError`` before any :meth:`forward`, or for a ``dy`` of another shape than
        the last output.
        """
        if self._out_shape is None:
            raise ValueError(f"dy: expected a gradient after a forward pass of this "
                             f"{type(self).__name__}, got a backward call before any forward")
        dy = _check_batch(dy, "dy")
        if dy.shape != self._out_shape:
            raise ValueError(f"dy: expected the shape of the last output {self._out_shape}, "
                             f"got {dy.shape}")
        return self._backward(dy, param_grads)

    def _forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, dy, param_grads=True):  # pragma: no cover - abstract
        raise NotImplementedError

    def _widths(self):
        """``(n_in, n_out)`` where known, else None entries."""
        return None, None

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays (updated in place by :class:`Adam`), ``W`` before ``b``."""
        return [self.params[k] for k in sorted(self.params)]

    def gradients(self) -> list[np.ndarray]:
        """The gradients stored by the last ``backward``, in the order of ``parameters()``."""
        return [self.grads[k] for k in sorted(self.params)]

    def __call__(self, x):
        return self.forward(x)


class Dense(Layer):
    """Affine layer ``y = x W + b`` with ``W`` of shape (n_in, n_out) and ``b`` of shape (n_out,).

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths (at least 1).
    seed : None, int or numpy.random.Generator
        Source of the initial weights.
    init : {"he", "xavier"}
        ``"he"``: ``W ~ N(0, 2 / n_in)``, for layers followed by (leaky) ReLU; ``"xavier"``:
        ``W ~ U(-a, a)`` with ``a = sqrt(6 / (n_in + n_out))``, for layers followed by a sigmoid,
        tanh or nothing. Biases start at zero.
    dtype : {"float32", "float64"}

    Examples
    --------
    >>> layer = Dense(3, 2, seed=0, dtype="float64")
    >>> layer.forward(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(self, n_in: int, n_out: int, *, seed=None, init: str = "he", dtype="float32"):
        super().__init__()
        n_in = check_int(n_in, "n_in", low=1)
        n_out = check_int(n_out, "n_out", low=1)
        dt = check_dtype(dtype)
        gen = check_rng(seed)
        if init == "he":
            w = gen.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        elif init == "xavier":
            a = np.sqrt(6.0 / (n_in + n_out))
            w = gen.uniform(-a, a, size=(n_in, n_out))
        else:
            raise ValueError(f"init: expected 'he' or 'xavier', got {init!r}")
        self.params = {"W": w.astype(dt), "b": np.zeros(n_out, dtype=dt)}
        self.grads = {"W": np.zeros_like(self.params["W"]), "b": np.zeros_like(self.params["b"])}

    def _widths(self):
        return self.params["W"].shape

    def _forward(self, x):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def _backward(self, dy, param_grads=True):
        if param_grads:
            self.grads["W"] = self._x.T @ dy
            self.grads["b"] = dy.sum(axis=0)
        return dy @ self.params["W"].T


class ReLU(Layer):
    """``max(x, 0)``; its derivative is taken as 0 at ``x = 0``.

    Examples
    --------
    >>> ReLU().forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    _keeps_width = True

    def _forward(self, x):
        self._mask = x > 0
        return np.maximum(x, 0)

    def _backward(self, dy, param_grads=True):
        return dy * self._mask


class LeakyReLU(Layer):
    """``x`` for ``x > 0`` and ``slope * x`` otherwise.

    Parameters
    ----------
    slope : float
        The slope for negative inputs, ``0 <= slope < 1``.

    Examples
    --------
    >>> LeakyReLU(0.1).forward(np.array([[-1.0, 2.0]]))
    array([[-0.1,  2. ]])
    """

    _keeps_width = True

    def __init__(self, slope: float = 0.2):
        super().__init__()
        if isinstance(slope, bool) or not isinstance(slope, numbers.Real):
            raise TypeError(f"slope: expected a real number, got {type(slope).__name__}")
        if not 0 <= slope < 1:
            raise ValueError(f"slope: expected 0 <= slope < 1, got {slope!r}")
        self.slope = float(slope)

    def _forward(self, x):
        self._scale = np.where(x > 0, 1.0, self.slope).astype(x.dtype, copy=False)
        return x * self._scale

    def _backward(self, dy, param_grads=True):
        return dy * self._scale


class Sigmoid(Layer):
    """Logistic function ``1 / (1 + exp(-x))`` (SciPy's overflow-free ``expit``).

    Examples
    --------
    >>> Sigmoid().forward(np.array([[0.0, 1000.0]]))
    array([[0.5, 1. ]])
    """

    _keeps_width = True

    def _forward(self, x):
        self._y = expit(x)
        return self._y

    def _backward(self, dy, param_grads=True):
        return dy * self._y * (1 - self._y)


class Tanh(Layer):
    """Hyperbolic tangent; the backward pass reuses the output: ``1 - tanh(x)^2``.

    Examples
    --------
    >>> t = Tanh()
    >>> t.forward(np.array([[0.0]])), t.backward(np.array([[1.0]]))
    (array([[0.]]), array([[1.]]))
    """

    _keeps_width = True

    def _forward(self, x):
        self._y = np.tanh(x)
        return self._y

    def _backward(self, dy, param_grads=True):
        return dy * (1 - self._y * self._y)


class Sequential(Layer):
    """Layers applied in order; ``backward`` runs them in reverse.

    ``parameters()`` and ``gradients()`` are flat lists, layer by layer, ``W`` before ``b``.

    Parameters
    ----------
    layers : list of Layer
        The layers, first applied first; each layer's input width must match the previous
        output width.

    Examples
    --------
    >>> net = Sequential([Dense(4, 3, seed=0), ReLU(), Dense(3, 1, seed=1, init="xavier")])
    >>> net.forward(np.zeros((5, 4), dtype=np.float32)).shape, len(net.parameters())
    ((5, 1), 4)
    """

    def __init__(self, layers):
        super().__init__()
        if isinstance(layers, Layer) or not isinstance(layers, Iterable):
            raise TypeError(f"layers: expected a list of mlhw.nn layers, got "
                            f"{type(layers).__name__}")
        self.layers = list(layers)
        width = where = None     # output width of the layers so far, and the layer that set it
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}]: expected an mlhw.nn layer, got "
                                f"{type(layer).__name__}")
            n_in, n_out = layer._widths()
            if n_in is not None and width is not None and n_in != width:
                raise ValueError(f"layers[{i}]: expected a layer taking {width} inputs (the "
                                 f"output width of layers[{where}]), got {type(layer).__name__} "
                                 f"taking {n_in}")
            if not layer._keeps_width:
                width, where = n_out, i

    def _widths(self):
        sized = [layer._widths() for layer in self.layers if not layer._keeps_width]
        return (sized[0][0], sized[-1][1]) if sized else (None, None)

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        return [g for layer in self.layers for g in layer.gradients()]

    def _forward(self, x):
        for layer in self.layers:
            x = layer._forward(x)
        return x

    def _backward(self, dy, param_grads=True):
        for layer in reversed(self.layers):
            dy = layer._backward(dy, param_grads)
        return dy


def _softplus(x):
    return np.logaddexp(0, x)


def _bce_with_logits(logits, targets):
    """Unchecked :func:`bce_with_logits` for training loops."""
    losses = (_softplus(logits) - targets * logits).sum(axis=-1)
    return losses, expit(logits) - targets


def bce_with_logits(logits, targets):
    """Bernoulli negative log-likelihood from logits, per example, and its gradient.

    For logits ``l`` and targets ``t`` in [0, 1] the loss of one example is
    ``sum_d softplus(l_d) - t_d l_d`` (module notes).

    Parameters
    ----------
    logits : array_like, shape (n, d)
    targets : array_like, shape (n, d)
        Values in [0, 1].

    Returns
    -------
    losses : ndarray, shape (n,)
        The loss of each example (summed over the ``d`` outputs).
    dlogits : ndarray, shape (n, d)
        Gradient of ``losses.sum()`` with respect to ``logits``: ``sigmoid(l) - t``.

    Raises
    ------
    ValueError
        For NaN/inf, shapes that differ, or targets outside [0, 1].

    Examples
    --------
    >>> losses, grad = bce_with_logits([[0.0, 0.0]], [[1.0, 0.0]])
    >>> bool(np.isclose(losses[0], 2 * np.log(2))), grad.tolist()
    (True, [[-0.5, 0.5]])
    """
    logits = as_array(logits, "logits", ndim=2)
    targets = as_array(targets, "targets", ndim=2)
    if targets.shape != logits.shape:
        raise ValueError(f"targets: expected the shape of logits {logits.shape}, got "
                         f"{targets.shape}")
    if targets.min() < 0 or targets.max() > 1:
        raise ValueError(f"targets: expected values in [0, 1], got range "
                         f"[{targets.min()!r}, {targets.max()!r}]")
    return _bce_with_logits(logits, targets)


class Adam:
    """Adam optimiser (Kingma and Ba, 2015) updating a list of arrays in place.

    Parameters
    ----------
    params : list of ndarray
        The parameter arrays (for example ``Sequential.parameters()``); they are modified in place.
    lr : float
        Step size (positive).
    betas : tuple of float
        Decay rates of the first and second moment estimates, each in [0, 1).
    eps : float
        Added to the root of the second moment (positive).

    Examples
    --------
    >>> w = np.array([1.0, -2.0])
    >>> opt = Adam([w], lr=0.1)
    >>> opt.step([2 * w])        # gradient of ||w||^2
    >>> w.round(3).tolist()      # the first Adam step moves each entry by about lr
    [0.9, -1.9]
    """

    def __init__(self, params, *, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        if not isinstance(params, Iterable):
            raise TypeError(f"params: expected a list of numpy arrays (for example "
                            f"net.parameters()), got {type(params).__name__}")
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}]: expected a numpy array, got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(f"params[{i}]: expected a floating-point array (it is updated "
                                f"in place), got dtype {p.dtype}")
        self.lr = float(check_positive(lr, "lr", ndim=0))
        self.eps = float(check_positive(eps, "eps", ndim=0))
        b = as_array(betas, "betas", shape=(2,))
        if np.any(b < 0) or np.any(b >= 1):
            raise ValueError(f"betas: expected two values in [0, 1), got {tuple(b.tolist())}")
        self.beta1, self.beta2 = float(b[0]), float(b[1])
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, grads) -> None:
        """Apply one update with the gradients ``grads`` (same order and shapes as ``params``)."""
        if not isinstance(grads, Iterable):
            raise TypeError(f"grads: expected a list of {len(self.params)} arrays, got "
                            f"{type(grads).__name__}")
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"grads: expected {len(self.params)} arrays, got {len(grads)}")
        for i, (p, g) in enumerate(zip(self.params, grads)):  # O(1) per array
            g = grads[i] = np.asarray(g)
            if g.dtype.kind not in "biuf":
                raise TypeError(f"grads[{i}]: expected a numeric array, got dtype {g.dtype}")
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}]: expected the shape of params[{i}] {p.shape}, "
                                 f"got {g.shape}")
        self._step(grads)

    def _step(self, grads) -> None:
        """:meth:`step` on checked gradients (the training loops' own, which match ``params``)."""
        self.t += 1
        c1 = 1 - self.beta1 ** self.t
        c2 = 1 - self.beta2 ** self.t
        step = self.lr * np.sqrt(c2) / c1
        eps = self.eps * np.sqrt(c2)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)         # m <- beta1 m + (1 - beta1) g, in place
            v += (1 - self.beta2) * (g * g - v)     # v <- beta2 v + (1 - beta2) g^2
            # p <- p - lr m_hat / (sqrt(v_hat) + eps), bias corrections folded into step and eps
            upd = np.sqrt(v)
            upd += eps
            np.divide(m, upd, out=upd)
            upd *= step
            p -= upd.astype(p.dtype, copy=False)


@dataclass(frozen=True)
class GradCheckResult:
    """Outcome of :func:`gradient_check`.

    Attributes
    ----------
    max_rel_error : float
        Largest ``|a - n| / max(|a| + |n|, floor)`` over the checked entries (``a`` analytic,
        ``n`` numerical); below about ``1e-6`` in float64 means the backward pass is right.
    max_abs_error : float
    n_checked : int
    """

    max_rel_error: float
    max_abs_error: float
    n_checked: int


def gradient_check(f, x, grad, *, eps: float = 1e-5, n_entries=None, seed=0,
                   floor: float = 1e-6) -> GradCheckResult:
    """Compare an analytic gradient with central finite differences.

    Parameters
    ----------
    f : callable
        ``f()`` returns the scalar loss, reading the current contents of ``x``.
    x : ndarray of float64
        The array the gradient is taken with respect to; it is perturbed in place entry by entry
        and restored.
    grad : array_like
        The analytic gradient, same shape as ``x``.
    eps : float
        Finite-difference step (the default suits losses of order 1 to 100; module notes).
    n_entries : int, optional
        Check this many entries picked at random (all entries if None or larger than ``x``).
    seed : int or Generator
        Picks the entries.
    floor : float
        Lower bound of the relative error's denominator (module notes).

    Returns
    -------
    GradCheckResult

    Raises
    ------
    TypeError
        If ``x`` is not a float64 array (finite differences are meaningless in float32).
    ValueError
        For a ``grad`` of another shape, or a non-finite loss.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> gradient_check(lambda: float((x ** 3).sum()), x, 3 * x ** 2).max_rel_error < 1e-8
    True
    """
    if not callable(f):
        raise TypeError(f"f: expected a callable returning the loss, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x: expected a float64 numpy array, got "
                        f"{getattr(x, 'dtype', type(x).__name__)}")
    as_array(x, "x", min_rows=0)  # finite entries (x itself is perturbed in place below)
    grad = as_array(grad, "grad", shape=x.shape, min_rows=0)
    eps = float(check_positive(eps, "eps"))
    flat = x.reshape(-1)
    if not np.shares_memory(flat, x):  # pragma: no cover - only for non-contiguous input
        raise ValueError("x: expected a contiguous array that can be perturbed in place")
    idx = np.arange(flat.size)
    if n_entries is not None:
        n_entries = check_int(n_entries, "n_entries", low=1)
        if n_entries < flat.size:
            idx = check_rng(seed).choice(flat.size, size=n_entries, replace=False)
    g = grad.reshape(-1)
    num = np.empty(idx.size)
    for j, i in enumerate(idx):
        old = flat[i]
        flat[i] = old + eps
        fp = float(f())
        flat[i] = old - eps
        fm = float(f())
        flat[i] = old
        if not (np.isfinite(fp) and np.isfinite(fm)):
            raise ValueError(f"f: expected a finite loss, got {fp!r} and {fm!r} around entry {i}")
        num[j] = (fp - fm) / (2 * eps)
    diff = np.abs(g[idx] - num)
    rel = diff / np.maximum(np.abs(g[idx]) + np.abs(num), floor)
    return GradCheckResult(float(rel.max()), float(diff.max()), int(idx.size))


def check_module_gradients(module: Layer, x, *, seed=0, eps: float = 1e-5,
                           n_entries: int | None = 20) -> dict[str, float]:
    """Gradient-check a layer (or :class:`Sequential`) on input ``x``.

    The scalar loss is ``sum(forward(x) * R)`` for a fixed random ``R``, so ``backward(R)`` must
    return its gradient. Checks the input gradient and every parameter array.

    Parameters
    ----------
    module : Layer
        A float64 module.
    x : array_like, shape (n, n_in)
    seed, eps, n_entries
        As in :func:`gradient_check`; ``n_entries`` is per array.

    Returns
    -------
    dict
        ``{"input": max_rel_error, "param0": ..., ...}``.

    Examples
    --------
    >>> errs = check_module_gradients(Dense(3, 2, seed=0, dtype="float64"), np.ones((4, 3)))
    >>> max(errs.values()) < 1e-6
    True
    """
    if not isinstance(module, Layer):
        raise TypeError(f"module: expected an mlhw.nn layer, got {type(module).__name__}")
    x = np.array(as_array(x, "x", ndim=2), dtype=np.float64)
    gen = check_rng(seed)
    try:
        out = module.forward(x)
    except ValueError as exc:  # a matrix product with the wrong inner dimension
        raise ValueError(f"x: expected input columns matching the module, got shape {x.shape} "
                         f"({exc})") from None
    r = gen.standard_normal(out.shape)
    arrays = [("input", x, module.backward(r))] + [
        (f"param{i}", p, np.array(g))
        for i, (p, g) in enumerate(zip(module.parameters(), module.gradients()))]
    return {name: gradient_check(lambda: float(np.sum(module.forward(x) * r)), a, g, eps=eps,
                                 n_entries=n_entries, seed=gen).max_rel_error
            for name, a, g in arrays}


def _check_images(x, name: str, d: int | None, dt) -> np.ndarray:
    """Flattened images with values in [0, 1], as ``dt``, of ``d`` columns if given."""
    x = as_array(x, name, ndim=2, shape=None if d is None else (None, d))
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"{name}: expected values in [0, 1] (use prepare_images), got a range "
                         f"[{x.min()!r}, {x.max()!r}]")
    return x.astype(dt, copy=False)


def _mlp(n_in, n_hidden, n_out, activation, **kw):
    """The layers ``Dense -> activation -> Dense`` (the output layer Xavier-initialised)."""
    return [Dense(n_in, n_hidden, **kw), activation, Dense(n_hidden, n_out, init="xavier", **kw)]


def _training_setup(x_train, x_test, epochs, batch_size, n_samples, sample_every, lr, seed,
                    dtype):
    """The checked arguments shared by :func:`mlhw.train_vae` and :func:`mlhw.train_gan`, and five
    generators (weights, shuffling, noise, evaluation, fixed samples)."""
    dt = check_dtype(dtype)
    x_train = _check_images(x_train, "x_train", None, dt)
    if x_test is not None:
        x_test = _check_images(x_test, "x_test", x_train.shape[1], dt)
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    n_samples = check_int(n_samples, "n_samples", low=1)
    if sample_every is not None:
        sample_every = check_int(sample_every, "sample_every", low=1)
    lr = float(check_positive(lr, "lr", ndim=0))
    return (dt, x_train, x_test, epochs, batch_size, n_samples, sample_every, lr,
            check_rng(seed).spawn(5))


def _train(name, epochs, keys, run_epoch, sample, sample_every, progress, empty_shape, dt) -> dict:
    """The epoch loop of :func:`mlhw.train_vae` and :func:`mlhw.train_gan`: ``run_epoch(epoch)``
    returns that epoch's numbers (some of ``keys``) and progress line; ``sample()`` the samples.
    Returns the result's per-epoch fields as arrays (samples stacked, or empty of ``empty_shape``).
    """
    hist = {k: [] for k in (*keys, "epoch_seconds")}
    sample_epochs, samples = [], []
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        stats, line = run_epoch(epoch)
        for k, v in stats.items():
            hist[k].append(v)
        if sample_every is not None and epoch % sample_every == 0:
            sample_epochs.append(epoch)
            samples.append(sample())
        hist["epoch_seconds"].append(time.perf_counter() - t0)
        if progress:
            print(f"{name} epoch {epoch:3d}/{epochs}  {line}  ({hist['epoch_seconds'][-1]:.1f} s)",
                  flush=True)
    out = {k: np.asarray(v, dtype=float) for k, v in hist.items()}
    out["sample_epochs"] = np.asarray(sample_epochs, dtype=int)
    out["samples"] = np.stack(samples) if samples else np.empty(empty_shape, dtype=dt)
    return out


def _minibatches(n: int, batch_size: int, rng: np.random.Generator):
    """Index arrays of one shuffled pass over ``n`` items; the last batch may be smaller."""
    perm = rng.permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]
