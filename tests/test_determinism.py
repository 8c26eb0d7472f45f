"""Determinism and no hidden state.

Every public function of :mod:`mlhw` that draws random numbers takes ``seed`` (``rng`` for a
layer) as ``None``, an int or a :class:`numpy.random.Generator`. For each of them:

* the same int seed gives bit-identical results (every array compared byte for byte, NaNs and
  signed zeros included; wall-clock timings excepted), and so does a fresh
  ``np.random.default_rng`` with the same seed;
* another seed gives another result (the seed is really used);
* neither ``seed=None`` nor an int touches NumPy's global random state (nor Python's ``random``).

A last test reads the package source and fails on any use of NumPy's legacy global generator
(``np.random.seed``, ``np.random.rand``, ``RandomState``, ...) or of Python's ``random`` module.
"""

import ast
import dataclasses
import random
import types
from pathlib import Path

import numpy as np
import pytest

import mlhw
from mlhw import em, nn
from mlhw.divergences import kl_monte_carlo
from mlhw.estimators import LinearGaussianModel
from mlhw.gan import GAN, train_gan
from mlhw.lloyd import kmeans_plusplus
from mlhw.regression_mixture import sample_regression_mixture
from mlhw.semi_supervised import hide_labels
from mlhw.synthetic import gmm_dataset, sample_gmm
from mlhw.vae import VAE, train_vae

_R = np.random.default_rng(7)
X2 = np.concatenate([_R.normal(-2, 1, (40, 2)), _R.normal(2, 1, (40, 2))])
Y2 = np.repeat([0, 1], 40)
POS = _R.gamma(3.0, 1.0, 80)
IMAGES = (_R.random((48, 12)) < 0.3).astype(float)
W2 = np.array([0.5, 0.5])
MEANS2 = np.array([[-2.0, 0.0], [2.0, 0.0]])


def _em_run(seed):
    x = X2[:, 0]

    def log_joint(x, p):
        return np.log(p[0]) - 0.5 * (x[:, None] - p[1]) ** 2 - 0.5 * np.log(2 * np.pi)

    def m_step(x, r, p):
        nk = r.sum(0)
        return nk / len(x), (r * x[:, None]).sum(0) / nk

    return em.run(x, lambda rng: (W2, rng.normal(size=2)), log_joint, m_step, n_init=3,
                  max_iter=3, tol=0, seed=seed)


def _gradient_check(seed):
    x = np.random.default_rng(0).normal(size=(4, 3))
    return nn.gradient_check(lambda: float(np.sum(x**3)), x, 3 * x**2, n_entries=3, seed=seed)


def _blobs(seed):
    from mlhw.lloyd import sigma_limit_blobs
    return sigma_limit_blobs(5, seed=seed)


_LGM = LinearGaussianModel(A=[[1.0, 0.5], [0.0, 2.0]], b=[0.0, 1.0], noise_cov=np.eye(2))
_VAE = VAE(12, n_hidden=4, n_latent=2, seed=0, dtype="float64")
_GAN = GAN(12, n_noise=2, n_hidden=4, seed=0, dtype="float64")
_CLF = mlhw.fit_gmm_classifier(X2, Y2, k=2, seed=0)

