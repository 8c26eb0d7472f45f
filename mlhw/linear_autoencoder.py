"""A linear autoencoder trained by gradient descent, and how it relates to PCA (CS181 HW4, problem 2.5).

The model codes a data point ``x`` (length ``d``) into ``h`` hidden units ``z = W_enc (x - mean)``
and decodes ``x_hat = mean + W_dec z``; there is no activation function and the loss is the mean
squared L2 reconstruction error, the same error :func:`mlhw.calc_errs` reports. Biases are
eliminated in closed form: for any weights the best output bias is the one that makes the model
act on centred data, so the data are centred once and the weights are all that is learnt.

Every minimiser satisfies ``W_dec W_enc = projection onto the top-h principal subspace`` (Baldi and
Hornik, 1989), so the decoder's columns span the same subspace as the first ``h`` principal
components, in an arbitrary basis. :func:`autoencoder_components` recovers the components
themselves from the trained weights, and :func:`principal_angles` measures how close two subspaces
are.

The full-batch loss depends on the data only through the covariance ``C = Xc^T Xc / N``::

    L(W_enc, W_dec) = tr(C) - 2 tr(W_enc C W_dec) + tr(W_dec^T W_dec W_enc C W_enc^T)

so one gradient step costs ``O(d^2 h)`` instead of ``O(N d h)``. Both forms are implemented:
:func:`autoencoder_loss` is the definition on the data (the one the tests check against finite
differences), the training loop uses the covariance form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh

from ._validation import as_array, check_choice, check_int, check_positive, check_rng
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


def _check_encoder_decoder(encoder, decoder, d):
    W1 = as_array(encoder, "encoder", ndim=2)
    W2 = as_array(decoder, "decoder", ndim=2)
    if W1.shape[1] != d:
        raise ValueError(f"encoder: expected shape (h, {d}) for data of dimension {d}, "
                         f"got {W1.shape}")
    if W2.shape != W1.shape[::-1]:
        raise ValueError(f"decoder: expected shape {W1.shape[::-1]} (the encoder's transpose), "
                         f"got {W2.shape}")
    return W1, W2


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
        For non-finite data or weights of mismatched shapes.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]])
    >>> loss, g_enc, g_dec = autoencoder_loss(x, [[1.0, 0.0]], [[1.0], [0.0]])
    >>> float(loss)  # only the second coordinate is lost: (0.25 + 0.25) / 4
    0.125
    """
    X = _flatten(x, min_rows=2)
    W1, W2 = _check_encoder_decoder(encoder, decoder, X.shape[1])
    Xc = X - X.mean(axis=0) if center else X
    N = len(Xc)
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

    Answers CS181 HW4 problem 2.5: the trained decoder spans the top ``n_hidden`` principal
    subspace. Weights start small and random (``init_scale * N(0, 1)``). With ``optimizer="gd"``
    the default step is ``0.45 / lambda_max``, where ``lambda_max`` is the largest eigenvalue of the
    covariance estimated by power iteration (the loss is quartic, and near a minimiser with
    balanced weights its curvature is a few times ``lambda_max``; steps above about
    ``0.55 / lambda_max`` diverge on MNIST). ``optimizer="adam"`` uses Adam (default ``lr=3e-3``,
    betas 0.9 and 0.999), whose step does not depend on the scale of the data.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N, h, w)
        Data (images are flattened).
    n_hidden : int
        Number of hidden units ``h``, ``1 <= h <= d``.
    n_steps : int
        Number of full-batch steps (>= 0).
    lr : float, optional
        Step size; the default depends on ``optimizer`` (see above).
    optimizer : {"gd", "adam"}
    init_scale : float
        Standard deviation of the initial weights (> 0).
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
    >>> import numpy as np
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

    W1 = init_scale * rng.normal(size=(h, d))
    W2 = init_scale * rng.normal(size=(d, h))
    losses = np.empty(n_steps + 1)
    m1, m2 = np.zeros_like(W1), np.zeros_like(W2)
    v1, v2 = np.zeros_like(W1), np.zeros_like(W2)
    b1, b2, eps = 0.9, 0.999, 1e-12
    for t in range(n_steps + 1):
        loss, g1, g2 = _loss_grad_cov(C, trC, W1, W2)
        if not np.isfinite(loss) or loss > 1e3 * max(losses[0] if t else loss, trC):
            raise RuntimeError(f"lr: training diverged at step {t} (loss {loss!r}) with "
                               f"lr = {lr:.3g}; use a smaller step size")
        losses[t] = loss
        if t == n_steps:
            break
        if optimizer == "gd":
            W1 = W1 - lr * g1
            W2 = W2 - lr * g2
        else:
            m1 = b1 * m1 + (1 - b1) * g1
            m2 = b1 * m2 + (1 - b1) * g2
            v1 = b2 * v1 + (1 - b2) * g1**2
            v2 = b2 * v2 + (1 - b2) * g2**2
            c1, c2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
            W1 = W1 - lr * (m1 / c1) / (np.sqrt(v1 / c2) + eps)
            W2 = W2 - lr * (m2 / c1) / (np.sqrt(v2 / c2) + eps)
    return LinearAutoencoderResult(encoder=W1, decoder=W2, mean=mean, loss=losses, lr=lr,
                                   optimizer=optimizer, n_steps=n_steps)


