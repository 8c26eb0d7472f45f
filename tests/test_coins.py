"""The two-coins EM of TUM worksheet 11, problem 2."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import mlhw


def test_published_numbers():
    res = mlhw.two_coins_em(*mlhw.coin_counts("0100110111"))
    assert res.history[0] == 0.5
    assert res.history[1] == pytest.approx(0.6, abs=1e-14)
    assert round(res.theta, 4) == 0.7658
    assert res.converged
    assert np.all(np.diff(res.log_likelihood) >= -1e-12)


@pytest.mark.parametrize("counts", [(5, 2, 5, 4), (6, 2, 5, 4), (3, 0, 9, 7), (10, 8, 4, 1)])
def test_fixed_point_maximises_marginal_likelihood(counts):
    res = mlhw.two_coins_em(*counts, max_iter=100000, tol=1e-14)
    opt = minimize_scalar(lambda t: -mlhw.coins_log_likelihood(t, *counts),
                          bounds=(1e-12, 1 - 1e-12), method="bounded",
                          options={"xatol": 1e-12})
    assert mlhw.coins_log_likelihood(res.theta, *counts) >= -opt.fun - 1e-9


def test_counts():
    assert mlhw.coin_counts("0100110111") == (5, 2, 5, 4)
    assert mlhw.coin_counts("1") == (1, 1, 0, 0)
