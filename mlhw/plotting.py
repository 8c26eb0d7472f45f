"""Figures of the book. Imports matplotlib on first use only (``mlhw.plotting`` is lazy).

Every function draws on a given or new axes, titles it, labels its axes, and returns the figure
or axes so the chapter can adjust it.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_int, check_positive, check_probabilities
from .spectral import _check_weights

__all__ = ["plot_gaussian_ellipses", "plot_regression_mixture", "plot_fair_clustering",
           "plot_embedding_3d", "plot_graph", "plot_image_rows", "plot_em_vs_gradient_ascent",
           "plot_gamma_mixture_fit", "plot_training_curves", "grayscale_png"]


def _axes(ax, figsize, ncols=1, **subplot_kw):
    """``ax`` if given, else the new axes (``ncols`` side by side, made with ``subplot_kw``) of a
    figure of ``figsize``."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(1, ncols, figsize=figsize, subplot_kw=subplot_kw)
    return ax


def _label(ax, legend=None, **labels):
    """Set the labels given (``xlabel``, ``title``, ...; ``None`` leaves one as it is), draw the
    legend if ``legend`` (the keyword arguments of ``Axes.legend``) is given; return ``ax``."""
    ax.set(**{key: text for key, text in labels.items() if text is not None})
    if legend is not None:
        ax.legend(**legend)
    return ax


def _suptitle(fig, title):
    """A two-panel figure's title (if given) and tight layout; return ``fig``."""
    if title is not None:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _check_mapping(value, name: str, what: str) -> dict:
    """A non-empty mapping (label -> data), or a TypeError / ValueError naming ``name``."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: expected a dict of label -> {what}, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name}: expected at least one entry (label -> {what}), got none")
    return dict(value)


# --- Gaussian components and regression mixtures (NTU HW3, problems 4 and 5) -----------------

def plot_gaussian_ellipses(means, covariances, *, ax=None, n_std=2.0, colors=None,
                           linestyle="-", label=None, title=None):
    """Draw the ``n_std``-standard-deviation ellipse of each 2-D Gaussian component.

    Parameters
    ----------
    means : array_like, shape (k, 2)
    covariances : array_like
        ``(k, 2, 2)`` full, ``(k, 2)`` diagonal or ``(k,)`` spherical variances.
    ax : matplotlib Axes, optional
    n_std : float
        Ellipse radius in standard deviations along each principal axis.
    colors : sequence of colours, optional
        One per component (default: the colour cycle).
    linestyle : str
    label : str, optional
        Legend label (put on the first ellipse only).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Ellipse

    means = as_array(means, "means", ndim=2, shape=(None, 2))
    k = len(means)
    covs = as_array(covariances, "covariances", ndim=(1, 2, 3))
    want = {1: (k,), 2: (k, 2), 3: (k, 2, 2)}[covs.ndim]
    if covs.shape != want:
        raise ValueError(f"covariances: expected shape {want} for {k} components of dimension 2, "
                         f"got {covs.shape}")
    if covs.ndim < 3:                        # spherical or diagonal: diagonal 2 x 2 matrices
        covs = check_positive(covs, "covariances", strict=False).reshape(k, -1, 1) * np.eye(2)
    elif not np.allclose(covs, covs.transpose(0, 2, 1)):
        raise ValueError("covariances: expected symmetric 2 x 2 matrices, got a non-symmetric one")
    n_std = float(check_positive(n_std, "n_std", ndim=0))
    ax = _axes(ax, (5, 4))
    if colors is None:
        colors = [f"C{j}" for j in range(k)]
    for j in range(k):
        vals, vecs = np.linalg.eigh(covs[j])
        angle = np.degrees(np.arctan2(vecs[1, -1], vecs[0, -1]))
        w, h = 2 * n_std * np.sqrt(np.maximum(vals[::-1], 0.0))
        ax.add_patch(Ellipse(means[j], w, h, angle=angle, fill=False, color=colors[j],
                             linestyle=linestyle, linewidth=2,
                             label=label if j == 0 else None))
        ax.plot(*means[j], marker="x", color=colors[j], markersize=9, mew=2)
    return _label(ax, xlabel="$x_1$", ylabel="$x_2$", title=title)


