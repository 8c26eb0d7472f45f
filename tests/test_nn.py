"""Tests of mlhw.nn: layer gradients against finite differences, the Bernoulli loss, Adam."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss

from mlhw.nn import (Adam, Dense, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh, bce_with_logits,
                     check_dtype, check_module_gradients, gradient_check)

LAYERS = {
    "dense_he": lambda: Dense(5, 3, seed=0, dtype="float64"),
    "dense_xavier": lambda: Dense(5, 3, seed=1, init="xavier", dtype="float64"),
    "relu": ReLU,
    "leaky_relu": lambda: LeakyReLU(0.1),
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "sequential": lambda: Sequential([Dense(5, 4, seed=2, dtype="float64"), LeakyReLU(0.2),
                                      Dense(4, 4, seed=3, dtype="float64"), Tanh(),
                                      Dense(4, 3, seed=4, dtype="float64"), Sigmoid()]),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradients_match_finite_differences(name, rng):
    layer = LAYERS[name]()
    x = rng.standard_normal((7, 5))
    errors = check_module_gradients(layer, x, seed=0, n_entries=None)
    assert errors, "nothing was checked"
    assert max(errors.values()) < 1e-7, errors


def test_gradient_check_detects_a_wrong_gradient():
    x = np.array([0.5, -1.0, 2.0])
    good = gradient_check(lambda: float(np.sum(np.sin(x))), x, np.cos(x))
    bad = gradient_check(lambda: float(np.sum(np.sin(x))), x, 1.01 * np.cos(x))
    assert good.max_rel_error < 1e-8
    assert bad.max_rel_error > 1e-3
    assert good.n_checked == 3


def test_gradient_check_subsamples_and_restores():
    x = np.arange(10.0)
    before = x.copy()
    res = gradient_check(lambda: float((x ** 2).sum()), x, 2 * x, n_entries=4, seed=1)
    assert res.n_checked == 4
    np.testing.assert_array_equal(x, before)


def test_check_module_gradients_detects_a_broken_backward(rng):
    class BrokenTanh(Tanh):
        def _backward(self, dy, param_grads=True):
            return dy * (1 - self._y)          # wrong derivative

    errors = check_module_gradients(BrokenTanh(), rng.standard_normal((4, 3)), n_entries=None)
    assert errors["input"] > 1e-2


def test_relu_backward_masks_negative_inputs():
    relu = ReLU()
    y = relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(y, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])


def test_dense_init_is_seeded_and_scaled():
    a, b = Dense(400, 300, seed=7), Dense(400, 300, seed=7)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert a.params["W"].dtype == np.float32
    assert a.params["W"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    xav = Dense(400, 300, seed=7, init="xavier", dtype="float64")
    assert np.abs(xav.params["W"]).max() <= np.sqrt(6 / 700)
    np.testing.assert_array_equal(a.params["b"], 0)


def test_float32_stays_float32():
    net = Sequential([Dense(6, 4, seed=0), ReLU(), Dense(4, 2, seed=1), Sigmoid()])
    y = net.forward(np.ones((3, 6), dtype=np.float32))
    assert y.dtype == np.float32
    dx = net.backward(np.ones((3, 2), dtype=np.float32))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients())


def test_backward_without_param_grads_leaves_gradients(rng):
    layer = Dense(3, 2, seed=0, dtype="float64")
    sentinel = {k: v.copy() for k, v in layer.grads.items()}
    layer.forward(rng.standard_normal((4, 3)))
    dx = layer.backward(np.ones((4, 2)), param_grads=False)
    assert dx.shape == (4, 3)
    for k in sentinel:
        np.testing.assert_array_equal(layer.grads[k], sentinel[k])


def test_bce_matches_sklearn_log_loss(rng):
    logits = rng.normal(0, 3, size=(6, 5))
    targets = (rng.random((6, 5)) < 0.5).astype(float)
    losses, grad = bce_with_logits(logits, targets)
    p = 1 / (1 + np.exp(-logits))
    for i in range(6):
        want = log_loss(targets[i], p[i], labels=[0, 1], normalize=False)
        assert losses[i] == pytest.approx(want, rel=1e-9)
    np.testing.assert_allclose(grad, p - targets, rtol=1e-12)


def test_bce_gradient_and_extreme_logits(rng):
    logits = rng.normal(0, 2, size=(3, 4))
    targets = rng.random((3, 4))
    losses, grad = bce_with_logits(logits, targets)
    res = gradient_check(lambda: float(bce_with_logits(logits, targets)[0].sum()), logits, grad)
    assert res.max_rel_error < 1e-7
    big, g = bce_with_logits([[1000.0, -1000.0]], [[0.0, 1.0]])
    assert np.all(np.isfinite(big)) and big[0] == pytest.approx(2000.0)
    np.testing.assert_allclose(g, [[1.0, -1.0]])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30, 30), min_size=1, max_size=8),
       st.lists(st.floats(0, 1), min_size=8, max_size=8))
def test_bce_is_at_least_the_target_entropy(logits, targets):
    l = np.array([logits])
    t = np.array([targets[:len(logits)]])
    losses, _ = bce_with_logits(l, t)
    entropy = -np.sum(np.where(t > 0, t * np.log(np.where(t > 0, t, 1)), 0)
                      + np.where(t < 1, (1 - t) * np.log(np.where(t < 1, 1 - t, 1)), 0))
    assert losses[0] >= entropy - 1e-9


def _reference_adam(w, grad_fn, steps, lr, b1, b2, eps):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w


def test_adam_matches_the_textbook_update():
    a = np.array([[3.0, 0.5], [0.5, 1.0]])

    def grad(w):
        return a @ w - 1.0

    w = np.array([2.0, -1.0])
    opt = Adam([w], lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(25):
        opt.step([grad(w)])
    want = _reference_adam(np.array([2.0, -1.0]), grad, 25, 0.05, 0.8, 0.99, 1e-6)
    np.testing.assert_allclose(w, want, rtol=1e-12)


def test_adam_minimises_a_quadratic():
    w = np.array([5.0, -3.0])
    opt = Adam([w], lr=0.1)
    for _ in range(2000):
        opt.step([2 * (w - np.array([1.0, 2.0]))])
    np.testing.assert_allclose(w, [1.0, 2.0], atol=1e-3)


@pytest.mark.parametrize("make, arg", [
    (lambda: Dense(0, 3), "n_in"),
    (lambda: Dense(3, 2, init="orthogonal"), "init"),
    (lambda: Dense(3, 2, dtype="int32"), "dtype"),
    (lambda: LeakyReLU(1.5), "slope"),
    (lambda: Adam([np.zeros(2)], lr=0.0), "lr"),
    (lambda: Adam([np.zeros(2)], betas=(0.9, 1.0)), "betas"),
    (lambda: Adam([np.zeros(2)]).step([np.zeros(2), np.zeros(2)]), "grads"),
    (lambda: bce_with_logits(np.zeros((2, 3)), np.zeros((2, 2))), "targets"),
    (lambda: bce_with_logits(np.zeros((2, 3)), np.full((2, 3), 1.5)), "targets"),
    (lambda: bce_with_logits(np.full((1, 2), np.nan), np.zeros((1, 2))), "logits"),
    (lambda: bce_with_logits(np.zeros(3), np.zeros(3)), "logits"),
    (lambda: gradient_check(lambda: 0.0, np.zeros(2), np.zeros(3)), "grad"),
    (lambda: gradient_check(lambda: np.nan, np.zeros(2), np.zeros(2)), "f"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


@pytest.mark.parametrize("make, arg", [
    (lambda: Dense(2.5, 3), "n_in"),
    (lambda: LeakyReLU("a"), "slope"),
    (lambda: Sequential([Dense(2, 2), "relu"]), "layers"),
    (lambda: Adam([[1.0, 2.0]]), "params"),
    (lambda: gradient_check(lambda: 0.0, np.zeros(2, dtype=np.float32), np.zeros(2)), "x"),
    (lambda: check_module_gradients("dense", np.zeros((2, 2))), "module"),
    (lambda: check_dtype(object()), "dtype"),
])
def test_wrong_types_raise_type_error_naming_the_argument(make, arg):
    with pytest.raises(TypeError, match=arg):
        make()


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**16),
       st.sampled_from(["relu", "leaky", "sigmoid", "tanh"]))
def test_random_small_networks_pass_the_gradient_check(n, n_in, n_out, seed, act):
    activation = {"relu": ReLU(), "leaky": LeakyReLU(0.3), "sigmoid": Sigmoid(),
                  "tanh": Tanh()}[act]
    net = Sequential([Dense(n_in, 4, seed=seed, dtype="float64"), activation,
                      Dense(4, n_out, seed=seed + 1, init="xavier", dtype="float64")])
    x = np.random.default_rng(seed).standard_normal((n, n_in))
    if act in ("relu", "leaky"):
        # a finite difference across the kink at 0 is not the derivative: keep every hidden
        # pre-activation farther from 0 than a step of the check can move it
        assume(np.abs(net.layers[0].forward(x)).min() > 1e-3)
    errors = check_module_gradients(net, x, seed=seed, n_entries=None)
    assert max(errors.values()) < 1e-6, errors


# -- input checks: on the public passes, none on the unchecked ones the training loops use

@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_before_forward_is_a_value_error(name):
    with pytest.raises(ValueError, match=r"dy: expected a gradient after a forward pass"):
        LAYERS[name]().backward(np.ones((2, 3)))


def test_dense_names_x_for_a_batch_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"x: expected 3 features per row, got shape \(2, 4\)"):
        Dense(3, 2, seed=0).forward(np.ones((2, 4)))


def test_backward_needs_dy_shaped_like_the_last_output():
    layer = Sigmoid()
    layer.forward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"dy: expected the shape of the last output \(3, 2\)"):
        layer.backward(np.ones((2, 3)))


def test_unchecked_pass_lets_non_finite_values_through():
    # a network whose weights have blown up: the public pass raises on its non-finite output,
    # the unchecked pass propagates it for the training loop's loss check to report
    net = Sequential([Dense(2, 3, seed=0), ReLU(), Dense(3, 1, seed=1)])
    net.layers[0].params["W"][0, 0] = np.inf
    x = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(FloatingPointError, match="Sequential: the output is not finite"):
        net.forward(x)
    with np.errstate(invalid="ignore"):
        assert not np.isfinite(net._forward(x)).all()


def test_sequential_checks_that_widths_chain():
    inner = Sequential([Dense(3, 2, seed=0), Tanh()])
    outer = Sequential([inner, ReLU(), Dense(2, 1, seed=1)])
    assert outer.forward(np.ones((4, 3))).shape == (4, 1)
    with pytest.raises(ValueError, match=r"layers\[1\]: expected a layer taking 2 inputs"):
        Sequential([inner, Dense(4, 1, seed=1)])


def test_adam_rejects_a_misshaped_gradient_without_stepping():
    w = np.array([1.0, 2.0])
    opt = Adam([w], lr=0.1)
    with pytest.raises(ValueError, match=r"grads\[0\]: expected the shape of params\[0\]"):
        opt.step([np.ones((2, 1))])          # unchecked: a broadcasting error from numpy
    assert opt.t == 0 and w.tolist() == [1.0, 2.0]
    opt.step([[2.0, 4.0]])                    # a gradient given as a list is converted
    assert opt.t == 1 and w.round(3).tolist() == [0.9, 1.9]
