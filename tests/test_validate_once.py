"""Validation runs once, at the public entry: never per iteration.

Every fitter of the package is run for 5 and for 40 iterations while a profile hook counts the
calls into :mod:`mlhw._validation` (the hook sees every function of that module, however it was
imported) and into the public methods that check their own arguments. The counts must be equal:
a check inside the loop would add calls with every iteration. Where the data argument has one
name, the hook also counts how often that array went through
:func:`mlhw._validation.as_array`: once per call.
"""

import inspect
import sys
import warnings

import numpy as np
import pytest

import mlhw
import mlhw._validation as validation
from mlhw import first_order_em as fo
from mlhw import gamma_mixture as gm
from mlhw.gmm_classifier import gmm_k_sweep
from mlhw.lloyd import kmedians
from mlhw.regression_mixture import sample_regression_mixture

# the checking code: every function of mlhw._validation, and the public methods that check their
# arguments themselves (an optimiser's step; the training loops call its unchecked twin)
CODES = {f.__code__ for f in vars(validation).values()
         if inspect.isfunction(f) and f.__module__ == validation.__name__}
CODES.add(mlhw.nn.Adam.step.__code__)


def count(call, data_name=None):
    """``(calls into mlhw._validation, as_array calls on the array named data_name)``."""
    calls, data_checks = 0, 0

    def hook(frame, event, arg):
        nonlocal calls, data_checks
        if event == "call" and frame.f_code in CODES:
            calls += 1
            if frame.f_code is validation.as_array.__code__ and frame.f_locals["name"] == data_name:
                data_checks += 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.setprofile(hook)
        try:
            call()
        finally:
            sys.setprofile(None)
    return calls, data_checks


RNG = np.random.default_rng(0)
X = np.concatenate([RNG.normal(-2, 1, (30, 2)), RNG.normal(2, 1, (30, 2))])
LABELS = np.repeat([0, 1], 30)
Y_SEMI = np.where(np.arange(60) % 10 == 0, LABELS, -1)
X_POS = gm.gamma_mixture_data(60, seed=0)[0]
X_REG, Y_REG, _ = sample_regression_mixture(60, [[0.0, 1.0], [0.0, -1.0]], [0.1, 0.1], seed=0)
X_1D = X[:, 0].copy()
THETA0 = fo.pack_params([0.5, 0.5], [-1.0, 1.0], [2.0, 2.0])
IMAGES = RNG.random((16, 6))

# name -> (fit(n): the fitter run for n iterations, the name of its data argument or None)
FITTERS = {
    **{f"fit_gmm {cov} {init}": (
        lambda n, cov=cov, init=init: mlhw.fit_gmm(
            X, 2, covariance=cov, init=init, max_iter=n, tol=0, seed=0,
            sigma2=1.0 if cov == "fixed" else None), "X")
       for cov in ("full", "diag", "spherical", "fixed") for init in ("random", None)},
    "fit_gamma_mixture alpha known": (
        lambda n: gm.fit_gamma_mixture(X_POS, 3, alpha=5.0, max_iter=n, tol=0, seed=0), "x"),
    "fit_gamma_mixture alpha estimated": (
        lambda n: gm.fit_gamma_mixture(X_POS, 3, estimate_alpha=True, max_iter=n, tol=0, seed=0),
        "x"),
    "gamma_mixture.run_em": (
        lambda n: gm.run_em(X_POS, [0.3, 0.4, 0.3], [5.0, 1.0, 0.25], 5.0, iterations=n), "x"),
    "fit_regression_mixture": (
        lambda n: mlhw.fit_regression_mixture(X_REG, Y_REG, 2, max_iter=n, tol=0, seed=0), "X"),
    "fit_semi_supervised_gmm": (
        lambda n: mlhw.fit_semi_supervised_gmm(X, Y_SEMI, 2, max_iter=n, tol=0), "X"),
    "two_coins_em": (lambda n: mlhw.two_coins_em(5, 2, 5, 4, max_iter=n, tol=0), None),
    **{f"first_order_em.trajectory {method}": (
        lambda n, method=method: fo.trajectory(
            X_1D, THETA0, method=method, n_steps=n, eta=None if method == "em" else 1e-3), "x")
       for method in fo.METHODS},
    "fit_gmm_classifier": (
        lambda n: mlhw.fit_gmm_classifier(X, LABELS, 2, max_iter=n, tol=0, seed=0), "X"),
    "gmm_k_sweep": (lambda n: gmm_k_sweep(X, [1, 2], max_iter=n, tol=0, seed=0), "X"),
    "kmeans": (lambda n: mlhw.kmeans(X, 2, max_iter=n, tol=0, seed=0), "X"),
    "kmedians": (lambda n: kmedians(X, 2, max_iter=n, seed=0), "X"),
    "fit_linear_autoencoder": (lambda n: mlhw.fit_linear_autoencoder(X, 1, n_steps=n, seed=0),
                               None),
    "train_vae": (lambda n: mlhw.train_vae(IMAGES, epochs=n, n_hidden=4, n_latent=2,
                                           batch_size=8, seed=0), None),
    "train_gan": (lambda n: mlhw.train_gan(IMAGES, epochs=n, n_noise=2, n_hidden=4,
                                           batch_size=8, seed=0), None),
}


@pytest.mark.parametrize("name", FITTERS)
def test_validation_does_not_depend_on_iterations(name):
    fit, _ = FITTERS[name]
    few, many = count(lambda: fit(5))[0], count(lambda: fit(40))[0]
    assert few == many, f"{name}: {few} validation calls for 5 iterations, {many} for 40"


@pytest.mark.parametrize("name", [n for n, (_, data) in FITTERS.items() if data is not None])
def test_data_checked_once(name):
    fit, data = FITTERS[name]
    assert count(lambda: fit(5), data)[1] == 1, f"{name} checks {data} more than once"
