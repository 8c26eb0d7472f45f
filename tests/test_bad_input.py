"""Bad input gets a clear error: one table of bad calls to every public function of ``mlhw``.

Each row of ``CASES`` is a call that a user could plausibly make by mistake (NaN or infinity in
the data, an empty array, the wrong number of dimensions or mismatched shapes, ``k`` out of
range, a non-positive variance or shape, weights that are not probabilities, a weight matrix that
is not symmetric, a disconnected graph, an unknown method name, a bad seed, ...). The call must
raise exactly ``ValueError`` (or ``TypeError`` for a wrong type) with a message that names the
argument, says what was expected and shows what was given.

:func:`test_every_public_function_is_in_the_table` keeps the table complete: a new public function
of :mod:`mlhw` fails it until it has a row here (or a commented exemption).
"""

from __future__ import annotations

import inspect
import re
import tempfile
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np
import pytest

import mlhw
from mlhw import (datasets, em, estimators, fairness, first_order_em, gamma_mixture,
                  gmm_classifier, hac, linear_autoencoder, metrics, mixtures, nn,
                  regression_mixture, semi_supervised, synthetic)
from mlhw import plotting, widgets
from mlhw.first_order_em import Trajectory
from mlhw.mixtures import GMMParams
from mlhw.regression_mixture import RegressionMixtureParams

from mlhw import lloyd

NAN, INF = np.nan, np.inf


class Case(NamedTuple):
    func: Callable
    args: tuple
    kwargs: dict
    exc: type
    arg: str    # the argument the message must name
    what: str   # a few words for the test id


def bad(func, arg, what, /, *args, exc=ValueError, **kwargs) -> Case:
    """A row of the table: ``func(*args, **kwargs)`` raises ``exc`` naming ``arg``."""
    return Case(func, args, kwargs, exc, arg, what)


def with_nan(a, index=(0, 0), value=NAN):
    out = np.array(a, dtype=float)
    out[index] = value
    return out


# ----------------------------------------------------------------------------------------------
# small valid inputs; every bad input below changes one thing about them

X = np.array([[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [5.0, 5.0], [5.1, 5.2], [5.2, 4.9]])  # (6, 2)
X_NAN = with_nan(X, (1, 0))
X_INF = with_nan(X, (2, 1), INF)
X_EMPTY = np.empty((0, 2))
X_1D = X[:, 0].copy()
X_4D = X[None, None]
LABELS = np.array([0, 0, 0, 1, 1, 1])
GROUPS = np.array([0, 1, 0, 1, 0, 1])
RESP = np.eye(2)[LABELS]                                    # (6, 2) one-hot responsibilities
X_POS = np.array([0.5, 1.0, 1.5, 2.0, 4.0, 6.0, 8.0, 10.0])  # positive data, Gamma mixture
Q_POS = np.full((8, 2), 0.5)
Y_REG = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
X_REG = np.column_stack([np.ones(6), np.arange(6.0)])        # intercept and one slope

P_DIAG = GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [5.0, 5.0]]), np.ones((2, 2)))
P_FULL = GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [5.0, 5.0]]),
                   np.stack([np.eye(2), np.eye(2)]))
DIAG_ARGS = (P_DIAG.weights, P_DIAG.means, P_DIAG.covariances)
P_BAD_VAR = GMMParams(P_DIAG.weights, P_DIAG.means, np.array([[1.0, -1.0], [1.0, 1.0]]))
INIT_DIAG = {"weights": [0.5, 0.5], "means": [[0.0, 0.0], [5.0, 5.0]],
             "covariances": [[1.0, 1.0], [1.0, 1.0]]}
INIT_FULL = {"weights": [0.5, 0.5], "means": [[0.0, 0.0], [5.0, 5.0]],
             "covariances": [np.eye(2), np.eye(2)]}


def replace(d, **changes):
    return {**d, **changes}


REG_P = RegressionMixtureParams(np.array([0.5, 0.5]), np.array([[0.0, 1.0], [1.0, 0.0]]),
                                np.array([1.0, 1.0]))
Y_SEMI = np.array([0, -1, -1, 1, -1, -1])

# graphs: a path 0-1-2-3, and the ways a weight matrix goes wrong
W = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
W_ASYM = W.copy()
W_ASYM[0, 1] = 2.0
W_NEG = W.copy()
W_NEG[0, 1] = W_NEG[1, 0] = -1.0
W_DISC = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
W_ISOLATED = W_DISC.copy()
W_ISOLATED[2, 3] = W_ISOLATED[3, 2] = 0.0
W_NAN = with_nan(W, (0, 1))

IMAGES = np.linspace(0.0, 1.0, 4 * 6).reshape(4, 6)   # (4, 6) floats in [0, 1]
DENSE = nn.Dense(3, 2, seed=np.random.default_rng(0))
RAN = [nn.Dense(3, 2, seed=0), nn.ReLU(), nn.Sigmoid()]   # layers after a forward pass of 4 rows
for _layer in RAN:
    _layer.forward(np.ones((4, 3 if isinstance(_layer, nn.Dense) else 2)))
MISSING = str(Path(tempfile.gettempdir()) / "mlhw-no-such-folder" / "nothing-here")
LGM = estimators.LinearGaussianModel(A=[[1.0], [0.5]], b=[0.0, 0.0], noise_cov=np.eye(2))
STUDENTS = fairness.toy_students()
TRAJ = Trajectory("em", np.zeros((3, 5)), np.array([-3.0, -2.0, -1.0]), None)
PNG = plotting.grayscale_png(np.zeros((2, 2)))


def f_vec(z):
    return z**2


def f_nan(z):
    return np.full_like(z, NAN)


def f_scalar_shape(z):
    return np.zeros(3)


def log_joint_1d(data, params):
    return np.zeros(len(data))


def m_step_id(data, resp, params):
    return params


# a fitted classifier and an autoencoder result, for the functions that take one
CLASSIFIER = gmm_classifier.fit_gmm_classifier(np.vstack([X, X + 0.05]),
                                               np.tile(LABELS, 2), k=1, seed=0)
AE = linear_autoencoder.fit_linear_autoencoder(X, 1, n_steps=2, seed=0)
CLASSIFIER_PCA = gmm_classifier.fit_gmm_classifier(np.vstack([X, X + 0.05]),
                                                   np.tile(LABELS, 2), k=1, n_pca=1, seed=0)
SWEEP = gmm_classifier.gmm_k_sweep(X, [1, 2], seed=0)

# small models and optimisers for their methods (every bad call below fails before it changes
# anything, so the rows do not depend on each other)
VAE_M = mlhw.VAE(6, n_hidden=5, n_latent=2, seed=0, dtype="float64")
GAN_M = mlhw.GAN(6, n_noise=2, n_hidden=4, seed=0, dtype="float64")
ADAM = nn.Adam([np.zeros(2), np.zeros((2, 2))])
SEQ_RAN = nn.Sequential([nn.Dense(3, 2, seed=0), nn.Tanh()])   # after a forward pass of 4 rows
SEQ_RAN.forward(np.ones((4, 3)))

# ----------------------------------------------------------------------------------------------
# the table

