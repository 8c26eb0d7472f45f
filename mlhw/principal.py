"""Principal component analysis, with the names of the CS181 HW4 skeleton: :func:`pca` (the top
eigenpairs of the empirical covariance), :func:`calc_cfvs` and :func:`calc_errs`."""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh

from ._validation import as_array, check_int

__all__ = ["calc_cfvs", "calc_errs", "pca"]


def _flatten(x, name="x", min_rows=1) -> np.ndarray:
    """``x`` checked as data points, shape (N, d); images (N, h, w) are flattened to rows."""
    arr = as_array(x, name, ndim=(2, 3), min_rows=min_rows)
    return arr.reshape(len(arr), -1) if arr.ndim == 3 else arr


def _orthonormal_rows(A, name, d=None):
    """An orthonormal basis (columns, shape (d, m)) of the span of the rows of ``A``, which must
    have length ``d`` and be linearly independent (else ``ValueError`` naming ``name``)."""
    A = np.atleast_2d(as_array(A, name, ndim=(1, 2)))
    if d is not None and A.shape[1] != d:
        raise ValueError(f"{name}: expected rows of length d = {d}, got shape {A.shape}")
    q, r = np.linalg.qr(A.T)
    diag = np.abs(np.diag(r))
    if diag.size == 0 or diag.min() < 1e-10 * max(1.0, np.abs(r).max()):
        raise ValueError(f"{name}: expected linearly independent rows, got a rank-deficient "
                         f"matrix of shape {A.shape}")
    return q


def pca(x, n_comps: int = 500, *, ddof: int = 0):
    """Top principal components of the data ``x``.

    The eigenpairs of the covariance ``Xc^T Xc / (N - ddof)`` of the centred data ``Xc``, each
    component's entry of largest magnitude made positive.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N, h, w)
        Data; images are flattened.
    n_comps : int
        Number of components, ``1 <= n_comps <= min(N - ddof, d)``.
    ddof : int
        Delta degrees of freedom of the covariance: 0, the maximum likelihood estimate used by
        CS181; 1, the unbiased one used by NumPy's ``cov`` and by the NTU HW3 solution.

    Returns
    -------
    eigvals : ndarray, shape (n_comps,)
        Eigenvalues in descending order.
    pcomps : ndarray, shape (n_comps, d)
        Orthonormal principal components as rows.

    Raises
    ------
    ValueError
        For non-finite data, fewer than two points, or ``n_comps`` out of range.
    FloatingPointError
        If the scatter of the data overflows float64 (values beyond about ``1e154``).

    Examples
    --------
    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    >>> vals, comps = pca(x, 2)
    >>> vals
    array([1.  , 0.25])
    >>> np.abs(comps)          # each component's sign is arbitrary
    array([[1., 0.],
           [0., 1.]])
    """
    X = _flatten(x)
    N, d = X.shape
    ddof = check_int(ddof, "ddof", low=0, high=1)
    if N < 2:
        raise ValueError(f"x: expected at least 2 data points for a covariance, got {N}")
    n_comps = check_int(n_comps, "n_comps", low=1, high=min(N - ddof, d))
    return _pca(X, n_comps, ddof)


def _pca(X, n_comps, ddof=0):
    """The computation of :func:`pca` on checked data ``X`` of shape (N, d)."""
    N, d = X.shape
    Xc = X - X.mean(axis=0)
    if not np.isfinite(np.einsum("ij,ij->", Xc, Xc)):  # the total scatter bounds every entry
        raise FloatingPointError("pca: the scatter of x overflows float64 (values beyond about "
                                 "1e154); rescale x")
    if d <= N:
        cov = Xc.T @ Xc
        vals, vecs = eigh(cov, subset_by_index=(d - n_comps, d - 1), driver="evr")
        vals, comps = vals[::-1], vecs[:, ::-1].T
    else:  # more features than points: the thin SVD costs O(N^2 d)
        _, s, vt = np.linalg.svd(Xc, full_matrices=False)
        vals, comps = s[:n_comps] ** 2, vt[:n_comps]
    return np.clip(vals, 0.0, None) / (N - ddof), _fix_signs(comps)