#: name -> call(seed): every seeded public entry point, on a tiny problem.
SEEDED = {
    "kmeans": lambda s: mlhw.kmeans(X2, 4, seed=s),
    "kmeans-random-init": lambda s: mlhw.kmeans(X2, 4, init="random", seed=s),
    "kmeans_plusplus": lambda s: kmeans_plusplus(X2, 4, seed=s),
    "kmedians": lambda s: mlhw.kmedians(X2, 4, seed=s),
    "kmedians-random-init": lambda s: mlhw.kmedians(X2, 4, init="random", seed=s),
    **{f"fit_gmm-{c}": (lambda c: lambda s: mlhw.fit_gmm(
        X2, 3, covariance=c, init="random", max_iter=5, tol=0, seed=s,
        **({"sigma2": 1.0} if c == "fixed" else {})))(c)
       for c in ("full", "diag", "spherical", "fixed")},
    "fit_gmm-restarts": lambda s: mlhw.fit_gmm(X2, 3, n_init=3, init="k-means++", max_iter=5,
                                               tol=0, seed=s),
    "fit_gamma_mixture": lambda s: mlhw.fit_gamma_mixture(POS, 2, estimate_alpha=True, n_init=2,
                                                          max_iter=10, tol=0, seed=s),
    "gamma_mixture_data": lambda s: mlhw.gamma_mixture_data(20, seed=s),
    "fit_semi_supervised_gmm": lambda s: mlhw.fit_semi_supervised_gmm(
        X2, np.r_[0, [-1] * 78, 1], 3, max_iter=5, tol=0, seed=s),  # class 2: a random start
    "fit_regression_mixture": lambda s: mlhw.fit_regression_mixture(
        np.column_stack([np.ones(80), X2[:, 0]]), X2[:, 1], 2, n_init=2, max_iter=5, tol=0,
        seed=s),
    "sample_regression_mixture": lambda s: sample_regression_mixture(5, [[0.0, 1.0], [1.0, -1.0]],
                                                                     [0.1, 0.2], seed=s),
    "fit_gmm_classifier": lambda s: mlhw.fit_gmm_classifier(X2, Y2, k=2, max_iter=5, tol=0,
                                                            seed=s),
    "GMMClassifier.sample": lambda s: _CLF.sample(1, 4, seed=s),
    "gmm_k_sweep": lambda s: mlhw.gmm_k_sweep(X2, [1, 2, 3], max_iter=5, tol=0,
                                              init="random", seed=s),
    "hide_labels": lambda s: hide_labels(Y2, 3, seed=s),
    "sample_gmm-full": lambda s: sample_gmm(6, W2, MEANS2, [np.eye(2)] * 2, seed=s),
    "sample_gmm-spherical": lambda s: sample_gmm(6, W2, MEANS2, np.ones(2),
                                                 covariance="spherical", seed=s),
    "sample_gmm-diag": lambda s: sample_gmm(6, W2, MEANS2, np.ones((2, 2)), covariance="diag",
                                            seed=s),
    "gmm_dataset": lambda s: gmm_dataset(30, seed=s),
    "em.run": _em_run,
    "kl_monte_carlo": lambda s: kl_monte_carlo([0.0], [1.0], [1.0], [2.0], n_samples=50, seed=s),
    "score_function_gradient": lambda s: mlhw.score_function_gradient(lambda z: z**2, 1.0, 0.5,
                                                                      50, n_repeats=2, seed=s),
    "reparameterization_gradient": lambda s: mlhw.reparameterization_gradient(
        lambda z: 2 * z, 1.0, 0.5, 50, n_repeats=2, seed=s),
    "LinearGaussianModel.elbo_monte_carlo": lambda s: _LGM.elbo_monte_carlo(
        [0.5, 1.0], [0.0, 0.0], np.eye(2), 20, seed=s),
    "fit_linear_autoencoder": lambda s: mlhw.fit_linear_autoencoder(IMAGES, 2, n_steps=5,
                                                                    seed=s),
    "nn.Dense": lambda s: nn.Dense(3, 2, seed=s),
    "gradient_check": _gradient_check,
    "check_module_gradients": lambda s: nn.check_module_gradients(
        nn.Dense(3, 2, seed=0, dtype="float64"), np.ones((2, 3)), n_entries=2, seed=s),
    "VAE": lambda s: VAE(12, n_hidden=4, n_latent=2, seed=s),
    "VAE.sample": lambda s: _VAE.sample(3, seed=s),
    "VAE.evaluate": lambda s: _VAE.evaluate(IMAGES[:8], seed=s),
    "train_vae": lambda s: train_vae(IMAGES, IMAGES[:8], n_hidden=6, n_latent=2, epochs=2,
                                     batch_size=16, sample_every=1, n_samples=2, seed=s),
    "GAN": lambda s: GAN(12, n_noise=2, n_hidden=4, seed=s),
    "GAN.generate": lambda s: _GAN.generate(3, seed=s),
    "train_gan": lambda s: train_gan(IMAGES, IMAGES[:8], n_noise=2, n_hidden=6, epochs=2,
                                     batch_size=16, sample_every=1, n_samples=2, seed=s),
    "lloyd.sigma_limit_blobs": _blobs,
}

_TIMINGS = {"epoch_seconds"}  # wall-clock fields: the only ones allowed to differ