def plot_regression_mixture(x, y, resp, coefs, *, true_coefs=None, ax=None, title=None):
    """Scatter 1-D regression data coloured by responsibility, with the fitted lines.

    Each point's colour mixes the component colours with weights ``resp[i]``, so a point the
    model is unsure about shows a blend.

    Parameters
    ----------
    x : array_like, shape (N,)
        The feature (the design matrix is ``(1, x)``).
    y : array_like, shape (N,)
    resp : array_like, shape (N, K)
        Responsibilities.
    coefs : array_like, shape (K, 2)
        Fitted ``(intercept, slope)`` of each component.
    true_coefs : array_like, shape (K', 2), optional
        Generating lines, drawn dashed.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.colors import to_rgb

    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", ndim=1, shape=(len(x),))
    resp = check_probabilities(as_array(resp, "resp", ndim=2, shape=(len(x), None)), "resp")
    k = resp.shape[1]
    coefs = as_array(coefs, "coefs", ndim=2, shape=(k, 2))
    if true_coefs is not None:
        true_coefs = as_array(true_coefs, "true_coefs", ndim=2, shape=(None, 2))
    palette = np.array([to_rgb(f"C{j}") for j in range(k)])
    ax = _axes(ax, (6, 4))
    ax.scatter(x, y, c=np.clip(resp @ palette, 0, 1), s=14, alpha=0.8, edgecolors="none")
    grid = np.linspace(x.min(), x.max(), 2)
    for j in range(k):
        ax.plot(grid, coefs[j, 0] + coefs[j, 1] * grid, color=f"C{j}", linewidth=2.5,
                label=f"fitted line {j}")
    if true_coefs is not None:
        for j, c in enumerate(true_coefs):
            ax.plot(grid, c[0] + c[1] * grid, color="k", linestyle="--", linewidth=1,
                    label="generating lines" if j == 0 else None)
    return _label(ax, legend={"loc": "best", "fontsize": "small"}, xlabel="$x$", ylabel="$y$",
                  title=title)


def _check_students(students):
    """``students`` if it is a :class:`mlhw.fairness.ToyStudents`, else a TypeError."""
    from .fairness import ToyStudents

    if not isinstance(students, ToyStudents):
        raise TypeError(f"students: expected mlhw.fairness.ToyStudents (from toy_students()), "
                        f"got {type(students).__name__}")
    return students


def _by_mean_gpa(gpa, labels):
    """The clusters of ``labels``, the highest mean ``gpa`` first (the top tier)."""
    clusters = np.unique(labels)
    return clusters[np.argsort([-gpa[labels == c].mean() for c in clusters], kind="stable")]


def plot_fair_clustering(students, labels, *, ax=None, title=None):
    """Draw a clustering of the CS181 HW4 toy students (problem 4.4) along the GPA axis.

    Clusters are drawn as rows, the highest mean GPA on top; women are circles, men squares, and
    each point carries its letter. Students with equal GPA in one cluster are stacked slightly.

    Parameters
    ----------
    students : mlhw.fairness.ToyStudents
    labels : array_like of int, shape (8,)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    students = _check_students(students)
    labels = as_array(labels, "labels", ndim=1, shape=(len(students.names),), dtype=np.int64)
    ax = _axes(ax, (7, 3))
    gpa = students.gpa
    tier = {c: r for r, c in enumerate(_by_mean_gpa(gpa, labels))}
    styles = {0: ("s", "tab:blue"), 1: ("o", "tab:orange")}
    seen = {}
    for i, name in enumerate(students.names):
        row, g = tier[labels[i]], int(students.groups[i])
        stacked = seen.get((row, gpa[i]), 0)          # earlier points of equal GPA in the row
        seen[row, gpa[i]] = stacked + 1
        y = row + 0.18 * stacked
        ax.scatter(gpa[i], y, marker=styles[g][0], color=styles[g][1], s=70, zorder=3,
                   label=students.group_names[g])
        ax.annotate(name, (gpa[i], y), textcoords="offset points",
                    xytext=(8, -4) if stacked else (0, 7), ha="left" if stacked else "center",
                    fontsize=9)
    unique = dict(zip(*ax.get_legend_handles_labels()[::-1]))   # label -> handle: one per group
    ax.legend(unique.values(), unique.keys(), loc="center left", fontsize=8)
    ax.set_yticks(range(len(tier)), [f"cluster {r + 1}" for r in range(len(tier))])
    ax.set_ylim(len(tier) - 0.4, -0.6)
    ax.set_xlim(3.60, 4.04)                  # room for the legend left of the lowest GPA
    ax.grid(axis="x", alpha=0.3)
    return _label(ax, xlabel="GPA (4.0 scale)", ylabel="cluster (1 = highest mean GPA)",
                  title=title or "Clustering of the eight applicants")