def _fix_signs(comps):
    """Flip each row so that its entry of largest magnitude is positive."""
    signs = np.sign(comps[np.arange(len(comps)), np.argmax(np.abs(comps), axis=1)])
    signs[signs == 0] = 1.0
    return comps * signs[:, None]


def calc_cfvs(eigvals) -> np.ndarray:
    """Cumulative fraction of variance explained by the first 1, 2, ... eigenvalues.

    Divides by the sum of all the eigenvalues passed in (CS181 HW4 passes the top 500).

    Parameters
    ----------
    eigvals : array_like, shape (m,)
        Non-negative eigenvalues (as :func:`pca` returns them, descending).

    Returns
    -------
    ndarray, shape (m,)
        Entry ``i`` is ``sum(eigvals[:i + 1]) / sum(eigvals)``; the last is 1.

    Raises
    ------
    ValueError
        For negative or non-finite eigenvalues or an all-zero spectrum.

    Examples
    --------
    >>> calc_cfvs([3.0, 1.0])
    array([0.75, 1.  ])
    """
    ev = as_array(eigvals, "eigvals", ndim=1)
    if np.any(ev < 0):
        raise ValueError(f"eigvals: expected non-negative eigenvalues, got minimum {ev.min()!r}")
    top = ev.max() if ev.size else 0.0
    if top <= 0:
        raise ValueError("eigvals: expected a positive total variance, got 0")
    scaled = ev / top  # in [0, 1], so the sums cannot overflow even for eigenvalues near 1e308
    return np.cumsum(scaled) / scaled.sum()


def calc_errs(x, pcomps):
    """Mean squared L2 reconstruction errors.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N, h, w)
    pcomps : array_like, shape (m, d)
        Components (rows), not necessarily orthonormal: the projection is onto their span.

    Returns
    -------
    err_mean : float
        ``mean_n ||x_n - mean||^2``: reconstruction by the mean only.
    err_pcomp : float
        ``mean_n ||x_n - mean - P(x_n - mean)||^2`` with ``P`` the projection onto the span.

    Raises
    ------
    ValueError
        For non-finite data, or components of another length than ``d`` or linearly dependent.
    FloatingPointError
        If an error is beyond the range of float64 (data spread beyond about ``1e154``).

    Examples
    --------
    >>> calc_errs([[0.0, 0.0], [2.0, 1.0], [4.0, 2.0], [2.0, 3.0]], [[2.0, 1.0]])
    (3.25, 0.6)
    """
    X = _flatten(x)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught just below
        Xc = X - X.mean(axis=0)
    q = _orthonormal_rows(pcomps, "pcomps", X.shape[1])
    scale = float(np.abs(Xc).max()) if Xc.size else 0.0
    if not np.isfinite(scale):
        raise FloatingPointError("calc_errs: centring x overflows float64 (values beyond about "
                                 "1e308); rescale the data")
    if scale == 0.0:
        return 0.0, 0.0
    Z = Xc / scale                   # squares of entries in [-1, 1] cannot overflow
    resid = Z - (Z @ q) @ q.T        # the residual itself, not |x|^2 - |Px|^2, which cancels
    with np.errstate(over="ignore"):
        err_mean = float(np.float64(scale) ** 2 * np.mean(np.sum(Z**2, axis=1)))
        err_pcomp = float(np.float64(scale) ** 2 * np.mean(np.sum(resid**2, axis=1)))
    if not (np.isfinite(err_mean) and np.isfinite(err_pcomp)):
        raise FloatingPointError("calc_errs: the mean squared error overflows float64 (data "
                                 f"spread about {scale:.3g}); rescale the data")
    return err_mean, err_pcomp
