"""Timing of mlhw's kernels against scikit-learn and SciPy on the same work, in the same run.

Run with ``make bench``. For each kernel both implementations get the same data, the same
initialisation and a fixed number of iterations; after one warm-up run each, they are timed in
alternation ``--reps`` times and the ratio mlhw / reference of each repetition is reported as
median, min and max. For k-means and the diagonal GMM the achieved floating-point rate is compared
with the rate of a plain NumPy matrix product of the same shapes, measured in the same run.

A scaling study times the diagonal-GMM EM per iteration and its peak extra memory (tracemalloc,
which sees NumPy's allocations) as N grows from 1e3 to 1e6 (d = 50, K = 10).

Results go to ``benchmarks/results.json`` and ``benchmarks/results.md``; the book's performance
appendix reads the JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage as scipy_linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

import mlhw

HERE = Path(__file__).resolve().parent


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def compare(ours, ref, reps, agreement=None):
    """Time ``ours`` against ``ref``; ``agreement(ours_result, ref_result)`` of the warm-up run
    (the largest relative difference of what both computed) shows that they did the same work."""
    a, b = ours(), ref()  # warm-up
    t_ours, t_ref = [], []
    for _ in range(reps):
        t_ours.append(_time(ours))
        t_ref.append(_time(ref))
    ratios = np.array(t_ours) / np.array(t_ref)
    out = {"ours_s": float(np.median(t_ours)), "ref_s": float(np.median(t_ref)),
           "ratio_median": float(np.median(ratios)), "ratio_min": float(ratios.min()),
           "ratio_max": float(ratios.max())}
    if agreement is not None:
        out["max_rel_diff"] = float(agreement(a, b))
    return out


def rel_diff(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    return float(np.max(np.abs(x - y)) / max(np.max(np.abs(y)), 1e-300))


def matmul_rate(a, b, reps=20) -> float:
    a @ b
    t = min(_time(lambda: a @ b) for _ in range(reps))
    return 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / t


def mnist_data():
    images, _ = mlhw.load_mnist("train", n=6000)
    X = images.reshape(len(images), -1).astype(np.float64)
    _, comps = mlhw.pca(X, 50)
    Z = (X - X.mean(axis=0)) @ comps.T
    return X, Z


def bench_kmeans(X, reps):
    k, iters = 10, 50
    init = X[np.random.default_rng(0).choice(len(X), k, replace=False)].copy()
    # tol=0 and the same start: both stop only when the assignments stop changing
    n_iter = mlhw.kmeans(X, k, init=init, max_iter=iters, tol=0).n_iter
    res = compare(lambda: mlhw.kmeans(X, k, init=init, max_iter=iters, tol=0),
                  lambda: KMeans(k, init=init, n_init=1, algorithm="lloyd", max_iter=iters,
                                 tol=0).fit(X), reps,
                  lambda a, b: max(rel_diff(a.centers, b.cluster_centers_),
                                   float(np.any(a.labels != b.labels_))))
    n, d = X.shape
    # the work every Lloyd iteration needs: the N x d x K distance product (mlhw updates the
    # centre sums from the points that moved, so it does little more than this)
    flops = 2.0 * n * k * d * (n_iter + 1)
    res.update(work=f"6000 MNIST images (784-d), K = {k}, up to {iters} Lloyd iterations "
               f"({n_iter} run)", reference="sklearn KMeans(lloyd, n_init=1, tol=0)",
               target=1.0, gflops=flops / res["ours_s"] / 1e9,
               matmul_gflops=matmul_rate(X, init.T) / 1e9)
    return res


def _gmm_init(Z, k, cov):
    rng = np.random.default_rng(0)
    means = Z[rng.choice(len(Z), k, replace=False)]
    if cov == "diag":
        covs = np.tile(Z.var(axis=0), (k, 1))
        prec = 1.0 / covs
    else:
        covs = np.array([np.cov(Z.T, bias=True)] * k)
        prec = np.linalg.inv(covs)
    return {"weights": np.full(k, 1.0 / k), "means": means, "covariances": covs}, prec


def bench_gmm(Z, cov, k, iters, reps):
    init, prec = _gmm_init(Z, k, cov)

    # no variance floor on either side (mlhw clips at its floor, scikit-learn adds its
    # reg_covar): the same EM updates
    def ours():
        return mlhw.fit_gmm(Z, k, covariance=cov, init=init, max_iter=iters, tol=0, reg=0.0)

    def ref():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return GaussianMixture(k, covariance_type=cov, weights_init=init["weights"],
                                   means_init=init["means"], precisions_init=prec,
                                   max_iter=iters, tol=0, reg_covar=0.0).fit(Z)

    res = compare(ours, ref, reps, lambda a, b: max(rel_diff(a.means, b.means_),
                                                    rel_diff(a.covariances, b.covariances_)))
    n, d = Z.shape
    res.update(work=f"6000 MNIST images in {d} PCA dims, K = {k}, {iters} EM iterations",
               reference=f"sklearn GaussianMixture({cov}, same initial parameters, tol=0)",
               target=1.0)
    if cov == "diag":
        flops = 8.0 * n * k * d * iters  # E-step and M-step: four N x d x K products
        res.update(gflops=flops / res["ours_s"] / 1e9,
                   matmul_gflops=matmul_rate(Z, init["means"].T) / 1e9)
    return res


def bench_pca(X, reps):
    # ddof=1: scikit-learn's explained_variance_ divides by N - 1
    res = compare(lambda: mlhw.pca(X, 500, ddof=1), lambda: PCA(500, svd_solver="full").fit(X),
                  reps, lambda a, b: rel_diff(a[0], b.explained_variance_))
    res.update(work="6000 x 784 MNIST images, top 500 components",
               reference="sklearn PCA(svd_solver='full')", target=1.0)
    return res


def bench_hac(reps):
    P = np.random.default_rng(0).normal(size=(2000, 2))
    res = compare(lambda: mlhw.hac.linkage(P, "l2", "avg"),
                  lambda: scipy_linkage(P, "average"), reps,
                  lambda a, b: rel_diff(a[:, 2], b[:, 2]))
    res.update(work="2000 points in 2-D, l2, average linkage",
               reference="scipy.cluster.hierarchy.linkage", target=3.0)
    return res


def scaling(sizes, iters=5):
    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        X = rng.normal(size=(n, 50))
        init, _ = _gmm_init(X[:1000], 10, "diag")
        mlhw.fit_gmm(X[:1000], 10, covariance="diag", init=init, max_iter=1, tol=0)
        tracemalloc.start()
        t = _time(lambda X=X, init=init: mlhw.fit_gmm(X, 10, covariance="diag", init=init,
                                                      max_iter=iters, tol=0))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"n": n, "seconds_per_iteration": t / (iters + 1),
                     "peak_extra_mb": peak / 2**20, "data_mb": X.nbytes / 2**20})
        print(f"  N = {n:>8}: {t / (iters + 1) * 1e3:9.2f} ms per iteration, "
              f"peak extra memory {peak / 2**20:8.1f} MB (data {X.nbytes / 2**20:.0f} MB)",
              flush=True)
    return rows


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__,
            "mlhw": mlhw.__version__, "date": time.strftime("%Y-%m-%d")}


def markdown(results) -> str:
    lines = ["| work | reference | target | median ratio | min | max | mlhw (s) | reference (s) "
             "| results differ by |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results["kernels"].items():
        lines.append(f"| {name}: {r['work']} | {r['reference']} | <= {r['target']:.1f} | "
                     f"{r['ratio_median']:.2f} | {r['ratio_min']:.2f} | {r['ratio_max']:.2f} | "
                     f"{r['ours_s']:.3f} | {r['ref_s']:.3f} | {r.get('max_rel_diff', 0):.1e} |")
    lines.append("")
    lines.append("(results differ by: the largest relative difference between what mlhw and the "
                 "reference computed in the warm-up run: centres and labels, means and "
                 "covariances, eigenvalues, merge heights)")
    lines.append("")
    for name, r in results["kernels"].items():
        if "gflops" in r:
            lines.append(f"- {name}: {r['gflops']:.1f} GFLOP/s achieved against "
                         f"{r['matmul_gflops']:.1f} GFLOP/s for a NumPy product of the same "
                         f"shapes ({100 * r['gflops'] / r['matmul_gflops']:.0f}%)")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--max-n", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    X, Z = mnist_data()
    kernels = {}
    print("k-means ...", flush=True)
    kernels["kmeans"] = bench_kmeans(X, args.reps)
    print("diagonal GMM ...", flush=True)
    kernels["gmm_diag"] = bench_gmm(Z, "diag", 10, 100, args.reps)
    print("full GMM ...", flush=True)
    kernels["gmm_full"] = bench_gmm(Z[:, :20], "full", 5, 100, args.reps)
    print("PCA ...", flush=True)
    kernels["pca"] = bench_pca(X, args.reps)
    print("HAC ...", flush=True)
    kernels["hac"] = bench_hac(args.reps)
    print("scaling of the diagonal GMM ...", flush=True)
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max_n]
    results = {"machine": machine(), "reps": args.reps, "kernels": kernels,
               "scaling": scaling(sizes)}
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (HERE / "results.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