def _node_labels(labels, n: int) -> list:
    """``n`` point labels as strings (default ``1..n``)."""
    if labels is None:
        return [str(i + 1) for i in range(n)]
    labels = [str(v) for v in labels]
    if len(labels) != n:
        raise ValueError(f"labels: expected one label per point ({n}), got {len(labels)}")
    return labels


def plot_graph(W, pos, *, ax=None, labels=None, title=None, node_size=420):
    """Draw an undirected graph: edges as lines, vertices as numbered discs.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Symmetric weights; an edge is drawn for every ``W[i, j] > 0`` with ``i < j``.
    pos : array_like, shape (n, 2)
        Vertex coordinates.
    ax : matplotlib Axes, optional
    labels : sequence of str, optional
        Vertex labels (default ``1..n``, the numbering of the homework).
    title : str, optional
    node_size : float, optional
        Marker area of the vertex discs (points^2).

    Returns
    -------
    matplotlib Axes
    """
    W = _check_weights(W)
    n = W.shape[0]
    pos = as_array(pos, "pos", ndim=2, shape=(n, 2))
    labels = _node_labels(labels, n)
    ax = _axes(ax, (6, 5))
    edges = np.argwhere(np.triu(W, 1))
    for i, j in edges:
        ax.plot(pos[[i, j], 0], pos[[i, j], 1], color="0.45", lw=1.5, zorder=1)
    ax.scatter(pos[:, 0], pos[:, 1], s=node_size, color="white", edgecolor="tab:blue", lw=2,
               zorder=2)
    for i in range(n):
        ax.annotate(labels[i], pos[i], ha="center", va="center", fontsize=10, zorder=3)
    ax.margins(0.12)
    return _label(ax, xlabel="layout coordinate 1", ylabel="layout coordinate 2",
                  title=title or f"Graph with {n} vertices and {len(edges)} edges")


def plot_embedding_3d(Z, *, W=None, ax=None, labels=None, title=None, axis_labels=None):
    """3-D scatter plot of an embedding (rows of ``Z``), optionally with the graph's edges.

    Parameters
    ----------
    Z : array_like, shape (n, 3)
        One point per vertex.
    W : array_like, shape (n, n), optional
        If given, an edge ``W[i, j] > 0`` is drawn as a segment between ``z_i`` and ``z_j``.
    ax : matplotlib 3-D Axes, optional
    labels : sequence of str, optional
        Point labels (default ``1..n``).
    title : str, optional
    axis_labels : sequence of 3 str, optional

    Returns
    -------
    matplotlib Axes (3-D)
    """
    Z = as_array(Z, "Z", ndim=2, shape=(None, 3))
    n = Z.shape[0]
    if W is not None:
        W = _check_weights(as_array(W, "W", shape=(n, n)))
    labels = _node_labels(labels, n)
    if axis_labels is not None and len(axis_labels) != 3:
        raise ValueError(f"axis_labels: expected three names, got {len(axis_labels)}")
    ax = _axes(ax, (6.5, 5.5), projection="3d")
    if W is not None:
        for i, j in np.argwhere(np.triu(W, 1)):
            ax.plot(*Z[[i, j]].T, color="0.6", lw=1)
    ax.scatter(*Z.T, s=40, color="tab:blue", depthshade=False)
    for i in range(n):
        ax.text(*Z[i], f" {labels[i]}", fontsize=9)
    names = axis_labels or ("coordinate 1", "coordinate 2", "coordinate 3")
    return _label(ax, xlabel=names[0], ylabel=names[1], zlabel=names[2],
                  title=title or "3-D embedding")