def principal_angles(A, B) -> np.ndarray:
    """Principal angles between the row spaces of ``A`` and ``B``, in radians, ascending.

    The rows are spanning vectors (the layout of ``pcomps`` in :func:`mlhw.pca`); they need not be
    orthonormal. With orthonormal bases ``Qa``, ``Qb``, the cosines of the angles are the singular
    values of ``Qa^T Qb``; small angles are taken from the sines (the singular values of
    ``Qb - Qa Qa^T Qb``), which keeps them accurate down to about 1e-15 (Bjorck and Golub, 1973).
    Equal subspaces give angles 0; a vector orthogonal to the other subspace gives pi/2.

    Parameters
    ----------
    A : array_like, shape (p, d)
    B : array_like, shape (q, d)

    Returns
    -------
    angles : ndarray, shape (min(p, q),)

    Raises
    ------
    ValueError
        For rows of different lengths, non-finite entries or linearly dependent rows.

    Examples
    --------
    >>> import numpy as np
    >>> a = principal_angles([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 1.0, 1.0]])
    >>> round(float(np.degrees(a[0])), 10)
    45.0
    """
    Qa = _orthonormal_rows(A, "A")
    Qb = _orthonormal_rows(B, "B")
    if Qa.shape[0] != Qb.shape[0]:
        raise ValueError(f"B: expected rows of length {Qa.shape[0]} (as in A), got "
                         f"{Qb.shape[0]}")
    if Qa.shape[1] < Qb.shape[1]:
        Qa, Qb = Qb, Qa
    cos = np.clip(np.linalg.svd(Qa.T @ Qb, compute_uv=False), 0.0, 1.0)  # descending
    angles = np.arccos(cos)                                               # ascending
    sin = np.linalg.svd(Qb - Qa @ (Qa.T @ Qb), compute_uv=False)          # descending
    sin = np.clip(sin[::-1], 0.0, 1.0)                                     # ascending
    small = cos**2 > 0.5
    angles[small] = np.arcsin(sin[small])
    return angles


def autoencoder_components(result: LinearAutoencoderResult, x):
    """Principal components and eigenvalues from a trained linear autoencoder.

    The decoder's columns span (approximately) the top-``h`` principal subspace, in an arbitrary
    basis. An orthonormal basis ``Q`` of that span (QR of the decoder) and the ``h x h`` matrix
    ``Q^T C Q`` (the covariance of the data in that basis, i.e. of the codes up to a change of
    basis) are diagonalised: its eigenvalues approximate the top ``h`` eigenvalues of ``C`` and
    ``Q`` times its eigenvectors the components (the Rayleigh-Ritz procedure). Signs follow the
    convention of :func:`mlhw.pca`.

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
    """
    if not isinstance(result, LinearAutoencoderResult):
        raise TypeError(f"result: expected a LinearAutoencoderResult, got "
                        f"{type(result).__name__}")
    X = _flatten(x, min_rows=2)
    if X.shape[1] != result.decoder.shape[0]:
        raise ValueError(f"x: expected data of dimension {result.decoder.shape[0]} (the "
                         f"decoder's), got {X.shape[1]}")
    Q = _orthonormal_rows(result.decoder.T, "result.decoder")    # (d, h)
    Y = (X - X.mean(axis=0)) @ Q                                  # (N, h) coordinates
    vals, vecs = eigh(Y.T @ Y / len(Y))
    return np.clip(vals[::-1], 0.0, None), _fix_signs((Q @ vecs[:, ::-1]).T)