CASES = [
    # -- coins ----------------------------------------------------------------------------------
    bad(mlhw.coin_counts, "sequence", "empty", ""),
    bad(mlhw.coin_counts, "sequence", "not 0/1", "0120"),
    bad(mlhw.coin_counts, "sequence", "not a string", 101),
    bad(mlhw.coins_log_likelihood, "n_odd", "negative count", 0.5, -1, 0, 5, 2),
    bad(mlhw.coins_log_likelihood, "heads_odd", "heads > flips", 0.5, 3, 4, 5, 2),
    bad(mlhw.coins_log_likelihood, "n_odd", "float count", 0.5, 2.5, 1, 5, 2, exc=TypeError),
    bad(mlhw.coins_log_likelihood, "n_odd", "no flips", 0.5, 0, 0, 0, 0),
    bad(mlhw.coins_log_likelihood, "theta", "theta > 1", 1.5, 5, 2, 5, 4),
    bad(mlhw.coins_log_likelihood, "theta", "theta NaN", NAN, 5, 2, 5, 4),
    bad(mlhw.two_coins_em, "theta0", "theta0 = 0", 5, 2, 5, 4, 0.0),
    bad(mlhw.two_coins_em, "theta0", "theta0 NaN", 5, 2, 5, 4, NAN),
    bad(mlhw.two_coins_em, "theta0", "theta0 a string", 5, 2, 5, 4, "half", exc=TypeError),
    bad(mlhw.two_coins_em, "heads_even", "heads > flips", 5, 2, 5, 6),
    bad(mlhw.two_coins_em, "max_iter", "max_iter 0", 5, 2, 5, 4, max_iter=0),
    bad(mlhw.two_coins_em, "tol", "negative tol", 5, 2, 5, 4, tol=-1.0),

    # -- datasets -------------------------------------------------------------------------------
    bad(mlhw.load_mnist, "split", "unknown split", "validation"),
    bad(mlhw.load_mnist, "n", "n = 0", "test", 0),
    bad(mlhw.load_mnist, "n", "n too large", "test", 10_001),
    bad(mlhw.load_mnist, "n", "float n", "test", 2.5, exc=TypeError),
    bad(mlhw.load_mnist, "folder", "missing folder", "test", folder=MISSING),
    bad(mlhw.download_mnist, "dest", "dest None", None, exc=TypeError),
    bad(mlhw.download_mnist, "base_url", "base_url not a string", MISSING, base_url=3,
        exc=TypeError),
    bad(mlhw.download_mnist, "base_url", "unknown scheme", MISSING, base_url="ftp://x/mnist/"),
    bad(mlhw.download_mnist, "timeout", "timeout 0", MISSING, timeout=0.0),
    bad(mlhw.download_mnist, "timeout", "timeout NaN", MISSING, timeout=NAN),
    # a missing or damaged file is named by its path (the value of the argument)
    bad(datasets.verify_file, "nothing-here", "missing file", MISSING, "0" * 64),
    bad(datasets.verify_file, "algo", "unknown hash", datasets.mnist_dir()
        / "t10k-labels-idx1-ubyte.gz", "0" * 64, algo="crc1"),
    bad(datasets.verify_file, "expected", "digest not a string", datasets.mnist_dir()
        / "t10k-labels-idx1-ubyte.gz", 5, exc=TypeError),
    bad(datasets.read_idx, "nothing-here", "missing file", MISSING),
    bad(datasets.read_idx, "x.idx", "not an IDX header", "x.idx", b"\x01\x02\x08\x01"),
    bad(datasets.read_idx, "x.idx", "truncated data", "x.idx",
        b"\x00\x00\x08\x01\x00\x00\x00\x05ab"),
    bad(datasets.read_idx, "raw", "not bytes", "x.idx", "0000", exc=TypeError),

    # -- divergences ----------------------------------------------------------------------------
    bad(mlhw.kl_diag_gaussians, "mu1", "NaN mean", [NAN, 0.0], [1.0, 1.0], [0.0, 0.0],
        [1.0, 1.0]),
    bad(mlhw.kl_diag_gaussians, "var1", "zero variance", [0.0], [0.0], [0.0], [1.0]),
    bad(mlhw.kl_diag_gaussians, "var2", "negative variance", [0.0], [1.0], [0.0], [-1.0]),
    bad(mlhw.kl_diag_gaussians, "var2", "infinite variance", [0.0], [1.0], [0.0], [INF]),
    bad(mlhw.kl_diag_gaussians, "mu1", "shapes do not broadcast", [0.0, 0.0], [1.0, 1.0, 1.0],
        [0.0], [1.0]),
    bad(mlhw.kl_diag_gaussians, "mu1", "empty", [], [1.0], [0.0], [1.0]),
    bad(mlhw.kl_diag_gaussians, "mu2", "not numeric", [0.0], [1.0], ["a"], [1.0], exc=TypeError),
    bad(mlhw.kl_gaussians, "cov1", "not symmetric", [0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]],
        [0.0, 0.0], np.eye(2)),
    bad(mlhw.kl_gaussians, "cov2", "not positive definite", [0.0, 0.0], np.eye(2), [0.0, 0.0],
        [[1.0, 2.0], [2.0, 1.0]]),
    bad(mlhw.kl_gaussians, "mu2", "dimension mismatch", [0.0, 0.0], np.eye(2), [0.0, 0.0, 0.0],
        np.eye(2)),
    bad(mlhw.kl_gaussians, "cov1", "not square", [0.0, 0.0], [1.0, 1.0], [0.0, 0.0], np.eye(2)),
    bad(mlhw.kl_gaussians, "cov1", "infinite entry", [0.0, 0.0], with_nan(np.eye(2), (0, 0), INF),
        [0.0, 0.0], np.eye(2)),
    bad(mlhw.kl_monte_carlo, "n_samples", "one sample", [0.0], [1.0], [0.0], [1.0], n_samples=1),
    bad(mlhw.kl_monte_carlo, "seed", "negative seed", [0.0], [1.0], [0.0], [1.0], seed=-1),
    bad(mlhw.kl_monte_carlo, "seed", "string seed", [0.0], [1.0], [0.0], [1.0], seed="zero",
        exc=TypeError),
    bad(mlhw.kl_monte_carlo, "cov1", "negative variance", [0.0], [-1.0], [0.0], [1.0]),
    bad(mlhw.kl_monte_carlo, "mu1", "2-D mean", [[0.0]], [1.0], [0.0], [1.0]),
    bad(mlhw.kl_monte_carlo, "mu2", "dimension mismatch", [0.0], [1.0], [0.0, 1.0], [1.0]),

    # -- the EM driver ----------------------------------------------------------------------------
    bad(em.e_step, "log_joint", "log_joint not (N, K)", X, None, log_joint_1d),
    bad(em.run, "max_iter", "max_iter 0", X, P_DIAG, log_joint_1d, m_step_id, max_iter=0),
    bad(em.run, "n_init", "n_init 0", X, P_DIAG, log_joint_1d, m_step_id, n_init=0),
    bad(em.run, "tol", "NaN tol", X, P_DIAG, log_joint_1d, m_step_id, tol=NAN),
    bad(em.run, "seed", "negative seed", X, P_DIAG, log_joint_1d, m_step_id, seed=-3),

    # -- estimators -----------------------------------------------------------------------------
    bad(mlhw.score_function_gradient, "sigma", "sigma 0", f_vec, 0.0, 0.0, 10),
    bad(mlhw.score_function_gradient, "mu", "mu NaN", f_vec, NAN, 1.0, 10),
    bad(mlhw.score_function_gradient, "n_samples", "no samples", f_vec, 0.0, 1.0, 0),
    bad(mlhw.score_function_gradient, "n_repeats", "no repeats", f_vec, 0.0, 1.0, 10, n_repeats=0),
    bad(mlhw.score_function_gradient, "f", "not callable", 3.0, 0.0, 1.0, 10, exc=TypeError),
    bad(mlhw.score_function_gradient, "f", "f returns NaN", f_nan, 0.0, 1.0, 10),
    bad(mlhw.score_function_gradient, "baseline", "baseline NaN", f_vec, 0.0, 1.0, 10,
        baseline=NAN),
    bad(mlhw.score_function_gradient, "seed", "bad seed", f_vec, 0.0, 1.0, 10, seed=1.5,
        exc=TypeError),
    bad(mlhw.reparameterization_gradient, "df", "wrong output shape", f_scalar_shape, 0.0, 1.0, 10),
    bad(mlhw.reparameterization_gradient, "sigma", "negative sigma", f_vec, 0.0, -1.0, 10),
    bad(mlhw.reparameterization_gradient, "sigma", "sigma a vector", f_vec, 0.0, [1.0, 2.0], 10),
    bad(mlhw.gaussian_expectation, "n_nodes", "no nodes", lambda z, e: z, 0.0, 1.0, n_nodes=0),
    bad(mlhw.gaussian_expectation, "n_nodes", "too many nodes", lambda z, e: z, 0.0, 1.0,
        n_nodes=151),
    bad(mlhw.gaussian_expectation, "h", "not callable", None, 0.0, 1.0, exc=TypeError),
    bad(mlhw.gaussian_expectation, "sigma", "sigma inf", lambda z, e: z, 0.0, INF),
    bad(mlhw.gaussian_gradient_quadrature, "f", "not callable", "f", 0.0, 1.0, exc=TypeError),
    bad(mlhw.gaussian_gradient_quadrature, "sigma", "sigma 0", f_vec, 0.0, 0.0),
    bad(mlhw.single_sample_variances, "df", "not callable", f_vec, None, 0.0, 1.0, exc=TypeError),
    bad(mlhw.single_sample_variances, "baseline", "baseline inf", f_vec, f_vec, 0.0, 1.0,
        baseline=INF),
    bad(mlhw.elbo_decomposition, "model", "not a model", None, [0.0, 0.0], [0.0], [[1.0]],
        exc=TypeError),
    bad(mlhw.elbo_decomposition, "x", "wrong dimension", LGM, [0.0], [0.0], [[1.0]]),
    bad(mlhw.elbo_decomposition, "q_cov", "not positive definite", LGM, [0.0, 0.0], [0.0],
        [[-1.0]]),
    bad(mlhw.elbo_decomposition, "q_mean", "NaN mean", LGM, [0.0, 0.0], [NAN], [[1.0]]),
    bad(mlhw.LinearGaussianModel, "A", "A 1-D", [1.0, 2.0], [0.0, 0.0], np.eye(2)),
    bad(mlhw.LinearGaussianModel, "b", "b wrong shape", [[1.0], [0.5]], [0.0], np.eye(2)),
    bad(mlhw.LinearGaussianModel, "noise_cov", "not symmetric", [[1.0], [0.5]], [0.0, 0.0],
        [[1.0, 0.5], [0.0, 1.0]]),
    bad(LGM.log_joint, "z", "z of the wrong width", [0.0, 0.0], np.zeros((3, 2))),
    bad(LGM.log_joint, "z", "3-D z", [0.0, 0.0], np.zeros((2, 3, 1))),
    bad(LGM.log_joint, "z", "NaN in z", [0.0, 0.0], [[NAN]]),
    bad(LGM.log_joint, "x", "x of the wrong length", [0.0], [[0.0]]),
    bad(LGM.grad_log_joint, "z", "z of the wrong width", [0.0, 0.0], np.zeros((3, 2))),
    bad(LGM.grad_log_joint, "x", "NaN in x", [NAN, 0.0], [[0.0]]),
    bad(LGM.log_evidence, "x", "x of the wrong length", [0.0, 0.0, 0.0]),
    bad(LGM.log_evidence, "x", "2-D x", [[0.0, 0.0]]),
    bad(LGM.log_evidence, "x", "inf in x", [INF, 0.0]),
    bad(LGM.posterior, "x", "x of the wrong length", [0.0]),
    bad(LGM.posterior, "x", "NaN in x", [0.0, NAN]),
    bad(LGM.elbo, "q_cov", "not positive definite", [0.0, 0.0], [0.0], [[-1.0]]),
    bad(LGM.elbo, "q_mean", "q_mean of the wrong length", [0.0, 0.0], [0.0, 0.0], [[1.0]]),
    bad(LGM.elbo, "x", "x of the wrong length", [0.0], [0.0], [[1.0]]),
    bad(LGM.elbo_monte_carlo, "n_samples", "one sample", [0.0, 0.0], [0.0], [[1.0]], 1),
    bad(LGM.elbo_monte_carlo, "n_samples", "float n_samples", [0.0, 0.0], [0.0], [[1.0]], 10.0,
        exc=TypeError),
    bad(LGM.elbo_monte_carlo, "seed", "string seed", [0.0, 0.0], [0.0], [[1.0]], 10, seed="s",
        exc=TypeError),
    bad(LGM.elbo_monte_carlo, "x", "x of the wrong length", [0.0], [0.0], [[1.0]], 10),
    bad(LGM.elbo_monte_carlo, "q_cov", "zero variance", [0.0, 0.0], [0.0], [[0.0]], 10),

    # -- fairness -------------------------------------------------------------------------------
    bad(fairness.balance, "labels", "2-D labels", LABELS[None], GROUPS),
    bad(fairness.balance, "labels", "non-integer labels", LABELS + 0.5, GROUPS),
    bad(fairness.balance, "labels", "empty", [], []),
    bad(fairness.balance, "labels", "string labels", LABELS.astype(str), GROUPS, exc=TypeError),
    bad(fairness.balance, "groups", "wrong length", LABELS, GROUPS[:4]),
    bad(fairness.balance, "groups", "a single group", LABELS, np.zeros(6)),
    bad(fairness.balance, "groups", "NaN group", LABELS, with_nan(GROUPS, 0)),
    bad(fairness.representation, "lower", "negative bound", LABELS, GROUPS, lower=-0.1),
    bad(fairness.representation, "upper", "bound above 1", LABELS, GROUPS, upper=1.5),
    bad(fairness.representation, "lower", "lower > upper", LABELS, GROUPS, lower=0.6, upper=0.4),
    bad(fairness.representation, "lower", "wrong number of bounds", LABELS, GROUPS,
        lower=[0.1, 0.1, 0.1]),
    bad(fairness.lipschitz_fairness, "X", "NaN in X", X_NAN, LABELS),
    bad(fairness.lipschitz_fairness, "lipschitz", "negative constant", X, LABELS, lipschitz=-1.0),
    bad(fairness.lipschitz_fairness, "metric", "unknown metric", X, LABELS, metric="cosine"),
    bad(fairness.lipschitz_fairness, "outcomes", "wrong length", X, LABELS[:3]),
    bad(fairness.lipschitz_fairness, "outcomes", "rows not probabilities", X, np.ones((6, 2))),
    bad(fairness.average_distance_fairness, "labels", "wrong length", X, LABELS[:5]),
    bad(fairness.average_distance_fairness, "metric", "unknown metric", X, LABELS, metric="l3"),
    bad(fairness.average_distance_fairness, "X", "3-D X", X[None], LABELS),
    bad(fairness.service_fairness, "centers", "dimension mismatch", X, np.zeros((2, 3))),
    bad(fairness.service_fairness, "labels", "index out of range", X, X[:2], LABELS + 1),
    bad(fairness.service_fairness, "centers", "more centres than points", X, np.zeros((7, 2))),
    bad(fairness.service_fairness, "metric", "unknown metric", X, X[:2], metric="hamming"),
    bad(fairness.service_fairness, "X", "inf in X", X_INF, X[:2]),
    bad(fairness.partitions, "n", "n = 0", 0, 1),
    bad(fairness.partitions, "k", "k = 0", 4, 0),
    bad(fairness.partitions, "k", "k > n", 3, 4),
    bad(fairness.partitions, "n", "too many partitions", 30, 5),
    bad(fairness.partitions, "n", "float n", 2.5, 1, exc=TypeError),
    bad(fairness.fair_clustering, "groups", "wrong length", X, GROUPS[:5], 2),
    bad(fairness.fair_clustering, "k", "k = 0", X, GROUPS, 0),
    bad(fairness.fair_clustering, "k", "k > n", X, GROUPS, 7),
    bad(fairness.fair_clustering, "min_share", "share > 1", X, GROUPS, 2, min_share=1.5),
    bad(fairness.fair_clustering, "min_share", "infeasible share", X, GROUPS, 2, min_share=0.9),
    bad(fairness.fair_clustering, "protected", "absent group", X, GROUPS, 2, protected=7),
    bad(fairness.fair_clustering, "cost", "unknown cost", X, GROUPS, 2, cost="medoids"),
    bad(fairness.fair_clustering, "features", "column out of range", X, GROUPS, 2, features=[5]),
    bad(fairness.fair_clustering, "features", "no columns", X, GROUPS, 2, features=[]),
    bad(fairness.fair_clustering, "X", "NaN in X", X_NAN, GROUPS, 2),
    bad(fairness.fairness_summary, "labels", "wrong length", X, LABELS[:4], GROUPS),
    bad(fairness.fairness_summary, "X", "NaN in X", X_NAN, LABELS, GROUPS),
    bad(fairness.fairness_summary, "groups", "a single group", X, LABELS, np.ones(6, int)),

    # -- first-order EM -------------------------------------------------------------------------
    bad(first_order_em.pack_params, "weights", "do not sum to one", [0.5, 0.6], [0.0, 1.0],
        [1.0, 1.0]),
    bad(first_order_em.pack_params, "weights", "negative weight", [-0.5, 1.5], [0.0, 1.0],
        [1.0, 1.0]),
    bad(first_order_em.pack_params, "weights", "zero weight", [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]),
    bad(first_order_em.pack_params, "means", "wrong length", [0.5, 0.5], [0.0], [1.0, 1.0]),
    bad(first_order_em.pack_params, "variances", "zero variance", [0.5, 0.5], [0.0, 1.0],
        [1.0, 0.0]),
    bad(first_order_em.unpack_params, "theta", "length not 3K - 1", [0.5, 0.0, 1.0, 1.0]),
    bad(first_order_em.unpack_params, "theta", "weight above one", [1.2, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.unpack_params, "theta", "negative variance", [0.5, 0.0, -1.0, 1.0, 1.0]),
    bad(first_order_em.log_likelihood, "x", "NaN in x", with_nan(X_POS, 2),
        [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.log_likelihood, "x", "2-D x", X, [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.log_likelihood, "x", "empty x", [], [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.log_likelihood_grad, "x", "inf in x", with_nan(X_POS, 0, INF),
        [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.log_likelihood_grad, "theta", "NaN in theta", X_POS,
        [0.5, NAN, 1.0, 1.0, 1.0]),
    bad(first_order_em.elbo, "theta_t", "different K", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        [0.0, 1.0]),
    bad(first_order_em.elbo, "theta_t", "invalid theta_t", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        [0.5, 0.0, 0.0, 1.0, 1.0]),
    bad(first_order_em.elbo_grad, "theta_t", "different K", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        [0.0, 1.0]),
    bad(first_order_em.elbo_grad, "x", "NaN in x", with_nan(X_POS, 1), [0.5, 0.0, 1.0, 1.0, 1.0],
        [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.em_step, "x", "empty x", [], [0.5, 0.0, 1.0, 1.0, 1.0]),
    bad(first_order_em.em_step, "theta", "NaN in theta", X_POS, [0.5, 0.0, NAN, 1.0, 1.0]),
    bad(mlhw.first_order_em_step, "eta", "eta 0", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0], eta=0.0),
    bad(mlhw.first_order_em_step, "eta", "eta NaN", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0], eta=NAN),
    bad(mlhw.first_order_em_step, "eta", "eta a string", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        eta="0.1", exc=TypeError),
    bad(mlhw.first_order_em_step, "theta", "weights outside (0, 1)", X_POS,
        [1.5, 0.0, 1.0, 1.0, 1.0], eta=0.1),
    bad(mlhw.gradient_ascent_step, "eta", "negative eta", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        eta=-1.0),
    bad(mlhw.gradient_ascent_step, "eta", "step leaves the parameter space", X_POS,
        [0.5, 0.0, 1.0, 1.0, 1.0], eta=1e6),
    bad(mlhw.gradient_ascent_step, "eta", "eta a bool", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        eta=True, exc=TypeError),
    bad(first_order_em.trajectory, "method", "unknown method", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        method="newton", n_steps=2),
    bad(first_order_em.trajectory, "n_steps", "no steps", X_POS, [0.5, 0.0, 1.0, 1.0, 1.0],
        method="em", n_steps=0),
    bad(first_order_em.trajectory, "eta", "EM with a learning rate", X_POS,
        [0.5, 0.0, 1.0, 1.0, 1.0], method="em", n_steps=2, eta=0.1),
    bad(first_order_em.trajectory, "eta", "gradient method without eta", X_POS,
        [0.5, 0.0, 1.0, 1.0, 1.0], method="first_order_em", n_steps=2),
    bad(first_order_em.trajectory, "theta0", "invalid theta0", X_POS, [0.5, 0.0, 1.0, 1.0],
        method="em", n_steps=2),

    # -- Gamma mixture --------------------------------------------------------------------------
    bad(gamma_mixture.gamma_logpdf, "alpha", "alpha = 0", 1.0, 0.0, 1.0),
    bad(gamma_mixture.gamma_logpdf, "beta", "negative rate", 1.0, 2.0, -1.0),
    bad(gamma_mixture.gamma_logpdf, "x", "negative x", -1.0, 2.0, 1.0),
    bad(gamma_mixture.gamma_logpdf, "x", "NaN x", [1.0, NAN], 2.0, 1.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "x", "zero in x", [0.0, 1.0], [1.0], [1.0],
        2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "x", "negative x", [-1.0, 1.0], [1.0], [1.0],
        2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "theta", "negative weight", X_POS,
        [-0.5, 1.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "theta", "do not sum to one", X_POS,
        [0.5, 0.4], [1.0, 2.0], 2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "betas", "zero rate", X_POS, [0.5, 0.5],
        [0.0, 2.0], 2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "betas", "one rate too many", X_POS,
        [0.5, 0.5], [1.0, 2.0, 3.0], 2.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "alpha", "alpha = 0", X_POS, [0.5, 0.5],
        [1.0, 2.0], 0.0),
    bad(gamma_mixture.gamma_mixture_log_likelihood, "alpha", "alpha a string", X_POS, [0.5, 0.5],
        [1.0, 2.0], "two", exc=TypeError),
    bad(gamma_mixture.gamma_mixture_pdf, "grid", "negative grid", [-1.0, 1.0], [1.0], [1.0], 2.0),
    bad(gamma_mixture.gamma_mixture_pdf, "grid", "2-D grid", [[1.0]], [1.0], [1.0], 2.0),
    bad(gamma_mixture.gamma_mixture_pdf, "alpha", "negative alpha", [1.0], [1.0], [1.0], -2.0),
    bad(gamma_mixture.e_step, "x", "negative x", [-1.0, 2.0], [0.5, 0.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.e_step, "alpha", "alpha NaN", X_POS, [0.5, 0.5], [1.0, 2.0], NAN),
    bad(gamma_mixture.e_step, "theta", "do not sum to one", X_POS, [0.5, 0.6], [1.0, 2.0], 2.0),
    bad(gamma_mixture.e_step, "x", "empty x", [], [0.5, 0.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.m_step, "q", "wrong shape", X_POS, np.full((3, 2), 0.5), 2.0),
    bad(gamma_mixture.m_step, "q", "rows do not sum to one", X_POS, np.full((8, 2), 0.6), 2.0),
    bad(gamma_mixture.m_step, "q", "negative entry", X_POS, np.tile([-0.5, 1.5], (8, 1)), 2.0),
    bad(gamma_mixture.m_step, "alpha", "alpha = 0", X_POS, Q_POS, 0.0),
    bad(gamma_mixture.m_step, "x", "zero in x", with_nan(X_POS, 0, 0.0), Q_POS, 2.0),
    bad(gamma_mixture.run_em, "iterations", "no iterations", X_POS, [0.5, 0.5], [1.0, 2.0], 2.0,
        iterations=0),
    bad(gamma_mixture.run_em, "x", "complex x", X_POS + 0j, [0.5, 0.5], [1.0, 2.0], 2.0,
        exc=TypeError),
    bad(gamma_mixture.run_em, "x", "NaN x", with_nan(X_POS, 0), [0.5, 0.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.run_em, "alpha", "negative alpha", X_POS, [0.5, 0.5], [1.0, 2.0], -1.0),
    bad(gamma_mixture.run_em, "theta", "negative weight", X_POS, [-0.5, 1.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.expected_complete_log_likelihood, "q", "wrong shape", X_POS,
        np.full((8, 3), 1 / 3), [0.5, 0.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.expected_complete_log_likelihood, "q", "not probabilities", X_POS,
        np.full((8, 2), 0.2), [0.5, 0.5], [1.0, 2.0], 2.0),
    bad(gamma_mixture.expected_complete_log_likelihood, "alpha", "alpha = 0", X_POS, Q_POS,
        [0.5, 0.5], [1.0, 2.0], 0.0),
    bad(gamma_mixture.shape_objective, "alpha", "alpha = 0", X_POS, Q_POS, 0.0),
    bad(gamma_mixture.shape_objective, "alpha", "a negative alpha in a grid", X_POS, Q_POS,
        [1.0, -1.0]),
    bad(gamma_mixture.shape_objective, "q", "wrong shape", X_POS, Q_POS[:3], 2.0),
    bad(gamma_mixture.shape_objective, "x", "zero in x", with_nan(X_POS, 0, 0.0), Q_POS, 2.0),
    bad(mlhw.fit_gamma_mixture, "x", "zero in x", with_nan(X_POS, 0, 0.0), 2, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "x", "negative x", with_nan(X_POS, 0, -1.0), 2, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "x", "NaN x", with_nan(X_POS, 0), 2, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "x", "inf x", with_nan(X_POS, 0, INF), 2, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "x", "2-D x", X, 2, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "k", "k = 0", X_POS, 0, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "k", "k > n", X_POS, 9, alpha=2.0),
    bad(mlhw.fit_gamma_mixture, "k", "float k", X_POS, 2.0, alpha=2.0, exc=TypeError),
    bad(mlhw.fit_gamma_mixture, "alpha", "no alpha, no estimate", X_POS, 2),
    bad(mlhw.fit_gamma_mixture, "alpha", "alpha = 0", X_POS, 2, alpha=0.0),
    bad(mlhw.fit_gamma_mixture, "alpha", "alpha <= 0", X_POS, 2, alpha=-0.5),
    bad(mlhw.fit_gamma_mixture, "max_iter", "max_iter 0", X_POS, 2, alpha=2.0, max_iter=0),
    bad(mlhw.fit_gamma_mixture, "n_init", "n_init 0", X_POS, 2, alpha=2.0, n_init=0),
    bad(mlhw.fit_gamma_mixture, "newton_steps", "newton_steps 0", X_POS, 2, estimate_alpha=True,
        newton_steps=0),
    bad(mlhw.fit_gamma_mixture, "n_init", "restarts from a fixed init", X_POS, 2, alpha=2.0,
        n_init=2, init={"theta": [0.5, 0.5], "betas": [1.0, 2.0]}),
    bad(mlhw.fit_gamma_mixture, "init", "wrong keys", X_POS, 2, alpha=2.0,
        init={"weights": [0.5, 0.5]}),
    bad(mlhw.fit_gamma_mixture, "init", "a string", X_POS, 2, alpha=2.0, init="kmeans"),
    bad(mlhw.fit_gamma_mixture, "init['theta']", "weights do not sum to one", X_POS, 2, alpha=2.0,
        init={"theta": [0.5, 0.6], "betas": [1.0, 2.0]}),
    bad(mlhw.fit_gamma_mixture, "init['betas']", "non-finite rate", X_POS, 2, alpha=2.0,
        init={"theta": [0.5, 0.5], "betas": [INF, 2.0]}),
    bad(mlhw.fit_gamma_mixture, "init", "no shape to start from", X_POS, 2, estimate_alpha=True,
        init={"theta": [0.5, 0.5], "betas": [1.0, 2.0]}),
    bad(mlhw.fit_gamma_mixture, "seed", "negative seed", X_POS, 2, alpha=2.0, seed=-1),
    bad(mlhw.fit_gamma_mixture, "seed", "string seed", X_POS, 2, alpha=2.0, seed="0",
        exc=TypeError),
    bad(mlhw.gamma_mixture_data, "n", "n = 0", 0),
    bad(mlhw.gamma_mixture_data, "seed", "negative seed", 10, seed=-5),

    # -- GAN ------------------------------------------------------------------------------------
    bad(mlhw.train_gan, "x_train", "NaN pixel", with_nan(IMAGES, (0, 0))),
    bad(mlhw.train_gan, "x_train", "values above 1", IMAGES * 2),
    bad(mlhw.train_gan, "x_train", "1-D data", IMAGES[0]),
    bad(mlhw.train_gan, "x_test", "wrong width", IMAGES, IMAGES[:, :3]),
    bad(mlhw.train_gan, "epochs", "no epochs", IMAGES, epochs=0),
    bad(mlhw.train_gan, "batch_size", "batch_size 0", IMAGES, batch_size=0),
    bad(mlhw.train_gan, "lr", "lr 0", IMAGES, lr=0.0),
    bad(mlhw.train_gan, "betas", "beta >= 1", IMAGES, betas=(0.5, 1.0)),
    bad(mlhw.train_gan, "n_noise", "n_noise 0", IMAGES, n_noise=0),
    bad(mlhw.train_gan, "sample_every", "sample_every 0", IMAGES, sample_every=0),
    bad(mlhw.train_gan, "dtype", "integer dtype", IMAGES, dtype="int8"),
    bad(mlhw.train_gan, "seed", "negative seed", IMAGES, seed=-1),
    bad(mlhw.GAN, "n_input", "n_input 0", 0),
    bad(mlhw.GAN, "n_hidden", "n_hidden 0", 6, n_hidden=0),
    bad(mlhw.GAN, "dtype", "float16", 6, dtype="float16"),
    bad(mlhw.GAN, "seed", "string seed", 6, seed="s", exc=TypeError),
    bad(mlhw.GAN, "n_noise", "n_noise 0", 6, n_noise=0),
    bad(mlhw.GAN, "slope", "slope 1.5", 6, slope=1.5),
    bad(GAN_M.generate, "n", "n = 0", 0),
    bad(GAN_M.generate, "n", "neither n nor z", exc=TypeError),
    bad(GAN_M.generate, "n", "n differs from the rows of z", 3, z=np.zeros((2, 2))),
    bad(GAN_M.generate, "z", "z of the wrong width", z=np.zeros((2, 3))),
    bad(GAN_M.generate, "z", "NaN in z", z=with_nan(np.zeros((2, 2)))),
    bad(GAN_M.generate, "seed", "negative seed", 2, seed=-1),
    bad(GAN_M.discriminate, "x", "wrong width", IMAGES[:, :4]),
    bad(GAN_M.discriminate, "x", "1-D x", IMAGES[0]),
    bad(GAN_M.discriminate, "x", "NaN pixel", with_nan(IMAGES, (1, 1))),
    bad(GAN_M.discriminator_loss_and_gradients, "x_real", "values above 1", IMAGES * 2,
        np.zeros((3, 2))),
    bad(GAN_M.discriminator_loss_and_gradients, "x_real", "wrong width", IMAGES[:, :5],
        np.zeros((3, 2))),
    bad(GAN_M.discriminator_loss_and_gradients, "z", "z of the wrong width", IMAGES,
        np.zeros((3, 5))),
    bad(GAN_M.generator_loss_and_gradients, "z", "1-D z", np.zeros(2)),
    bad(GAN_M.generator_loss_and_gradients, "z", "inf in z", with_nan(np.zeros((3, 2)), value=INF)),
    bad(GAN_M.undetached_generator_gradients, "z", "z of the wrong width", np.zeros((3, 1))),
    bad(GAN_M.undetached_generator_gradients, "z", "NaN in z", with_nan(np.zeros((3, 2)))),

    # -- GMM classifier -------------------------------------------------------------------------
    bad(mlhw.fit_gmm_classifier, "X", "NaN in X", X_NAN, LABELS),
    bad(mlhw.fit_gmm_classifier, "X", "1-D X", X_1D, LABELS),
    bad(mlhw.fit_gmm_classifier, "y", "wrong length", X, LABELS[:5]),
    bad(mlhw.fit_gmm_classifier, "y", "2-D y", X, LABELS[:, None]),
    bad(mlhw.fit_gmm_classifier, "covariance", "unknown covariance", X, LABELS, 1,
        covariance="tied"),
    bad(mlhw.fit_gmm_classifier, "k", "k = 0", X, LABELS, 0),
    bad(mlhw.fit_gmm_classifier, "k", "k > points in a class", X, LABELS, 4),
    bad(mlhw.fit_gmm_classifier, "n_pca", "n_pca 0", X, LABELS, 1, n_pca=0),
    bad(mlhw.fit_gmm_classifier, "seed", "negative seed", X, LABELS, 1, seed=-2),
    bad(mlhw.gmm_bic, "model", "not a model", X, "model", covariance="diag", exc=TypeError),
    bad(mlhw.gmm_bic, "X", "wrong number of features", X[:, :1], P_DIAG, covariance="diag"),
    bad(mlhw.gmm_bic, "covariance", "no covariance type", X, P_DIAG),
    bad(mlhw.gmm_bic, "covariance", "unknown covariance", X, P_DIAG, covariance="tied"),
    bad(mlhw.gmm_bic, "X", "NaN in X", X_NAN, P_DIAG, covariance="diag"),
    bad(gmm_classifier.mean_log_likelihood, "X", "wrong number of features", X[:, :1], P_DIAG,
        covariance="diag"),
    bad(gmm_classifier.mean_log_likelihood, "model", "not a model", X, 3, covariance="diag",
        exc=TypeError),
    bad(gmm_classifier.mean_log_likelihood, "model", "negative variance", X, P_BAD_VAR,
        covariance="diag"),
    bad(mlhw.gmm_k_sweep, "ks", "empty ks", X, []),
    bad(mlhw.gmm_k_sweep, "ks", "k = 0", X, [0, 1]),
    bad(mlhw.gmm_k_sweep, "ks", "k > n", X, [1, 7]),
    bad(mlhw.gmm_k_sweep, "ks", "not increasing", X, [2, 1]),
    bad(mlhw.gmm_k_sweep, "held_out", "wrong number of features", X, [1], held_out=X[:, :1]),
    bad(mlhw.gmm_k_sweep, "X", "inf in X", X_INF, [1]),
    bad(mlhw.gmm_k_sweep, "covariance", "unknown covariance", X, [1], covariance="tied"),
    bad(gmm_classifier.elbow_index, "values", "one value", [1.0]),
    bad(gmm_classifier.elbow_index, "values", "NaN value", [3.0, NAN, 1.0]),
    bad(gmm_classifier.elbow_index, "rel_gain", "rel_gain 0", [3.0, 2.0, 1.0], rel_gain=0.0),
    bad(CLASSIFIER.predict, "X", "wrong number of features", X[:, :1]),
    bad(CLASSIFIER.predict, "X", "NaN in X", X_NAN),
    bad(CLASSIFIER.error_rate, "y", "wrong length", X, LABELS[:3]),
    bad(CLASSIFIER.sample, "label", "unknown class", 7, 3),
    bad(CLASSIFIER.transform, "X", "wrong number of features", X[:, :1]),
    bad(CLASSIFIER.transform, "X", "4-D X", X_4D),
    bad(CLASSIFIER.transform, "X", "NaN in X", X_NAN),
    bad(CLASSIFIER.inverse_transform, "Z", "wrong number of features", np.zeros((2, 3))),
    bad(CLASSIFIER.inverse_transform, "Z", "1-D Z", np.zeros(2)),
    bad(CLASSIFIER.inverse_transform, "Z", "NaN in Z", X_NAN),
    bad(CLASSIFIER_PCA.inverse_transform, "Z", "more features than components", X),
    bad(CLASSIFIER.class_log_likelihood, "X", "NaN in X", X_NAN),
    bad(CLASSIFIER.class_log_likelihood, "X", "wrong number of features", np.zeros((2, 3))),
    bad(CLASSIFIER.joint_log_likelihood, "X", "inf in X", X_INF),
    bad(CLASSIFIER.joint_log_likelihood, "X", "1-D X", X_1D),
    bad(CLASSIFIER.predict_log_proba, "X", "wrong number of features", X[:, :1]),
    bad(CLASSIFIER.predict_log_proba, "X", "empty X", X_EMPTY),
    bad(CLASSIFIER.predict_proba, "X", "NaN in X", X_NAN),
    bad(CLASSIFIER.predict_proba, "X", "wrong number of features", X[:, :1]),
    bad(SWEEP.result, "k", "k not swept", 3),
    bad(SWEEP.result, "k", "k a string", "2", exc=TypeError),
    bad(SWEEP.result, "k", "k a bool", True, exc=TypeError),

    # -- hierarchical clustering ----------------------------------------------------------------
    bad(hac.linkage, "X", "NaN in X", X_NAN),
    bad(hac.linkage, "X", "inf in X", X_INF),
    bad(hac.linkage, "X", "a single point", X[:1]),
    bad(hac.linkage, "X", "1-D X", X_1D),
    bad(hac.linkage, "X", "no features", np.empty((3, 0))),
    bad(hac.linkage, "metric", "unknown metric", X, metric="cosine"),
    bad(hac.linkage, "method", "unknown method", X, method="ward"),
    bad(hac.linkage, "method", "method not a string", X, method=None),
    bad(hac.cluster_distance, "B", "dimension mismatch", X[:2], np.zeros((2, 3))),
    bad(hac.cluster_distance, "A", "NaN in A", X_NAN[:2], X[2:]),
    bad(hac.cluster_distance, "B", "empty B", X[:2], X_EMPTY),
    bad(hac.cluster_distance, "metric", "unknown metric", X[:2], X[2:], metric="l3"),
    bad(hac.cluster_distance, "method", "unknown method", X[:2], X[2:], method="median"),
    bad(hac.cluster_distances, "clusters", "an array", X),
    bad(hac.cluster_distances, "clusters", "a single cluster", [X]),
    bad(hac.cluster_distances, "clusters", "NaN in a cluster", [X[:2], X_NAN[:2]]),
    bad(hac.cluster_distances, "clusters", "dimension mismatch", [X[:2], np.zeros((1, 3))]),
    bad(hac.cluster_distances, "method", "unknown method", [X[:2], X[2:]], method="ward"),

    # -- k-means --------------------------------------------------------------------------------
    bad(mlhw.kmeans, "X", "NaN in X", X_NAN, 2),
    bad(mlhw.kmeans, "X", "inf in X", X_INF, 2),
    bad(mlhw.kmeans, "X", "empty X", X_EMPTY, 1),
    bad(mlhw.kmeans, "X", "1-D X", X_1D, 2),
    bad(mlhw.kmeans, "X", "4-D X", X_4D, 1),
    bad(mlhw.kmeans, "X", "not numeric", [["a", "b"]], 1, exc=TypeError),
    bad(mlhw.kmeans, "k", "k = 0", X, 0),
    bad(mlhw.kmeans, "k", "k > n", X, 7),
    bad(mlhw.kmeans, "k", "float k", X, 2.5, exc=TypeError),
    bad(mlhw.kmeans, "init", "unknown init", X, 2, init="kmeans||"),
    bad(mlhw.kmeans, "init", "init of the wrong shape", X, 2, init=np.zeros((3, 2))),
    bad(mlhw.kmeans, "init", "non-finite init", X, 2, init=with_nan(X[:2], (0, 0))),
    bad(mlhw.kmeans, "max_iter", "max_iter 0", X, 2, max_iter=0),
    bad(mlhw.kmeans, "tol", "negative tol", X, 2, tol=-1.0),
    bad(mlhw.kmeans, "seed", "negative seed", X, 2, seed=-1),
    bad(mlhw.kmeans, "seed", "float seed", X, 2, seed=0.5, exc=TypeError),
    bad(lloyd.kmeans_plusplus, "X", "NaN in X", X_NAN, 2),
    bad(lloyd.kmeans_plusplus, "k", "k > n", X, 7),
    bad(lloyd.kmeans_plusplus, "n_local_trials", "no trials", X, 2, n_local_trials=0),
    bad(lloyd.kmeans_plusplus, "seed", "string seed", X, 2, seed="1", exc=TypeError),
    bad(lloyd.squared_distances, "X", "NaN in X", X_NAN, X[:2]),
    bad(lloyd.squared_distances, "centers", "dimension mismatch", X, np.zeros((2, 3))),
    bad(lloyd.squared_distances, "centers", "1-D centers", X, np.zeros(2)),

    # -- k-medians ------------------------------------------------------------------------------
    bad(mlhw.kmedians, "X", "NaN in X", X_NAN, 2),
    bad(mlhw.kmedians, "X", "empty X", X_EMPTY, 1),
    bad(mlhw.kmedians, "X", "1-D X", X_1D, 2),
    bad(mlhw.kmedians, "k", "k = 0", X, 0),
    bad(mlhw.kmedians, "k", "k > n", X, 7),
    bad(mlhw.kmedians, "init", "unknown init", X, 2, init="k-means++"),
    bad(mlhw.kmedians, "init", "init of the wrong shape", X, 2, init=np.zeros((2, 3))),
    bad(mlhw.kmedians, "init", "non-finite init", X, 2, init=with_nan(X[:2], (1, 1), INF)),
    bad(mlhw.kmedians, "max_iter", "negative max_iter", X, 2, max_iter=-1),
    bad(mlhw.kmedians, "seed", "negative seed", X, 2, seed=-1),

    # -- linear autoencoder ---------------------------------------------------------------------
    bad(mlhw.autoencoder_loss, "x", "NaN in x", X_NAN, np.ones((1, 2)), np.ones((2, 1))),
    bad(mlhw.autoencoder_loss, "encoder", "wrong width", X, np.ones((1, 3)), np.ones((3, 1))),
    bad(mlhw.autoencoder_loss, "decoder", "not the encoder's transpose", X, np.ones((1, 2)),
        np.ones((2, 2))),
    bad(mlhw.autoencoder_loss, "encoder", "NaN weight", X, [[NAN, 1.0]], np.ones((2, 1))),
    bad(mlhw.fit_linear_autoencoder, "n_hidden", "no hidden units", X, 0),
    bad(mlhw.fit_linear_autoencoder, "n_hidden", "more hidden units than inputs", X, 3),
    bad(mlhw.fit_linear_autoencoder, "n_steps", "negative steps", X, 1, n_steps=-1),
    bad(mlhw.fit_linear_autoencoder, "optimizer", "unknown optimizer", X, 1, optimizer="sgd"),
    bad(mlhw.fit_linear_autoencoder, "init_scale", "zero scale", X, 1, init_scale=0.0),
    bad(mlhw.fit_linear_autoencoder, "lr", "zero lr", X, 1, lr=0.0),
    bad(mlhw.fit_linear_autoencoder, "lr", "NaN lr", X, 1, lr=NAN),
    bad(mlhw.fit_linear_autoencoder, "x", "identical rows", np.ones((4, 2)), 1),
    bad(mlhw.fit_linear_autoencoder, "x", "1-D x", X_1D, 1),
    bad(mlhw.fit_linear_autoencoder, "seed", "negative seed", X, 1, seed=-1),
    bad(mlhw.principal_angles, "A", "rank-deficient A", [[1.0, 0.0], [2.0, 0.0]], [[1.0, 0.0]]),
    bad(mlhw.principal_angles, "B", "wrong row length", [[1.0, 0.0]], [[1.0, 0.0, 0.0]]),
    bad(mlhw.principal_angles, "A", "NaN in A", [[NAN, 0.0]], [[1.0, 0.0]]),
    bad(mlhw.autoencoder_components, "result", "not a result", None, X, exc=TypeError),
    bad(mlhw.autoencoder_components, "x", "wrong dimension", AE, X[:, :1]),

    # -- metrics --------------------------------------------------------------------------------
    bad(mlhw.contingency_table, "labels_true", "2-D labels", LABELS[None], LABELS),
    bad(mlhw.contingency_table, "labels_true", "empty", [], []),
    bad(mlhw.contingency_table, "labels_pred", "lengths differ", LABELS, LABELS[:4]),
    bad(mlhw.contingency_table, "labels_true", "NaN label", with_nan(LABELS, 0), LABELS),
    bad(mlhw.contingency_table, "labels_pred", "complex labels", LABELS, LABELS + 1j,
        exc=TypeError),
    bad(mlhw.purity, "labels_pred", "lengths differ", LABELS, LABELS[:5]),
    bad(mlhw.purity, "labels_true", "a string", "001", [0, 0, 1]),
    bad(mlhw.adjusted_rand_index, "labels_pred", "2-D labels", LABELS, LABELS[:, None]),
    bad(mlhw.adjusted_rand_index, "labels_true", "inf label", with_nan(LABELS, 0, INF), LABELS),
    bad(metrics.match_labels, "labels_pred", "lengths differ", LABELS, LABELS[:2]),
    bad(metrics.match_labels, "labels_pred", "empty", LABELS, []),

    # -- Gaussian mixtures ----------------------------------------------------------------------
    bad(mlhw.fit_gmm, "X", "NaN in X", X_NAN, 2),
    bad(mlhw.fit_gmm, "X", "inf in X", X_INF, 2),
    bad(mlhw.fit_gmm, "X", "empty X", X_EMPTY, 1),
    bad(mlhw.fit_gmm, "X", "1-D X", X_1D, 2),
    bad(mlhw.fit_gmm, "X", "complex X", X + 1j, 2, exc=TypeError),
    bad(mlhw.fit_gmm, "X", "strings for X", X.astype(str), 2, exc=TypeError),
    bad(mlhw.fit_gmm, "X", "objects in X", X.astype(object), 2, exc=TypeError),
    bad(mlhw.fit_gmm, "k", "k = 0", X, 0),
    bad(mlhw.fit_gmm, "k", "k > n", X, 7),
    bad(mlhw.fit_gmm, "covariance", "unknown covariance", X, 2, covariance="tied"),
    bad(mlhw.fit_gmm, "init", "unknown init", X, 2, init="bogus"),
    bad(mlhw.fit_gmm, "init", "an array", X, 2, init=np.zeros((2, 2))),
    bad(mlhw.fit_gmm, "init", "missing keys", X, 2, init={"weights": [0.5, 0.5]}),
    bad(mlhw.fit_gmm, "init['weights']", "negative weight", X, 2, covariance="diag",
        init=replace(INIT_DIAG, weights=[-0.5, 1.5])),
    bad(mlhw.fit_gmm, "init['weights']", "do not sum to one", X, 2, covariance="diag",
        init=replace(INIT_DIAG, weights=[0.5, 0.6])),
    bad(mlhw.fit_gmm, "init['covariances']", "non-positive variance", X, 2, covariance="diag",
        init=replace(INIT_DIAG, covariances=[[1.0, 0.0], [1.0, 1.0]])),
    bad(mlhw.fit_gmm, "init['covariances']", "asymmetric covariance", X, 2,
        init=replace(INIT_FULL, covariances=[np.eye(2), [[1.0, 0.5], [0.0, 1.0]]])),
    bad(mlhw.fit_gmm, "init['covariances']", "not positive definite", X, 2,
        init=replace(INIT_FULL, covariances=[np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])),
    bad(mlhw.fit_gmm, "init['means']", "non-finite initial mean", X, 2, covariance="diag",
        init=replace(INIT_DIAG, means=[[NAN, 0.0], [5.0, 5.0]])),
    bad(mlhw.fit_gmm, "init['means']", "wrong shape", X, 2, covariance="diag",
        init=replace(INIT_DIAG, means=[[0.0, 0.0]])),
    bad(mlhw.fit_gmm, "max_iter", "max_iter 0", X, 2, max_iter=0),
    bad(mlhw.fit_gmm, "n_init", "n_init 0", X, 2, n_init=0),
    bad(mlhw.fit_gmm, "n_init", "restarts from a fixed init", X, 2, covariance="diag",
        init=INIT_DIAG, n_init=2),
    bad(mlhw.fit_gmm, "reg", "negative reg", X, 2, reg=-1.0),
    bad(mlhw.fit_gmm, "reg", "NaN reg", X, 2, reg=NAN),
    bad(mlhw.fit_gmm, "reg", "reg a string", X, 2, reg="small", exc=TypeError),
    bad(mlhw.fit_gmm, "sigma2", "fixed without sigma2", X, 2, covariance="fixed"),
    bad(mlhw.fit_gmm, "sigma2", "negative sigma2", X, 2, covariance="fixed", sigma2=-1.0),
    bad(mlhw.fit_gmm, "sigma2", "sigma2 without fixed", X, 2, sigma2=1.0),
    bad(mlhw.fit_gmm, "tol", "negative tol", X, 2, tol=-1.0),
    bad(mlhw.fit_gmm, "seed", "negative seed", X, 2, seed=-1),
    bad(mixtures.gmm_log_likelihood, "weights", "do not sum to one", X, [0.5, 0.6],
        P_DIAG.means, P_DIAG.covariances, "diag"),
    bad(mixtures.gmm_log_likelihood, "covariances", "negative variance", X, [0.5, 0.5],
        P_DIAG.means, -P_DIAG.covariances, "diag"),
    bad(mixtures.gmm_log_likelihood, "covariance", "unknown covariance", X, [0.5, 0.5],
        P_DIAG.means, P_DIAG.covariances, "tied"),
    bad(mixtures.gmm_log_likelihood, "X", "NaN in X", X_NAN, [0.5, 0.5], P_DIAG.means,
        P_DIAG.covariances, "diag"),
    bad(mixtures.gmm_predict, "X", "NaN in X", X_NAN, P_DIAG, "diag"),
    bad(mixtures.gmm_predict, "covariance", "unknown covariance", X, P_DIAG, "tied"),
    bad(mixtures.gmm_predict, "params", "negative variance", X, P_BAD_VAR, "diag"),
    bad(mixtures.n_parameters, "k", "k = 0", 0, 2, "diag"),
    bad(mixtures.n_parameters, "d", "d = 0", 2, 0, "diag"),
    bad(mixtures.n_parameters, "covariance", "unknown covariance", 2, 2, "tied"),

    # -- neural-network building blocks ---------------------------------------------------------
    bad(nn.check_dtype, "dtype", "integer dtype", "int8"),
    bad(nn.check_dtype, "dtype", "not a dtype", object(), exc=TypeError),
    bad(nn.bce_with_logits, "logits", "NaN logit", [[NAN, 0.0]], [[0.0, 1.0]]),
    bad(nn.bce_with_logits, "targets", "shape mismatch", [[0.0, 0.0]], [[0.0, 1.0, 1.0]]),
    bad(nn.bce_with_logits, "targets", "target above 1", [[0.0, 0.0]], [[0.0, 2.0]]),
    bad(nn.bce_with_logits, "logits", "1-D logits", [0.0, 0.0], [[0.0, 1.0]]),
    bad(mlhw.gradient_check, "x", "a list", lambda: 0.0, [1.0, 2.0], [0.0, 0.0], exc=TypeError),
    bad(mlhw.gradient_check, "grad", "wrong shape", lambda: 0.0, np.ones(2), np.ones(3)),
    bad(mlhw.gradient_check, "eps", "eps 0", lambda: 0.0, np.ones(2), np.ones(2), eps=0.0),
    bad(mlhw.gradient_check, "n_entries", "n_entries 0", lambda: 0.0, np.ones(2), np.ones(2),
        n_entries=0),
    bad(mlhw.gradient_check, "f", "not callable", 0.0, np.ones(2), np.ones(2), exc=TypeError),
    bad(mlhw.gradient_check, "x", "NaN in x", lambda: 0.0, with_nan(np.ones(2), 0), np.ones(2)),
    bad(mlhw.gradient_check, "seed", "negative seed", lambda: 0.0, np.ones(4), np.ones(4),
        n_entries=2, seed=-1),
    bad(nn.check_module_gradients, "module", "not a layer", "dense", np.ones((2, 3)),
        exc=TypeError),
    bad(nn.check_module_gradients, "x", "1-D x", DENSE, np.ones(3)),
    bad(nn.check_module_gradients, "x", "NaN in x", DENSE, with_nan(np.ones((2, 3)), (0, 1))),
    bad(nn.check_module_gradients, "x", "wrong width", DENSE, np.ones((2, 4))),
    bad(DENSE.forward, "x", "wrong width", np.ones((2, 4))),
    bad(DENSE.forward, "x", "1-D batch", np.ones(3)),
    bad(DENSE.forward, "x", "NaN in x", with_nan(np.ones((2, 3)), (0, 1))),
    bad(DENSE.forward, "x", "text", np.array([["a", "b", "c"]]), exc=TypeError),
    bad(nn.Dense(3, 2, seed=0).backward, "dy", "backward before forward", np.ones((4, 2))),
    bad(RAN[0].backward, "dy", "dy not shaped like the output", np.ones((4, 3))),
    *[bad(layer().forward, "x", f"{layer.__name__}: 3-D batch", np.ones((2, 2, 2)))
      for layer in (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh)],
    *[bad(layer().backward, "dy", f"{layer.__name__}: backward before forward", np.ones((2, 2)))
      for layer in (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh)],
    bad(RAN[1].backward, "dy", "ReLU: dy not shaped like the output", np.ones((4, 3))),
    bad(RAN[2].backward, "dy", "Sigmoid: dy not shaped like the output", np.ones((3, 2))),
    bad(nn.Sequential([nn.Dense(3, 2, seed=0), nn.ReLU()]).forward, "x", "Sequential: wrong width",
        np.ones((2, 5))),
    bad(nn.Sequential([nn.Dense(3, 2, seed=0), nn.ReLU()]).forward, "x", "Sequential: NaN in x",
        with_nan(np.ones((2, 3)))),
    bad(nn.Sequential([nn.Dense(3, 2, seed=0), nn.ReLU()]).backward, "dy",
        "Sequential: backward before forward", np.ones((2, 2))),
    bad(SEQ_RAN.backward, "dy", "Sequential: dy not shaped like the output", np.ones((4, 3))),
    bad(SEQ_RAN.backward, "dy", "Sequential: 1-D dy", np.ones(2)),
    bad(nn.Dense, "n_in", "n_in 0", 0, 2),
    bad(nn.Dense, "n_out", "float n_out", 3, 2.5, exc=TypeError),
    bad(nn.Dense, "init", "unknown init", 3, 2, init="orthogonal"),
    bad(nn.Dense, "dtype", "integer dtype", 3, 2, dtype="int32"),
    bad(nn.Dense, "seed", "string seed", 3, 2, seed="zero", exc=TypeError),
    bad(nn.Dense, "seed", "negative seed", 3, 2, seed=-1),
    bad(nn.LeakyReLU, "slope", "slope 1.5", 1.5),
    bad(nn.LeakyReLU, "slope", "negative slope", -0.1),
    bad(nn.LeakyReLU, "slope", "NaN slope", NAN),
    bad(nn.LeakyReLU, "slope", "string slope", "0.2", exc=TypeError),
    bad(nn.Sequential, "layers[1]", "a string for a layer", [nn.ReLU(), "relu"], exc=TypeError),
    bad(nn.Sequential, "layers", "a single layer, not a list", nn.ReLU(), exc=TypeError),
    bad(nn.Sequential, "layers[2]", "widths do not chain", [nn.Dense(3, 2, seed=0), nn.ReLU(),
                                                            nn.Dense(4, 1, seed=0)]),
    bad(nn.Adam, "params", "not a list", 5, exc=TypeError),
    bad(nn.Adam, "params[0]", "a list for an array", [[1.0, 2.0]], exc=TypeError),
    bad(nn.Adam, "params[0]", "integer parameters", [np.zeros(2, dtype=int)], exc=TypeError),
    bad(nn.Adam, "lr", "lr 0", [np.zeros(2)], lr=0.0),
    bad(nn.Adam, "lr", "NaN lr", [np.zeros(2)], lr=NAN),
    bad(nn.Adam, "lr", "lr a vector", [np.zeros(2)], lr=[0.1, 0.2]),
    bad(nn.Adam, "betas", "beta 1", [np.zeros(2)], betas=(0.9, 1.0)),
    bad(nn.Adam, "betas", "one beta", [np.zeros(2)], betas=(0.9,)),
    bad(nn.Adam, "eps", "negative eps", [np.zeros(2)], eps=-1e-8),
    bad(ADAM.step, "grads", "one gradient too few", [np.zeros(2)]),
    bad(ADAM.step, "grads[1]", "gradient not shaped like its parameter", [np.zeros(2),
                                                                           np.zeros(4)]),
    bad(ADAM.step, "grads[0]", "text gradient", [np.array(["a", "b"]), np.zeros((2, 2))],
        exc=TypeError),
    bad(ADAM.step, "grads", "not a list", 0.5, exc=TypeError),

    # -- PCA ------------------------------------------------------------------------------------
    bad(mlhw.pca, "x", "NaN in x", X_NAN, 1),
    bad(mlhw.pca, "x", "1-D x", X_1D, 1),
    bad(mlhw.pca, "x", "one point", X[:1], 1),
    bad(mlhw.pca, "n_comps", "no components", X, 0),
    bad(mlhw.pca, "n_comps", "more components than features", X, 3),
    bad(mlhw.pca, "n_comps", "float n_comps", X, 1.5, exc=TypeError),
    bad(mlhw.pca, "ddof", "ddof 2", X, 1, ddof=2),
    bad(mlhw.calc_cfvs, "eigvals", "negative eigenvalue", [2.0, -1.0]),
    bad(mlhw.calc_cfvs, "eigvals", "all zero", [0.0, 0.0]),
    bad(mlhw.calc_cfvs, "eigvals", "2-D", [[1.0, 2.0]]),
    bad(mlhw.calc_cfvs, "eigvals", "NaN", [1.0, NAN]),
    bad(mlhw.calc_cfvs, "eigvals", "empty", []),
    bad(mlhw.calc_errs, "x", "NaN in x", X_NAN, [[1.0, 0.0]]),
    bad(mlhw.calc_errs, "pcomps", "wrong length", X, [[1.0, 0.0, 0.0]]),
    bad(mlhw.calc_errs, "pcomps", "rank-deficient", X, [[1.0, 0.0], [2.0, 0.0]]),
    bad(mlhw.calc_errs, "pcomps", "NaN in pcomps", X, [[NAN, 0.0]]),

    # -- mixture of regressions -----------------------------------------------------------------
    bad(mlhw.fit_regression_mixture, "X", "NaN in X", with_nan(X_REG, (2, 1)), Y_REG, 2),
    bad(mlhw.fit_regression_mixture, "X", "1-D X", X_REG[:, 1], Y_REG, 2),
    bad(mlhw.fit_regression_mixture, "y", "NaN in y", X_REG, with_nan(Y_REG, 3), 2),
    bad(mlhw.fit_regression_mixture, "y", "wrong length", X_REG, Y_REG[:4], 2),
    bad(mlhw.fit_regression_mixture, "k", "k = 0", X_REG, Y_REG, 0),
    bad(mlhw.fit_regression_mixture, "k", "k > n", X_REG, Y_REG, 7),
    bad(mlhw.fit_regression_mixture, "init", "unknown init", X_REG, Y_REG, 2, init="kmeans"),
    bad(mlhw.fit_regression_mixture, "init", "wrong keys", X_REG, Y_REG, 2,
        init={"weights": [0.5, 0.5]}),
    bad(mlhw.fit_regression_mixture, "weights", "negative initial weight", X_REG, Y_REG, 2,
        init={"weights": [-0.5, 1.5], "coefs": REG_P.coefs, "variances": [1.0, 1.0]}),
    bad(mlhw.fit_regression_mixture, "variances", "zero initial variance", X_REG, Y_REG, 2,
        init={"weights": [0.5, 0.5], "coefs": REG_P.coefs, "variances": [0.0, 1.0]}),
    bad(mlhw.fit_regression_mixture, "coefs", "non-finite initial line", X_REG, Y_REG, 2,
        init={"weights": [0.5, 0.5], "coefs": with_nan(REG_P.coefs, (0, 0), INF),
              "variances": [1.0, 1.0]}),
    bad(mlhw.fit_regression_mixture, "n_init", "restarts from a fixed init", X_REG, Y_REG, 2,
        init=REG_P, n_init=2),
    bad(mlhw.fit_regression_mixture, "reg", "zero floor", X_REG, Y_REG, 2, reg=0.0),
    bad(mlhw.fit_regression_mixture, "X", "ragged X", [[1.0, 2.0], [3.0]], [1.0, 2.0], 1,
        exc=TypeError),
    bad(mlhw.fit_regression_mixture, "max_iter", "max_iter 0", X_REG, Y_REG, 2, max_iter=0),
    bad(mlhw.fit_regression_mixture, "seed", "negative seed", X_REG, Y_REG, 2, seed=-1),
    bad(regression_mixture.regression_mixture_log_likelihood, "weights", "do not sum to one",
        X_REG, Y_REG, [0.5, 0.6], REG_P.coefs, [1.0, 1.0]),
    bad(regression_mixture.regression_mixture_log_likelihood, "coefs", "wrong shape", X_REG,
        Y_REG, [0.5, 0.5], [[0.0, 1.0, 2.0], [1.0, 0.0, 0.0]], [1.0, 1.0]),
    bad(regression_mixture.regression_mixture_log_likelihood, "variances", "zero variance",
        X_REG, Y_REG, [0.5, 0.5], REG_P.coefs, [1.0, 0.0]),
    bad(regression_mixture.regression_mixture_log_likelihood, "y", "wrong length", X_REG,
        Y_REG[:2], [0.5, 0.5], REG_P.coefs, [1.0, 1.0]),
    bad(regression_mixture.sample_regression_mixture, "n", "n = 0", 0, REG_P.coefs, [1.0, 1.0]),
    bad(regression_mixture.sample_regression_mixture, "coefs", "1-D coefs", 5, [0.0, 1.0],
        [1.0, 1.0]),
    bad(regression_mixture.sample_regression_mixture, "coefs", "no slope with intercept", 5,
        [[1.0], [2.0]], [1.0, 1.0]),
    bad(regression_mixture.sample_regression_mixture, "x_range", "reversed range", 5,
        REG_P.coefs, [1.0, 1.0], x_range=(3.0, -3.0)),
    bad(regression_mixture.sample_regression_mixture, "variances", "negative variance", 5,
        REG_P.coefs, [1.0, -1.0]),
    bad(regression_mixture.sample_regression_mixture, "weights", "negative weight", 5,
        REG_P.coefs, [1.0, 1.0], [-0.5, 1.5]),
    bad(regression_mixture.sample_regression_mixture, "seed", "negative seed", 5, REG_P.coefs,
        [1.0, 1.0], seed=-1),

    # -- semi-supervised GMM --------------------------------------------------------------------
    bad(mlhw.fit_semi_supervised_gmm, "X", "NaN in X", X_NAN, Y_SEMI, 2),
    bad(mlhw.fit_semi_supervised_gmm, "X", "empty X", X_EMPTY, [], 1),
    bad(mlhw.fit_semi_supervised_gmm, "y", "wrong length", X, Y_SEMI[:4], 2),
    bad(mlhw.fit_semi_supervised_gmm, "y", "label >= k", X, Y_SEMI + 1, 2),
    bad(mlhw.fit_semi_supervised_gmm, "y", "label below -1", X, Y_SEMI - 1, 2),
    bad(mlhw.fit_semi_supervised_gmm, "y", "non-integer labels", X, Y_SEMI + 0.5, 2,
        exc=TypeError),
    bad(mlhw.fit_semi_supervised_gmm, "k", "k = 0", X, Y_SEMI, 0),
    bad(mlhw.fit_semi_supervised_gmm, "k", "k > n", X, Y_SEMI, 7),
    bad(mlhw.fit_semi_supervised_gmm, "covariance", "unknown covariance", X, Y_SEMI, 2,
        covariance="tied"),
    bad(mlhw.fit_semi_supervised_gmm, "weights_from", "unknown option", X, Y_SEMI, 2,
        weights_from="labelled"),
    bad(mlhw.fit_semi_supervised_gmm, "init", "unknown init", X, Y_SEMI, 2, init="kmeans"),
    bad(mlhw.fit_semi_supervised_gmm, "init['weights']", "negative initial weight", X, Y_SEMI, 2,
        init=replace(INIT_FULL, weights=[-0.5, 1.5])),
    bad(mlhw.fit_semi_supervised_gmm, "init['means']", "non-finite initial mean", X, Y_SEMI, 2,
        init=replace(INIT_FULL, means=[[INF, 0.0], [5.0, 5.0]])),
    bad(mlhw.fit_semi_supervised_gmm, "max_iter", "max_iter 0", X, Y_SEMI, 2, max_iter=0),
    bad(mlhw.fit_semi_supervised_gmm, "reg", "negative reg", X, Y_SEMI, 2, reg=-1.0),
    bad(mlhw.fit_semi_supervised_gmm, "seed", "negative seed", X, Y_SEMI, 2, seed=-1),
    bad(semi_supervised.hide_labels, "labels", "float labels", LABELS + 0.5, 1),
    bad(semi_supervised.hide_labels, "labels", "negative label", LABELS - 1, 1),
    bad(semi_supervised.hide_labels, "labels", "2-D labels", LABELS[None], 1),
    bad(semi_supervised.hide_labels, "n_per_class", "negative count", LABELS, -1),
    bad(semi_supervised.hide_labels, "seed", "negative seed", LABELS, 1, seed=-1),

    # -- spectral methods -----------------------------------------------------------------------
    bad(mlhw.graph_laplacian, "W", "not symmetric", W_ASYM),
    bad(mlhw.graph_laplacian, "W", "negative weight", W_NEG),
    bad(mlhw.graph_laplacian, "W", "not square", W[:3]),
    bad(mlhw.graph_laplacian, "W", "NaN weight", W_NAN),
    bad(mlhw.graph_laplacian, "W", "isolated vertex", W_ISOLATED),
    bad(mlhw.graph_laplacian, "W", "1-D W", W[0]),
    bad(mlhw.graph_laplacian, "W", "empty W", np.empty((0, 0))),
    bad(mlhw.connected_components, "W", "not symmetric", W_ASYM),
    bad(mlhw.connected_components, "W", "negative weight", W_NEG),
    bad(mlhw.connected_components, "W", "inf weight", with_nan(W, (0, 1), INF)),
    bad(mlhw.laplacian_eigenmaps, "W", "disconnected graph", W_DISC, 1),
    bad(mlhw.laplacian_eigenmaps, "W", "not symmetric", W_ASYM, 1),
    bad(mlhw.laplacian_eigenmaps, "n_components", "no components", W, 0),
    bad(mlhw.laplacian_eigenmaps, "n_components", "too many components", W, 4),
    bad(mlhw.laplacian_eigenmaps, "skip_constant", "not a bool", W, 1, skip_constant="yes",
        exc=TypeError),
    bad(mlhw.degree_sequence_graphs, "degrees", "odd sum", [1, 1, 1]),
    bad(mlhw.degree_sequence_graphs, "degrees", "negative degree", [2, -1, 1]),
    bad(mlhw.degree_sequence_graphs, "degrees", "non-integer degree", [1.5, 0.5]),
    bad(mlhw.degree_sequence_graphs, "degrees", "2-D degrees", [[1, 1]]),
    bad(mlhw.degree_sequence_graphs, "max_graphs", "max_graphs 0", [1, 1], max_graphs=0),
    bad(mlhw.degree_sequence_graphs, "degrees", "too many graphs", [2, 2, 2, 2, 2, 2],
        max_graphs=3),
    bad(mlhw.recover_graph_from_eigenvectors, "Psi", "1-D Psi", [0.5, 0.5]),
    bad(mlhw.recover_graph_from_eigenvectors, "Psi", "NaN in Psi", with_nan(np.ones((3, 2)), 0)),
    bad(mlhw.recover_graph_from_eigenvectors, "Psi", "too few columns", np.ones((4, 1))),
    bad(mlhw.recover_graph_from_eigenvectors, "Psi", "rank-deficient", np.ones((3, 2))),
    bad(mlhw.recover_graph_from_eigenvectors, "decimals", "negative decimals", np.eye(2),
        decimals=-1),

    # -- synthetic data -------------------------------------------------------------------------
    bad(synthetic.sample_gmm, "covariance", "unknown covariance", 5, *DIAG_ARGS,
        covariance="tied"),
    bad(synthetic.sample_gmm, "weights", "negative weight", 5, [-0.5, 1.5], P_DIAG.means,
        P_DIAG.covariances, covariance="diag"),
    bad(synthetic.sample_gmm, "weights", "do not sum to one", 5, [0.5, 0.6], P_FULL.means,
        P_FULL.covariances),
    bad(synthetic.sample_gmm, "covariances", "negative variance", 5, [0.5, 0.5], P_DIAG.means,
        P_BAD_VAR.covariances, covariance="diag"),
    bad(synthetic.sample_gmm, "covariances", "not positive definite", 5, [0.5, 0.5],
        P_FULL.means, [np.eye(2), -np.eye(2)]),
    bad(synthetic.sample_gmm, "covariances", "shape mismatch", 5, [0.5, 0.5], P_DIAG.means,
        [[1.0], [1.0]], covariance="diag"),
    bad(synthetic.sample_gmm, "means", "1-D means", 5, [0.5, 0.5], [0.0, 5.0],
        P_FULL.covariances),
    bad(synthetic.sample_gmm, "n", "n = 0", 0, *DIAG_ARGS, covariance="diag"),
    bad(synthetic.sample_gmm, "seed", "string seed", 5, *DIAG_ARGS,
        covariance="diag", seed="a", exc=TypeError),
    bad(synthetic.gmm_dataset, "n", "n = 0", 0),
    bad(synthetic.gmm_dataset, "seed", "negative seed", 10, seed=-1),
    bad(synthetic.naive_e_step, "X", "NaN in X", X_NAN, [0.5, 0.5], P_DIAG.means,
        P_DIAG.covariances),
    bad(synthetic.naive_e_step, "means", "dimension mismatch", X[:, :1], [0.5, 0.5],
        P_DIAG.means, P_DIAG.covariances),
    bad(synthetic.naive_e_step, "covariances", "zero variance", X, [0.5, 0.5], P_DIAG.means,
        np.zeros((2, 2))),
    bad(synthetic.naive_e_step, "weights", "negative weight", X, [-0.5, 1.5], P_DIAG.means,
        P_DIAG.covariances),

    # -- VAE ------------------------------------------------------------------------------------
    bad(mlhw.prepare_images, "images", "floats above 1", IMAGES * 3),
    bad(mlhw.prepare_images, "images", "1-D images", IMAGES[0]),
    bad(mlhw.prepare_images, "images", "NaN pixel", with_nan(IMAGES, (1, 1))),
    bad(mlhw.prepare_images, "images", "4-D uint8 images", np.zeros((1, 2, 2, 2), np.uint8)),
    bad(mlhw.prepare_images, "dtype", "integer dtype", IMAGES, dtype="int32"),
    bad(mlhw.train_vae, "x_train", "NaN pixel", with_nan(IMAGES, (0, 0))),
    bad(mlhw.train_vae, "x_train", "negative pixel", IMAGES - 1.0),
    bad(mlhw.train_vae, "x_test", "wrong width", IMAGES, IMAGES[:, :2]),
    bad(mlhw.train_vae, "kl_weight", "negative weight", IMAGES, kl_weight=-1.0),
    bad(mlhw.train_vae, "kl_weight", "NaN weight", IMAGES, kl_weight=NAN),
    bad(mlhw.train_vae, "n_latent", "no latent units", IMAGES, n_latent=0),
    bad(mlhw.train_vae, "epochs", "no epochs", IMAGES, epochs=0),
    bad(mlhw.train_vae, "lr", "negative lr", IMAGES, lr=-1e-3),
    bad(mlhw.train_vae, "batch_size", "float batch size", IMAGES, batch_size=1.5, exc=TypeError),
    bad(mlhw.train_vae, "seed", "negative seed", IMAGES, seed=-1),
    bad(mlhw.VAE, "n_input", "n_input 0", 0),
    bad(mlhw.VAE, "n_latent", "n_latent 0", 6, n_latent=0),
    bad(mlhw.VAE, "dtype", "integer dtype", 6, dtype="int64"),
    bad(mlhw.VAE, "n_hidden", "n_hidden 0", 6, n_hidden=0),
    bad(mlhw.VAE, "seed", "negative seed", 6, seed=-1),
    bad(VAE_M.encode, "x", "wrong width", IMAGES[:, :4]),
    bad(VAE_M.encode, "x", "NaN pixel", with_nan(IMAGES, (1, 1))),
    bad(VAE_M.encode, "x", "floats above 1", IMAGES * 3),
    bad(VAE_M.encode, "x", "1-D x", IMAGES[0]),
    bad(VAE_M.decode, "z", "z of the wrong width", np.zeros((2, 3))),
    bad(VAE_M.decode, "z", "1-D z", np.zeros(2)),
    bad(VAE_M.decode, "z", "NaN in z", with_nan(np.zeros((2, 2)))),
    bad(VAE_M.reconstruct, "x", "wrong width", IMAGES[:, :5]),
    bad(VAE_M.reconstruct, "x", "negative pixel", IMAGES - 1.0),
    bad(VAE_M.sample, "n", "n = 0", 0),
    bad(VAE_M.sample, "n", "float n", 1.5, exc=TypeError),
    bad(VAE_M.sample, "seed", "negative seed", 2, seed=-1),
    bad(VAE_M.loss_and_gradients, "noise", "noise of the wrong shape", IMAGES, np.zeros((4, 3))),
    bad(VAE_M.loss_and_gradients, "noise", "NaN noise", IMAGES, with_nan(np.zeros((4, 2)))),
    bad(VAE_M.loss_and_gradients, "kl_weight", "negative weight", IMAGES, np.zeros((4, 2)),
        kl_weight=-1.0),
    bad(VAE_M.loss_and_gradients, "x", "wrong width", IMAGES[:, :3], np.zeros((4, 2))),
    bad(VAE_M.evaluate, "x", "NaN pixel", with_nan(IMAGES, (2, 2))),
    bad(VAE_M.evaluate, "kl_weight", "NaN weight", IMAGES, kl_weight=NAN),
    bad(VAE_M.evaluate, "batch_size", "batch_size 0", IMAGES, batch_size=0),
    bad(VAE_M.evaluate, "seed", "string seed", IMAGES, seed="s", exc=TypeError),

    # -- figures (mlhw.plotting) -----------------------------------------------------------------
    bad(plotting.plot_gaussian_ellipses, "means", "3-D means", np.zeros((2, 3)), np.ones(2)),
    bad(plotting.plot_gaussian_ellipses, "means", "NaN mean", X_NAN[:2], np.ones(2)),
    bad(plotting.plot_gaussian_ellipses, "covariances", "one variance too few",
        np.zeros((2, 2)), np.ones(1)),
    bad(plotting.plot_gaussian_ellipses, "covariances", "negative variance", np.zeros((2, 2)),
        np.array([[1.0, -1.0], [1.0, 1.0]])),
    bad(plotting.plot_gaussian_ellipses, "covariances", "non-symmetric matrix",
        np.zeros((1, 2)), np.array([[[1.0, 0.5], [0.0, 1.0]]])),
    bad(plotting.plot_gaussian_ellipses, "n_std", "zero n_std", np.zeros((1, 2)), np.ones(1),
        n_std=0.0),
    bad(plotting.plot_regression_mixture, "y", "y one short", X_REG[:, 1], Y_REG[:5], RESP,
        np.ones((2, 2))),
    bad(plotting.plot_regression_mixture, "resp", "rows not summing to one", X_REG[:, 1], Y_REG,
        RESP * 0.5, np.ones((2, 2))),
    bad(plotting.plot_regression_mixture, "coefs", "three coefficients", X_REG[:, 1], Y_REG,
        RESP, np.ones((2, 3))),
    bad(plotting.plot_regression_mixture, "x", "NaN in x", with_nan(X_REG[:, 1], 0), Y_REG,
        RESP, np.ones((2, 2))),
    bad(plotting.plot_fair_clustering, "students", "an array for students", np.zeros((8, 3)),
        np.zeros(8, int), exc=TypeError),
    bad(plotting.plot_fair_clustering, "labels", "seven labels", STUDENTS, np.zeros(7, int)),
    bad(plotting.plot_graph, "W", "non-symmetric W", W_ASYM, np.zeros((4, 2))),
    bad(plotting.plot_graph, "W", "negative weight", W_NEG, np.zeros((4, 2))),
    bad(plotting.plot_graph, "W", "NaN weight", W_NAN, np.zeros((4, 2))),
    bad(plotting.plot_graph, "pos", "3-D positions", W, np.zeros((4, 3))),
    bad(plotting.plot_graph, "labels", "two labels for four vertices", W, np.zeros((4, 2)),
        labels=["a", "b"]),
    bad(plotting.plot_embedding_3d, "Z", "2-D points", np.zeros((3, 2))),
    bad(plotting.plot_embedding_3d, "W", "W of the wrong size", np.zeros((3, 3)),
        W=np.zeros((2, 2))),
    bad(plotting.plot_embedding_3d, "Z", "infinite coordinate", with_nan(np.zeros((3, 3)),
        value=INF)),
    bad(plotting.plot_image_rows, "images", "3-D stack", np.zeros((2, 28, 28))),
    bad(plotting.plot_image_rows, "images", "infinite pixel",
        with_nan(np.zeros((1, 1, 2, 2)), (0, 0, 0, 0), INF)),
    bad(plotting.plot_image_rows, "pad", "negative pad", np.zeros((1, 1, 2, 2)), pad=-1),
    bad(plotting.plot_image_rows, "row_labels", "two row labels for one row",
        np.zeros((1, 1, 2, 2)), row_labels=["a", "b"]),
    bad(plotting.plot_gamma_mixture_fit, "x", "non-positive data", X_POS - 1.0, [0.5, 0.5],
        [1.0, 2.0], 2.0),
    bad(plotting.plot_gamma_mixture_fit, "theta", "weights not summing to one", X_POS,
        [0.5, 0.6], [1.0, 2.0], 2.0),
    bad(plotting.plot_gamma_mixture_fit, "betas", "one rate too few", X_POS, [0.5, 0.5], [1.0],
        2.0),
    bad(plotting.plot_gamma_mixture_fit, "alpha", "zero shape", X_POS, [0.5, 0.5], [1.0, 2.0],
        0.0),
    bad(plotting.plot_gamma_mixture_fit, "truth: betas", "negative generating rate", X_POS,
        [0.5, 0.5], [1.0, 2.0], 2.0, truth=([0.5, 0.5], [1.0, -2.0], 2.0)),
    bad(plotting.plot_gamma_mixture_fit, "bins", "zero bins", X_POS, [0.5, 0.5], [1.0, 2.0],
        2.0, bins=0),
    bad(plotting.plot_em_vs_gradient_ascent, "trajectories", "empty dict", {}, 0.0),
    bad(plotting.plot_em_vs_gradient_ascent, "trajectories", "a list of arrays",
        [np.zeros((2, 5))], 0.0, exc=TypeError),
    bad(plotting.plot_em_vs_gradient_ascent, "log_lik_max", "NaN maximum", {"EM": TRAJ}, NAN),
    bad(plotting.plot_em_vs_gradient_ascent, "coords", "coordinate 7 of 5", {"EM": TRAJ}, 0.0,
        coords=(1, 7)),
    bad(plotting.plot_training_curves, "curves", "empty dict", {}),
    bad(plotting.plot_training_curves, "curves['loss']", "NaN loss", {"loss": [1.0, NAN]}),
    bad(plotting.plot_training_curves, "curves", "a bare array", np.ones(3), exc=TypeError),

    # -- widgets (mlhw.widgets) -----------------------------------------------------------------
    bad(widgets.fair_clustering_widget, "students", "an array for students", np.zeros((8, 3)),
        exc=TypeError),
    bad(widgets.fair_clustering_animation, "ks", "k larger than the eight students", ks=(9,)),
    bad(widgets.fair_clustering_animation, "ks", "no k", ks=()),
    bad(widgets.fair_clustering_animation, "shares", "share above one", shares=(1.5,)),
    bad(widgets.fair_clustering_animation, "features", "unknown feature set",
        features=("height",)),
    bad(widgets.fair_clustering_animation, "cost", "unknown cost", cost="l3"),
    bad(widgets.offline_jshtml, "alt", "empty alt text", "<div></div>", alt=" "),
    bad(widgets.show_table, "rows", "a row shorter than the header", ["a", "b"], [[1]]),
    bad(lloyd.sigma_limit_blobs, "n_per_cluster", "no points", 0),
    bad(lloyd.sigma_limit_blobs, "scale", "negative scale", 5, scale=-1.0),
    bad(lloyd.responsibility_entropy, "resp", "rows not summing to one", RESP * 0.5),
    bad(lloyd.responsibility_entropy, "resp", "NaN responsibility", with_nan(RESP)),
    bad(lloyd.sigma_path, "init_centers", "3-D centres", X, np.zeros((2, 3)), [1.0]),
    bad(lloyd.sigma_path, "sigmas", "zero sigma", X, X[[0, 3]], [1.0, 0.0]),
    bad(lloyd.sigma_path, "X", "NaN in X", X_NAN, X[[0, 3]], [1.0]),
    bad(widgets.sigma_limit_animation, "path", "a dict for the path", {"sigmas": [1.0]},
        exc=TypeError),
    bad(widgets.sigma_limit_widget, "sigma_range", "reversed range", X, X[[0, 3]],
        sigma_range=(2.0, 1.0)),
    bad(widgets.sigma_limit_widget, "value", "sigma outside the range", X, X[[0, 3]],
        value=50.0),
    bad(widgets.sigma_limit_widget, "X", "3-D data", np.zeros((4, 3)), np.zeros((2, 3))),
    bad(plotting.grayscale_png, "image", "1-D image", np.zeros(5)),
    bad(plotting.grayscale_png, "vmin, vmax", "vmin equal to vmax", np.zeros((2, 2)), vmin=1.0,
        vmax=1.0),
    bad(widgets.image_stack_slider, "images_png", "no images", [], [], description="d", alt="a"),
    bad(widgets.image_stack_slider, "values", "one value for two images", [PNG, PNG], [1],
        description="d", alt="a"),
    bad(widgets.image_stack_slider, "alt", "empty alt text", [PNG], [1], description="d",
        alt=""),
    bad(widgets.image_stack_slider, "images_png", "not a PNG", [b"GIF89a" + bytes(30)], [1],
        description="d", alt="a"),
    bad(widgets.image_stack_slider, "images_png", "a string for an image", ["x.png"], [1],
        description="d", alt="a", exc=TypeError),

    # -- check cells ----------------------------------------------------------------------------
    bad(mlhw.check, "label", "label not a string", 3, True, exc=TypeError),
    bad(mlhw.check_close, "value", "value not numeric", "x", "abc", 1.0, exc=TypeError),
    bad(mlhw.check_close, "rtol", "negative rtol", "x", 1.0, 1.0, rtol=-1.0),
    bad(mlhw.check_close, "atol", "NaN atol", "x", 1.0, 1.0, atol=NAN),
    # -- self-checks ----------------------------------------------------------------------------
    *[row for f, g in ((mlhw.self_check, mlhw.self_check_choice),
                       (mlhw.checks.numeric_question, mlhw.checks.choice_question)) for row in (
        bad(f, "answer", "NaN answer", "q", NAN),
        bad(f, "answer", "complex answer", "q", 1 + 2j, exc=TypeError),
        bad(f, "tol", "negative tol", "q", 1.0, tol=-1.0),
        bad(g, "correct", "answer not a choice", "q", ["a", "b"], "c"),
        bad(g, "choices", "repeated choices", "q", ["a", "a"], "a"))],
]

# ----------------------------------------------------------------------------------------------
# the test


def _case_id(case: Case) -> str:
    name = getattr(case.func, "__qualname__", type(case.func).__name__)
    return f"{name}-{case.what}".replace(" ", "_")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_bad_input(case):
    with pytest.raises((ValueError, TypeError)) as info:
        case.func(*case.args, **case.kwargs)
    err = info.value
    msg = str(err)
    assert type(err) is case.exc, f"expected {case.exc.__name__}, got {type(err).__name__}: {msg}"
    assert re.search(rf"(?<![\w]){re.escape(case.arg)}(?![\w])", msg), \
        f"the message does not name {case.arg!r}: {msg}"
    assert re.search(r"\bexpected\b", msg, re.IGNORECASE), f"no 'expected' in: {msg}"
    assert re.search(r"\bgot\b", msg, re.IGNORECASE), f"no 'got' in: {msg}"


def test_table_holds_the_public_api_only():
    public = {id(_underlying(obj)) for obj in _public_callables().values()}
    private = sorted({_case_id(c).split("-")[0] for c in CASES
                      if id(_underlying(c.func)) not in public})
    assert not private, f"rows for callables outside the public API: {private}"


# Public names that take no user data, so they need no row in the table.
EXEMPT = {
    # result and parameter containers (frozen dataclasses built by the fitters; the methods of
    # GMMClassifier that take data have rows above)
    "ELBODecomposition", "EMResult", "EstimatorVariances",
    "GANResult", "GMMClassifier", "GMMParams", "GradientEstimate", "GraphRecovery",
    "LloydResult", "LinearAutoencoderResult", "MonteCarloKL", "VAEResult",
    "AverageDistanceReport", "FairClusteringResult", "FairnessSummary",
    "GMMSample", "GradCheckResult", "KSweep", "LabelMatch", "LinkageMethod", "LipschitzReport",
    "NaiveEStep", "Representation", "ServiceReport", "SigmaPath", "ToyStudents", "VAELoss",
    "mlhw.fairness.FairnessSummary.as_dict",
    # parameter containers a user may build; the functions they are passed to validate them
    # (the public functions that take them check them; rows above)
    "GammaMixtureParams", "RegressionMixtureParams", "Trajectory",
    # warning classes
    "ConvergenceWarning", "EmptyClusterWarning", "EmptyComponentWarning", "ShapeCapWarning",
    "VarianceFloorWarning",
    # layers whose constructor takes no argument (their forward and backward have rows)
    "ReLU", "Sigmoid", "Tanh",
    # accessors without arguments: the parameter arrays and the gradients of the last backward
    *(f"mlhw.nn.{layer}.{method}" for layer in ("Dense", "LeakyReLU", "ReLU", "Sequential",
                                                 "Sigmoid", "Tanh")
      for method in ("parameters", "gradients")),
    "mlhw.vae.VAE.parameters", "mlhw.vae.VAE.gradients",
    # functions without arguments
    "mlhw.fairness.toy_students", "mlhw.datasets.mnist_dir",
}


def _public_callables() -> dict[str, Any]:
    """Every function and class named in ``mlhw.__all__``, and every public function and class
    (with its public methods) of the modules those come from (``mlhw.hac``, ``mlhw.spectral``,
    ...) and of the figure and widget modules, which ``mlhw`` does not import (they import
    matplotlib and ipywidgets)."""
    out: dict[str, Any] = {}
    modules = {"mlhw.plotting", "mlhw.widgets"}
    for name in mlhw.__all__:
        obj = getattr(mlhw, name)
        if inspect.ismodule(obj):
            modules.add(obj.__name__)
        else:
            out[name] = obj
            modules.add(obj.__module__)
    for mod_name in sorted(m for m in modules if m.startswith("mlhw.")):
        mod = import_module(mod_name)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and obj.__module__ == mod_name:
                out[f"{mod_name}.{name}"] = obj
            elif inspect.isclass(obj) and obj.__module__ == mod_name:
                out.setdefault(name, obj)
                for meth_name, meth in _public_methods(obj):
                    out[f"{mod_name}.{name}.{meth_name}"] = meth
    return out


def _public_methods(cls):
    """The public methods a class defines or inherits from another mlhw class (not ``object``'s)."""
    for klass in cls.__mro__:
        if klass is object or not klass.__module__.startswith("mlhw"):
            continue
        for meth_name, meth in vars(klass).items():
            if not meth_name.startswith("_") and inspect.isfunction(meth):
                yield meth_name, getattr(cls, meth_name)


def _underlying(func):
    """A bound method's function, so that ``DENSE.forward`` counts for ``Dense.forward``."""
    return getattr(func, "__func__", func)


def test_every_public_function_is_in_the_table():
    in_table = {id(_underlying(c.func)) for c in CASES}
    missing = sorted(name for name, obj in _public_callables().items()
                     if name not in EXEMPT and id(_underlying(obj)) not in in_table)
    assert not missing, f"public callables without a bad-input case: {missing}"


def test_exemptions_are_current():
    names = set(_public_callables())
    stale = sorted(e for e in EXEMPT if e not in names and e.split(".")[-1] not in names)
    assert not stale, f"exempted names that are no longer public: {stale}"
