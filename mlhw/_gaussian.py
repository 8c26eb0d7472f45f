"""Gaussian log densities and covariance checks, shared by the divergences, the estimators, the
mixtures and the samplers."""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular

from ._validation import as_array

LOG_2PI = float(np.log(2 * np.pi))


def check_cov(cov, name: str, shape=None) -> tuple[np.ndarray, np.ndarray]:
    """``(cov, chol)`` for symmetric positive definite ``(..., d, d)`` matrices: ``cov``
    symmetrised (unchanged when exactly symmetric) and its lower Cholesky factors.

    Symmetry is checked entry by entry to a relative ``1e-10``; ``shape`` may fix the shape
    (``None`` entries match any length). Raises ``ValueError`` naming ``name``.
    """
    cov = as_array(cov, name, min_rows=0, shape=shape)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2] or cov.shape[-1] == 0:
        raise ValueError(f"{name}: expected square (..., d, d) covariance matrices with d >= 1, "
                         f"got shape {cov.shape}")
    tr = np.swapaxes(cov, -1, -2)
    asym = np.abs(cov - tr)
    if np.any(asym > 1e-10 * np.maximum(np.maximum(np.abs(cov), np.abs(tr)), 1e-300)):
        raise ValueError(f"{name}: expected symmetric covariance matrices, got an asymmetry of up "
                         f"to {asym.max():.3g}")
    cov = (cov + tr) / 2
    try:
        return cov, np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError(f"{name}: expected positive definite covariance matrices, got one whose "
                         "Cholesky factorisation fails (an eigenvalue is zero or negative)") from None


def mvn_logpdf(x, mean, chol):
    """``log N(x; mean, L L^T)`` for the rows of ``x`` (``(n, d)`` gives ``(n,)``, ``(d,)`` a
    float), with ``chol`` the lower Cholesky factor ``L``."""
    diff = np.atleast_2d(x - mean)
    z = solve_triangular(chol, diff.T, lower=True)
    log_det = 2.0 * float(np.sum(np.log(np.diag(chol))))
    out = -0.5 * (len(chol) * LOG_2PI + log_det + np.sum(z * z, axis=0))
    return out if np.ndim(x) > 1 else float(out[0])