def plot_image_rows(images, *, ax=None, row_labels=None, col_labels=None, title=None, pad=2,
                    cmap="gray_r", xlabel=None, ylabel=None):
    """Draw a grid of small greyscale images (for example MNIST) as one picture.

    The grid is drawn as one ``imshow`` (fast); NaN pixels (padding, a missing image) show white.

    Parameters
    ----------
    images : array_like, shape (rows, cols, h, w)
        ``images[r, c]`` is drawn in row ``r``, column ``c``.
    ax : matplotlib Axes, optional
    row_labels, col_labels : sequence of str, optional
        Tick labels at the centre of each row / column.
    title, xlabel, ylabel : str, optional
    pad : int
        Pixels of white between images.
    cmap : str
        Colour map (default: dark ink on white).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    imgs = as_array(images, "images", ndim=4, finite=False)
    if np.isinf(imgs).any():
        raise ValueError("images: expected finite pixels (NaN shows as white), got infinity")
    if 0 in imgs.shape:
        raise ValueError(f"images: expected shape (rows, cols, h, w) with no empty axis, "
                         f"got {imgs.shape}")
    pad = check_int(pad, "pad", low=0)
    r, c, h, w = imgs.shape
    for name, lab, m in (("row_labels", row_labels, r), ("col_labels", col_labels, c)):
        if lab is not None and len(lab) != m:
            raise ValueError(f"{name}: expected {m} labels, got {len(lab)}")
    canvas = np.full((r, h + pad, c, w + pad), np.nan)  # each image with pad above and left
    canvas[:, pad:, :, pad:] = imgs.transpose(0, 2, 1, 3)
    canvas = np.pad(canvas.reshape(r * (h + pad), c * (w + pad)), ((0, pad), (0, pad)),
                    constant_values=np.nan)
    ax = _axes(ax, (0.45 * c + 1.5, 0.45 * r + 1))
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(canvas), cmap=cm, interpolation="nearest")
    ax.set_yticks(pad + (h + pad) * np.arange(r) + h / 2 - 0.5,
                  row_labels if row_labels is not None else [""] * r)
    ax.set_xticks(pad + (w + pad) * np.arange(c) + w / 2 - 0.5,
                  col_labels if col_labels is not None else [""] * c)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    return _label(ax, xlabel=xlabel, ylabel=ylabel, title=title)


# --- Gamma mixture and first-order EM (CS181 HW4 "latent variable models", problems 1 and 3) --

def plot_gamma_mixture_fit(x, theta, betas, alpha, *, truth=None, bins=60, axes=None,
                           title=None):
    """Histogram of positive data with a fitted Gamma mixture density, on a linear and a log axis.

    The right panel shows ``log10 x``, whose density is ``p(x) x ln 10``, so components of very
    different scales are all visible.

    Parameters
    ----------
    x : array_like, shape (N,)
        Positive data.
    theta, betas, alpha
        The fitted mixture (rates ``betas``, shared shape ``alpha``).
    truth : tuple (theta, betas, alpha), optional
        A second mixture drawn dashed (the generating one).
    bins : int
    axes : pair of matplotlib Axes, optional
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib Figure
    """
    from .gamma_mixture import gamma_mixture_pdf

    x = check_positive(as_array(x, "x", ndim=1), "x")
    bins = check_int(bins, "bins", low=1)
    curves = [("fitted mixture", (theta, betas, alpha), "-", "C3", "")]
    if truth is not None:
        if len(truth) != 3:
            raise ValueError(f"truth: expected (theta, betas, alpha), got {len(truth)} items")
        curves.append(("generating mixture", truth, "--", "k", "truth: "))
    for n, (label, (t, b, a), ls, color, prefix) in enumerate(curves):
        t = check_probabilities(as_array(t, prefix + "theta", ndim=1), prefix + "theta")
        b = check_positive(as_array(b, prefix + "betas", ndim=1, shape=(len(t),)),
                           prefix + "betas")
        curves[n] = (label, (t, b, check_positive(a, prefix + "alpha")), ls, color)
    axes = _axes(axes, (11, 4), ncols=2)
    lin = np.linspace(1e-3, np.quantile(x, 0.995), 600)
    logs = np.linspace(np.log10(x.min()) - 0.2, np.log10(x.max()) + 0.2, 600)
    g = 10.0**logs
    edges = np.linspace(0.0, lin[-1], bins + 1)  # area = share of the data shown, as the pdf's
    axes[0].hist(x, bins=edges, weights=np.full(len(x), 1.0 / (len(x) * (edges[1] - edges[0]))),
                 color="0.8", label="data")
    axes[1].hist(np.log10(x), bins=bins, density=True, color="0.8", label="data")
    for label, (t, b, a), ls, color in curves:
        axes[0].plot(lin, gamma_mixture_pdf(lin, t, b, a), ls, color=color, label=label)
        axes[1].plot(logs, gamma_mixture_pdf(g, t, b, a) * g * np.log(10), ls, color=color,
                     label=label)
    _label(axes[0], xlabel="$x$", ylabel="density", title="linear axis (up to the 99.5% quantile)")
    _label(axes[1], legend={}, xlabel=r"$\log_{10} x$", ylabel=r"density of $\log_{10} x$",
           title="logarithmic axis")
    return _suptitle(axes[0].figure, title)


def plot_em_vs_gradient_ascent(trajectories, log_lik_max, *, coords=(1, 3), coord_labels=None,
                               axes=None, title=None):
    """Compare optimisation paths: the log-likelihood gap per iteration, and a 2-D projection.

    Parameters
    ----------
    trajectories : dict of str to Trajectory
        Label -> :class:`mlhw.first_order_em.Trajectory` (``thetas``, ``log_likelihood``).
    log_lik_max : float
        The best log-likelihood found; the left panel plots ``log_lik_max - l(theta^t)``.
    coords : pair of int
        Which two coordinates of ``theta`` the right panel plots (default: ``mu_1, mu_2`` of
        the two-component layout ``(pi_1, mu_1, sigma_1^2, mu_2, sigma_2^2)``).
    coord_labels : pair of str, optional
    axes : pair of matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    trajectories = _check_mapping(trajectories, "trajectories", "Trajectory")
    log_lik_max = float(as_array(log_lik_max, "log_lik_max", ndim=0))
    paths = {}
    for label, tr in trajectories.items():
        if not (hasattr(tr, "thetas") and hasattr(tr, "log_likelihood")):
            raise TypeError(f"trajectories: expected Trajectory values (thetas, log_likelihood), "
                            f"got {type(tr).__name__} for {label!r}")
        th = as_array(tr.thetas, f"trajectories[{label!r}].thetas", ndim=2)
        ll = as_array(tr.log_likelihood, f"trajectories[{label!r}].log_likelihood", ndim=1)
        paths[label] = (th, ll)
    dim = min(th.shape[1] for th, _ in paths.values())
    if len(coords) != 2:
        raise ValueError(f"coords: expected two coordinate indices, got {coords!r}")
    i, j = (check_int(c, "coords", low=0, high=dim - 1) for c in coords)
    axes = _axes(axes, (11, 4.2), ncols=2)
    for c, (label, (th, ll)) in enumerate(paths.items()):
        gap = np.maximum(log_lik_max - ll, 1e-12)
        style = "o-" if len(gap) <= 60 else "-"
        axes[0].semilogy(np.arange(len(gap)), gap, style, ms=3, color=f"C{c}", label=label)
        axes[1].plot(th[:, i], th[:, j], style, ms=3, color=f"C{c}", label=label)
    start = next(iter(paths.values()))[0][0]
    axes[1].plot(start[i], start[j], "ks", ms=7, label="start")
    axes[0].set_xscale("symlog", linthresh=10)
    _label(axes[0], legend={}, xlabel="iteration $t$", ylabel=r"$\ell^\star - \ell(\theta^t)$",
           title="distance to the maximum log-likelihood")
    labels = coord_labels or (rf"$\theta_{i}$", rf"$\theta_{j}$")
    _label(axes[1], legend={}, xlabel=labels[0], ylabel=labels[1], title="paths of the iterates")
    return _suptitle(axes[0].figure, title)


