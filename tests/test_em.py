"""The EM driver: monotone log-likelihood, convergence flag and warning, restarts, failures."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp

from mlhw import em


def _log_joint(x, p):
    w, mu = p
    return np.log(w) - 0.5 * (x[:, None] - mu) ** 2 - 0.5 * np.log(2 * np.pi)


def _m_step(x, r, p):
    nk = r.sum(0)
    return nk / len(x), (r * x[:, None]).sum(0) / nk


@pytest.fixture
def data(rng):
    return np.concatenate([rng.normal(-2, 1, 150), rng.normal(3, 1, 100)])


def test_loglik_matches_direct_sum_and_never_decreases(data):
    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", em.ConvergenceWarning)   # a converged run is silent
        res = em.run(data, init, _log_joint, _m_step, max_iter=200, tol=1e-10)
    assert res.converged
    assert np.all(np.diff(res.log_likelihood) >= -1e-9)
    direct = logsumexp(_log_joint(data, res.params), axis=1).sum()
    assert res.log_likelihood[-1] == pytest.approx(direct, rel=1e-12)
    assert len(res.log_likelihood) == res.n_iter + 1
    np.testing.assert_allclose(res.resp.sum(1), 1.0)
    assert sorted(np.round(res.params[1])) == [-2.0, 3.0]


def test_tol_zero_runs_exactly_max_iter(data):
    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))
    res = em.run(data, init, _log_joint, _m_step, max_iter=7, tol=0)
    assert res.n_iter == 7 and not res.converged
    assert len(res.log_likelihood) == 8


def test_warns_when_not_converged(data):
    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))
    with pytest.warns(em.ConvergenceWarning, match="did not converge"):
        res = em.run(data, init, _log_joint, _m_step, max_iter=2, tol=1e-12)
    assert not res.converged


def test_restarts_pick_the_best_run(data):
    # three fixed starts, the best in the middle: two symmetric ones (equal means stay equal, a
    # one-Gaussian fixed point) and one that separates the clusters; the driver must return the
    # run with the highest final log-likelihood, not the first, the last or the worst
    starts = [(np.array([0.5, 0.5]), np.array([0.3, 0.3])),
              (np.array([0.5, 0.5]), np.array([-1.0, 1.0])),
              (np.array([0.5, 0.5]), np.array([-4.0, -4.0]))]
    calls = []

    def init(rng):
        calls.append(1)
        return starts[len(calls) - 1]

    best = em.run(data, init, _log_joint, _m_step, n_init=3, seed=0, tol=1e-10, max_iter=500)
    assert len(calls) == 3
    singles = [em.run(data, s, _log_joint, _m_step, tol=1e-10, max_iter=500) for s in starts]
    finals = [r.log_likelihood[-1] for r in singles]
    assert finals[1] > max(finals[0], finals[2]) + 10     # the middle start is clearly best
    assert best.log_likelihood[-1] == finals[1]
    np.testing.assert_array_equal(best.log_likelihood, singles[1].log_likelihood)


def test_same_seed_same_result(data):
    def init(rng):
        return np.array([0.5, 0.5]), rng.normal(0, 3, 2)

    a = em.run(data, init, _log_joint, _m_step, n_init=3, seed=7)
    b = em.run(data, init, _log_joint, _m_step, n_init=3, seed=7)
    np.testing.assert_array_equal(a.log_likelihood, b.log_likelihood)


def test_decrease_is_reported_as_a_bug(data):
    def bad_m_step(x, r, p):  # moves the means away from the data
        w, mu = p
        return w, mu * 2 + 1

    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))
    with pytest.raises(RuntimeError, match="decreased"):
        em.run(data, init, _log_joint, bad_m_step, max_iter=20, tol=0)


def test_labelled_points_via_minus_inf(data):
    """A -inf log joint fixes a responsibility: the semi-supervised mechanism."""
    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))

    def log_joint(x, p):
        lj = _log_joint(x, p)
        lj[0, 1] = -np.inf  # point 0 is known to come from component 0
        return lj

    res = em.run(data, init, log_joint, _m_step, tol=1e-8)
    assert res.resp[0].tolist() == [1.0, 0.0]


def test_nan_log_joint_raises(data):
    with pytest.raises(FloatingPointError, match="NaN"):
        em.run(data, None, lambda x, p: np.full((len(x), 2), np.nan), _m_step)


def test_impossible_point_raises(data):
    with pytest.raises(FloatingPointError, match="zero probability"):
        em.run(data, None, lambda x, p: np.full((len(x), 2), -np.inf), _m_step)


@pytest.mark.parametrize("kwargs, match", [
    ({"max_iter": 0}, "max_iter"),
    ({"tol": -1.0}, "tol"),
    ({"n_init": 0}, "n_init"),
    ({"n_init": 2}, "init"),
])
def test_bad_arguments(data, kwargs, match):
    init = (np.array([0.5, 0.5]), np.array([-0.5, 0.5]))
    with pytest.raises(ValueError, match=match):
        em.run(data, init, _log_joint, _m_step, **kwargs)


def test_no_global_random_state_change(data):
    state = np.random.get_state()[1].copy()

    def init(rng):
        return np.array([0.5, 0.5]), rng.normal(0, 3, 2)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em.run(data, init, _log_joint, _m_step, n_init=2, seed=1)
    assert np.array_equal(np.random.get_state()[1], state)
