"""A linear autoencoder trained by gradient descent, and how it relates to PCA (CS181 HW4, problem 2.5).

Its trained decoder spans the top principal subspace (Baldi and Hornik, 1989):
:func:`autoencoder_components` recovers the principal components from the trained weights, and
:func:`principal_angles` measures how close two subspaces are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh

from ._validation import as_array, check_choice, check_int, check_positive, check_rng, check_same_dim
from .principal import _fix_signs, _flatten, _orthonormal_rows

__all__ = [
    "LinearAutoencoderResult",
    "autoencoder_components",
    "autoencoder_loss",
    "fit_linear_autoencoder",
    "principal_angles",
]


@dataclass(frozen=True)
class LinearAutoencoderResult:
    """Result of :func:`fit_linear_autoencoder`.

    Attributes
    ----------
    encoder : ndarray, shape (h, d)
        ``W_enc``: the code of ``x`` is ``encoder @ (x - mean)``.
    decoder : ndarray, shape (d, h)
        ``W_dec``: the reconstruction is ``mean + decoder @ code``.
    mean : ndarray, shape (d,)
        The data mean (the optimal output bias).
    loss : ndarray, shape (n_steps + 1,)
        Mean squared reconstruction error before training and after every step.
    lr : float
        The step size used.
    optimizer : str
        ``"gd"`` or ``"adam"``.
    n_steps : int
    """

    encoder: np.ndarray
    decoder: np.ndarray
    mean: np.ndarray
    loss: np.ndarray
    lr: float
    optimizer: str
    n_steps: int


def autoencoder_loss(x, encoder, decoder, *, center: bool = True):
    """Mean squared reconstruction error of a linear autoencoder and its gradient, from the data.

    ``L = (1/N) sum_n ||xc_n - W_dec W_enc xc_n||^2`` with ``xc_n`` the centred data.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N, h, w)
        Data (images are flattened).
    encoder : array_like, shape (h, d)
    decoder : array_like, shape (d, h)
    center : bool
        Subtract the mean of ``x`` first (the model's optimal bias); ``False`` if already centred.

    Returns
    -------
    loss : float
    grad_encoder : ndarray, shape (h, d)
        ``dL/dW_enc = -(2/N) W_dec^T R^T Xc`` with residuals ``R = Xc - Xc W_enc^T W_dec^T``.
    grad_decoder : ndarray, shape (d, h)
        ``dL/dW_dec = -(2/N) R^T Xc W_enc^T``.

    Raises
    ------
    ValueError
        For non-finite data or weights, fewer than two points, or weights whose shapes are not
        ``(h, d)`` and ``(d, h)``.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]])
    >>> loss, g_enc, g_dec = autoencoder_loss(x, [[1.0, 0.0]], [[1.0], [0.0]])
    >>> float(loss)  # only the second coordinate is lost: (0.25 + 0.25) / 4
    0.125
    """
    X = _flatten(x, min_rows=2)
    N, d = X.shape
    W1 = as_array(encoder, "encoder", ndim=2)
    W2 = as_array(decoder, "decoder", ndim=2)
    if W1.shape[1] != d:
        raise ValueError(f"encoder: expected shape (h, {d}) for data of dimension {d}, got {W1.shape}")
    if W2.shape != W1.shape[::-1]:
        raise ValueError(f"decoder: expected shape {W1.shape[::-1]} (the encoder's transpose), "
                         f"got {W2.shape}")
    Xc = X - X.mean(axis=0) if center else X
    Z = Xc @ W1.T                      # (N, h) codes
    R = Xc - Z @ W2.T                  # (N, d) residuals
    loss = float(np.sum(R**2) / N)
    grad_dec = -2.0 / N * (R.T @ Z)
    grad_enc = -2.0 / N * (W2.T @ (R.T @ Xc))
    return loss, grad_enc, grad_dec


def _loss_grad_cov(C, trC, W1, W2):
    """Loss and gradients from the covariance ``C`` (same values as :func:`autoencoder_loss`)."""
    h = W1.shape[0]
    K = C @ np.hstack([W1.T, W2])      # one (d, d) x (d, 2h) product per step
    M, CW2 = K[:, :h], K[:, h:]        # C W1^T and C W2, each (d, h)
    G = W2.T @ W2                      # (h, h)
    S = W1 @ M                         # (h, h) = W1 C W1^T
    loss = trC - 2.0 * np.sum(W1 * CW2.T) + np.sum(G * S)
    grad_dec = -2.0 * (M - W2 @ S)
    grad_enc = -2.0 * (CW2.T - G @ M.T)
    return loss, grad_enc, grad_dec


def _top_eigenvalue(C, rng, n_iter=100):
    """Largest eigenvalue of a PSD matrix by power iteration (a Lipschitz estimate for the step)."""
    v = rng.normal(size=C.shape[0])
    for _ in range(n_iter):
        w = C @ v
        nrm = np.linalg.norm(w)
        if nrm == 0:
            return 0.0
        v = w / nrm
    return float(np.linalg.norm(C @ v))


def fit_linear_autoencoder(x, n_hidden: int = 10, *, n_steps: int = 1000, lr=None,
                           optimizer: str = "gd", init_scale: float = 0.01,
                           seed=None) -> LinearAutoencoderResult:
    """Train a linear autoencoder (no activation, squared loss) by full-batch gradient descent.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N, h, w)
        Data (images are flattened).
    n_hidden : int
        Number of hidden units ``h``, ``1 <= h <= d``.
    n_steps : int
        Number of full-batch steps (>= 0).
    lr : float, optional
        Step size. Default for "gd": ``0.45 / lambda_max``, with ``lambda_max`` the largest
        eigenvalue of the covariance (by power iteration); for "adam": ``3e-3``.
    optimizer : {"gd", "adam"}
        Plain gradient descent, or Adam (betas 0.9 and 0.999), whose step does not depend on the
        scale of the data.
    init_scale : float
        Standard deviation of the small random initial weights, ``init_scale * N(0, 1)`` (> 0).
    seed : None, int or numpy.random.Generator

    Returns
    -------
    LinearAutoencoderResult

    Raises
    ------
    ValueError
        For bad arguments, or data with zero variance.
    RuntimeError
        If training diverges (the loss becomes non-finite or grows far above its initial
        value): lower ``lr``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 3)) * [3.0, 1.0, 0.1]
    >>> res = fit_linear_autoencoder(x, 1, n_steps=300, seed=0)
    >>> bool(abs(res.decoder[0, 0]) > 0.99 * np.linalg.norm(res.decoder))
    True
    """
    X = _flatten(x, min_rows=2)
    N, d = X.shape
    h = check_int(n_hidden, "n_hidden", low=1, high=d)
    n_steps = check_int(n_steps, "n_steps", low=0)
    optimizer = check_choice(optimizer, "optimizer", ("gd", "adam"))
    init_scale = float(check_positive(init_scale, "init_scale", ndim=0))
    rng = check_rng(seed)
    mean = X.mean(axis=0)
    Xc = X - mean
    C = Xc.T @ Xc / N
    trC = float(np.trace(C))
    if trC <= 0:
        raise ValueError("x: expected data with positive variance, got identical rows")
    if lr is None:
        lr = 0.45 / _top_eigenvalue(C, rng) if optimizer == "gd" else 3e-3
    lr = float(check_positive(lr, "lr", ndim=0))

    W = [init_scale * rng.normal(size=(h, d)), init_scale * rng.normal(size=(d, h))]  # enc, dec
    m, v = [np.zeros_like(w) for w in W], [np.zeros_like(w) for w in W]  # Adam's moments
    losses = np.empty(n_steps + 1)
    b1, b2, eps = 0.9, 0.999, 1e-12
    for t in range(n_steps + 1):
        loss, *g = _loss_grad_cov(C, trC, *W)
        if not np.isfinite(loss) or loss > 1e3 * max(losses[0] if t else loss, trC):
            raise RuntimeError(f"lr: training diverged at step {t} (loss {loss!r}) with "
                               f"lr = {lr:.3g}; use a smaller step size")
        losses[t] = loss
        if t == n_steps:
            break
        c1, c2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
        for i in (0, 1):
            if optimizer == "gd":
                W[i] = W[i] - lr * g[i]
            else:
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                W[i] = W[i] - lr * (m[i] / c1) / (np.sqrt(v[i] / c2) + eps)
    return LinearAutoencoderResult(encoder=W[0], decoder=W[1], mean=mean, loss=losses, lr=lr,
                                   optimizer=optimizer, n_steps=n_steps)


def principal_angles(A, B) -> np.ndarray:
    """Principal angles between the row spaces of ``A`` and ``B``, in radians, ascending.

    Equal subspaces give angles 0; a vector orthogonal to the other subspace gives pi/2.

    Parameters
    ----------
    A, B : array_like, shapes (p, d) and (q, d)
        Spanning vectors of the two subspaces as rows (the layout of ``pcomps`` in
        :func:`mlhw.pca`); they need not be orthonormal.

    Returns
    -------
    angles : ndarray, shape (min(p, q),)

    Raises
    ------
    ValueError
        For rows of different lengths, non-finite entries or linearly dependent rows.

    Examples
    --------
    >>> a = principal_angles([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 1.0, 1.0]])
    >>> round(float(np.degrees(a[0])), 10)
    45.0
    """
    Qa = _orthonormal_rows(A, "A")
    Qb = _orthonormal_rows(B, "B")
    check_same_dim(Qb.shape[0], Qa.shape[0], "B", "(as in A)", "rows of length")
    if Qa.shape[1] < Qb.shape[1]:
        Qa, Qb = Qb, Qa
    cos = np.clip(np.linalg.svd(Qa.T @ Qb, compute_uv=False), 0.0, 1.0)  # descending
    angles = np.arccos(cos)                                               # ascending
    sin = np.clip(np.linalg.svd(Qb - Qa @ (Qa.T @ Qb), compute_uv=False)[::-1], 0.0, 1.0)
    small = cos**2 > 0.5
    angles[small] = np.arcsin(sin[small])
    return angles


def autoencoder_components(result: LinearAutoencoderResult, x):
    """Principal components and eigenvalues from a trained linear autoencoder.

    The Rayleigh-Ritz procedure on the decoder's span (module notes); signs as in :func:`mlhw.pca`.

    Parameters
    ----------
    result : LinearAutoencoderResult
    x : array_like, shape (N, d) or (N, h, w)
        The data (its covariance orders the directions inside the learnt subspace).

    Returns
    -------
    eigvals : ndarray, shape (h,)
        Descending.
    pcomps : ndarray, shape (h, d)
        Orthonormal rows.

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`LinearAutoencoderResult`.
    ValueError
        If the data's dimension differs from the decoder's, or the decoder is rank-deficient.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(200, 3)) * [3.0, 1.0, 0.1]
    >>> vals, comps = autoencoder_components(fit_linear_autoencoder(x, 2, n_steps=500, seed=0), x)
    >>> np.round(vals, 3)                  # the top two eigenvalues, as mlhw.pca(x, 2) gives them
    array([9.249, 0.997])
    >>> np.abs(comps).round(2)             # the first two coordinate axes, up to sign
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    if not isinstance(result, LinearAutoencoderResult):
        raise TypeError(f"result: expected a LinearAutoencoderResult, got "
                        f"{type(result).__name__}")
    X = _flatten(x, min_rows=2)
    check_same_dim(X.shape[1], result.decoder.shape[0], "x", "(the decoder's)", "data of dimension")
    Q = _orthonormal_rows(result.decoder.T, "result.decoder")    # (d, h)
    Y = (X - X.mean(axis=0)) @ Q                                  # (N, h) coordinates
    vals, vecs = eigh(Y.T @ Y / len(Y))
    return np.clip(vals[::-1], 0.0, None), _fix_signs((Q @ vecs[:, ::-1]).T)