# --- VAE and GAN training (TUM ML worksheet 11 problem 4; Waterloo CS480/680 HW4 exercise 2) --

def plot_training_curves(curves, *, ax=None, title=None, ylabel="loss per image",
                         reference=None):
    """Plot per-epoch curves (epochs numbered from 1) on one axes.

    Parameters
    ----------
    curves : dict of str -> array_like
        Label -> values, one per epoch.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional
    reference : dict of str -> float, optional
        Label -> value of horizontal reference lines (dashed), for example the loss values of a
        GAN at equilibrium.

    Returns
    -------
    matplotlib Axes
    """
    curves = {label: as_array(v, f"curves[{label!r}]", ndim=1)
              for label, v in _check_mapping(curves, "curves", "per-epoch values").items()}
    if reference is not None:
        reference = {label: float(as_array(v, f"reference[{label!r}]", ndim=0))
                     for label, v in _check_mapping(reference, "reference", "value").items()}
    ax = _axes(ax, (5, 3.5))
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=label)
    for i, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, ls="--", lw=1, color=f"C{len(curves) + i}", label=label)
    return _label(ax, legend={"fontsize": "small"}, xlabel="epoch", ylabel=ylabel, title=title)


# --- Images for the static web page -----------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def grayscale_png(image, *, vmin: float = 0.0, vmax: float = 255.0, invert: bool = False) -> bytes:
    """Encode a 2-D array as an 8-bit grayscale PNG (small: one byte per pixel before zlib).

    Values are mapped linearly from ``[vmin, vmax]`` to ``[0, 255]`` and clipped, so that
    reconstructions that overshoot the pixel range are shown at the nearest valid grey.

    Parameters
    ----------
    image : array_like, shape (h, w)
        Finite values.
    vmin, vmax : float
        The values shown black and white (``vmin < vmax``).
    invert : bool
        Show ``vmax`` black instead (dark ink on a white background for MNIST).

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ValueError
        If ``image`` is not a finite 2-D array or ``vmin >= vmax``.

    Examples
    --------
    >>> png = grayscale_png(np.zeros((28, 56)))
    >>> png[:4], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (b'\\x89PNG', 56, 28)
    """
    import io

    from PIL import Image

    image = as_array(image, "image", ndim=2)
    if not (np.isfinite(vmin) and np.isfinite(vmax) and vmin < vmax):
        raise ValueError(f"vmin, vmax: expected finite vmin < vmax, got {vmin!r}, {vmax!r}")
    grey = np.clip((image - vmin) / (vmax - vmin), 0.0, 1.0)
    if invert:
        grey = 1.0 - grey
    buf = io.BytesIO()
    Image.fromarray(np.round(grey * 255).astype(np.uint8), mode="L").save(buf, format="PNG",
                                                                          optimize=True)
    return buf.getvalue()