def _identical(a, b, path="result"):
    """Assert that two results are the same, arrays byte for byte."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert a.tobytes() == b.tobytes(), f"{path} differs"
    elif isinstance(a, (float, np.floating)):
        assert np.float64(a).tobytes() == np.float64(b).tobytes(), f"{path}: {a!r} != {b!r}"
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            if f.name not in _TIMINGS:
                _identical(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _identical(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _identical(a[key], b[key], f"{path}[{key!r}]")
    elif hasattr(a, "__dict__") and not isinstance(a, (type, types.FunctionType,
                                                           types.MethodType)):  # models, layers
        assert type(a) is type(b), path
        _identical(vars(a), vars(b), path)
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def _differs(a, b):
    try:
        _identical(a, b)
    except AssertionError:
        return True
    return False


@pytest.mark.parametrize("name", list(SEEDED))
def test_same_seed_gives_bit_identical_results(name):
    call = SEEDED[name]
    first = call(12345)
    _identical(first, call(12345))
    _identical(first, call(np.random.default_rng(12345)))   # an int seed means default_rng(int)
    assert _differs(first, call(54321)), "the seed has no effect"


def _global_states():
    return np.random.get_state(), random.getstate()


def _assert_same_state(before, after):
    (np_before, py_before), (np_after, py_after) = before, after
    assert np_before[0] == np_after[0] and np_before[2:] == np_after[2:]
    np.testing.assert_array_equal(np_before[1], np_after[1])
    assert py_before == py_after


@pytest.mark.parametrize("seed", [None, 3])
@pytest.mark.parametrize("name", list(SEEDED))
def test_global_random_state_is_never_touched(name, seed, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("mlhw called np.random.seed")

    monkeypatch.setattr(np.random, "seed", forbidden)
    before = _global_states()
    SEEDED[name](seed)
    _assert_same_state(before, _global_states())


def test_every_seeded_public_function_is_covered():
    import inspect
    import pkgutil
    from importlib import import_module

    covered = {name.split("-")[0].split(".")[-1] for name in SEEDED} | {"Dense", "run"}
    missing = []
    for info in pkgutil.iter_modules(mlhw.__path__):
        if info.name.startswith("_") or info.name == "plotting":
            continue
        module = import_module(f"mlhw.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            targets = [(name, obj)]
            if inspect.isclass(obj):
                targets = [(name, obj)] + [(m, getattr(obj, m)) for m in vars(obj)
                                           if not m.startswith("_") and callable(getattr(obj, m))]
            for label, target in targets:
                try:
                    params = inspect.signature(target).parameters
                except (TypeError, ValueError):
                    continue
                if {"seed", "rng"} & set(params) and label not in covered:
                    missing.append(f"{info.name}.{label}")
    assert not missing, f"seeded functions without a determinism test: {missing}"


def test_package_source_never_uses_global_random_state():
    allowed = {"default_rng", "Generator", "SeedSequence", "BitGenerator", "PCG64"}
    offences = []
    for path in sorted(Path(mlhw.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "random"
                    and isinstance(node.value.value, ast.Name)
                    and node.value.value.id in ("np", "numpy") and node.attr not in allowed):
                offences.append(f"{where}: np.random.{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module in ("numpy.random", "random"):
                offences.append(f"{where}: from {node.module} import ...")
            if isinstance(node, ast.Import) and any(a.name == "random" for a in node.names):
                offences.append(f"{where}: import random")
        # and the plain text, as a grep would (docstrings and comments included)
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if "random.seed(" in line or "RandomState(" in line:
                offences.append(f"{path.name}:{i}: {line.strip()}")
    assert not offences, offences


# ------------------------------------------- two runs of the book print the same check numbers


def test_check_log_records_every_verdict_per_process(tmp_path, monkeypatch, capsys):
    import os

    monkeypatch.setenv("MLHW_CHECK_LOG", str(tmp_path / "log"))
    mlhw.check("a condition", True, "detail")
    mlhw.check_close("a number", 0.1 + 0.2, 0.3)
    with pytest.raises(AssertionError):
        mlhw.check("a failing condition", False)
    printed = capsys.readouterr().out.splitlines()
    logged = (tmp_path / "log" / f"{os.getpid()}.txt").read_text().splitlines()
    assert logged == printed                           # failures print nothing and log nothing
    assert logged[1].startswith("Check passed: a number (computed 0.3, expected 0.3)")


def _compare(tmp_path, first, second):
    import subprocess
    import sys

    for name, lines in (("first", first), ("second", second)):
        for i, chunk in enumerate(lines):
            (tmp_path / name).mkdir(exist_ok=True)
            (tmp_path / name / f"{i}.txt").write_text("".join(f"{x}\n" for x in chunk))
    tool = Path(__file__).parents[1] / "tools" / "compare_checks.py"
    return subprocess.run([sys.executable, str(tool), str(tmp_path / "first"),
                           str(tmp_path / "second")], capture_output=True, text=True)


def test_compare_checks_accepts_the_same_verdicts_in_another_order(tmp_path):
    out = _compare(tmp_path, [["A (computed 1)", "B (computed 2)"], ["C"]],
                   [["C"], ["B (computed 2)"], ["A (computed 1)"]])
    assert out.returncode == 0, out.stdout
    assert "3 verdict lines identical" in out.stdout


@pytest.mark.parametrize("second", [[["A (computed 1.000000001)", "C"]], [["A (computed 1)"]],
                                    [["A (computed 1)", "C", "C"]]])
def test_compare_checks_fails_on_another_number_a_missing_or_an_extra_verdict(tmp_path, second):
    out = _compare(tmp_path, [["A (computed 1)", "C"]], second)
    assert out.returncode == 1
    assert "only in" in out.stdout


def test_compare_checks_fails_on_an_empty_log(tmp_path):
    (tmp_path / "second").mkdir()
    out = _compare(tmp_path, [["A"]], [])
    assert out.returncode != 0 and "no check log" in out.stderr
