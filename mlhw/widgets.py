"""Interactive figures. ipywidgets and matplotlib are imported on first use only.

Each widget has a live ipywidgets form (Binder or a local Jupyter) and a static one for the
website, with no kernel: an ``Animation.to_jshtml`` frame slider over precomputed settings, every
frame an embedded PNG, made self-contained and accessible by :func:`offline_jshtml`.
"""

from __future__ import annotations

import base64
import html as html_lib
import itertools
import re
import textwrap

import numpy as np

from ._validation import as_array, check_choice, check_int, check_positive
from .lloyd import SigmaPath, responsibility_entropy, sigma_path
from .plotting import _PNG_SIGNATURE, _by_mean_gpa, _check_students

__all__ = ["FAIR_FEATURES", "fair_clustering_animation", "fair_clustering_widget",
           "offline_jshtml", "show_table", "sigma_limit_animation", "sigma_limit_widget",
           "image_stack_slider"]


def show_table(header, rows, fmt: str = "{:.4g}") -> None:
    """Show rows as a Markdown table: rendered in a notebook, printed as its text elsewhere.

    Parameters
    ----------
    header : sequence of str
        The column titles (Markdown, ``$...$`` maths allowed).
    rows : iterable of sequences
        The rows, each as long as ``header``; floats go through ``fmt``, anything else ``str``.
    fmt : str
        Format of the float entries.

    Raises
    ------
    ValueError
        If a row's length differs from the header's.

    Examples
    --------
    >>> show_table(["$k$", "loss"], [[1, 0.5], [2, 1 / 3]])
    | $k$ | loss |
    |---|---|
    | 1 | 0.5 |
    | 2 | 0.3333 |
    """
    from .checks import _shell

    def cell(v):
        return fmt.format(v) if isinstance(v, (float, np.floating)) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"rows: expected {len(header)} entries per row (one per column), "
                             f"got {len(row)}")
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    if _shell() is None:
        print("\n".join(lines))
        return
    from IPython.display import Markdown, display

    display(Markdown("\n".join(lines)))


# --------------------------------------------------------------------------------------------
# Frame players: static animations for the website (no kernel, no network)

# matplotlib's to_jshtml player draws its buttons with Font Awesome icons from a CDN stylesheet;
# these text symbols replace them so the player needs no network and no icon font.
_PLAYER_SYMBOLS = {"fa fa-minus": "&#8722;", "fa fa-fast-backward": "&#8676;",
                   "fa fa-step-backward": "&#8612;",
                   "fa fa-play fa-flip-horizontal": "&#9664;", "fa fa-pause": "&#10074;&#10074;",
                   "fa fa-play": "&#9654;", "fa fa-step-forward": "&#8614;",
                   "fa fa-fast-forward": "&#8677;", "fa fa-plus": "+"}


def offline_jshtml(html: str, *, alt: str) -> str:
    """Make matplotlib ``Animation.to_jshtml`` output self-contained and accessible.

    Removes the ``<link>`` to the Font Awesome stylesheet on a CDN, replaces the player's icons
    by text symbols, gives the frame image an ``alt`` text and the slider an accessible name.

    Parameters
    ----------
    html : str
        The output of ``to_jshtml``.
    alt : str
        Description of the animation for screen readers.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``alt`` is empty.
    """
    _check_alt(alt)
    out = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", html)
    for cls, sym in _PLAYER_SYMBOLS.items():
        out = out.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{sym}</span>')
    out = re.sub(r'<img id="_anim_img', f'<img alt="{html_lib.escape(alt)}" id="_anim_img', out)
    out = out.replace('<input id="_anim_slider',
                      '<input aria-label="Animation frame" id="_anim_slider')
    return out


def _check_alt(alt, of=""):
    """A non-empty text alternative, or a ValueError (``of`` says which image it describes)."""
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt: expected a non-empty description{of}, got {alt!r}")
    return alt


def _jshtml(fig, draw, n_frames, *, interval, fps=None, alt):
    """The frames ``draw(0..n_frames-1)`` of ``fig`` as a ``to_jshtml`` player, made offline and
    accessible by :func:`offline_jshtml`; closes ``fig``."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    anim = FuncAnimation(fig, draw, frames=n_frames, interval=interval, repeat=False)
    html = anim.to_jshtml(fps=fps, default_mode="once")
    plt.close(fig)
    return offline_jshtml(html, alt=alt)


# --------------------------------------------------------------------------------------------
# Fair clustering of the eight toy students (CS181 HW4, problem 4.4)

#: Feature sets offered by the fair-clustering widgets: label -> columns of ToyStudents.X.
FAIR_FEATURES = {"GPA": (0,), "GPA, age": (0, 1), "GPA, gender": (0, 2),
                 "GPA, age, gender": (0, 1, 2)}


def _students(students):
    """The toy students (default :func:`mlhw.fairness.toy_students`), or a TypeError."""
    from .fairness import toy_students

    return toy_students() if students is None else _check_students(students)


def _fair_fit(students, k, min_share, features, cost):
    """The exact fair clustering of one setting and its :func:`mlhw.fairness.fairness_summary` on
    GPA only: ``(result, summary)``, or ``(None, reason)`` when no clustering is feasible."""
    from .fairness import fair_clustering, fairness_summary

    try:
        res = fair_clustering(students.X, students.groups, k, min_share=min_share,
                              features=features, cost=cost)
    except ValueError as exc:
        return None, str(exc).split(": ", 1)[1]
    return res, fairness_summary(students.gpa, res.labels, students.groups)


def _draw_fair_frame(fig, students, k, min_share, features, cost, fit):
    """Draw one setting and its fit ``(res, m)`` from :func:`_fair_fit` on the (cleared) figure
    ``fig``: the clusters, and beside them the costs and metrics (or why it is infeasible)."""
    from .plotting import plot_fair_clustering

    fig.clear()
    ax = fig.add_axes((0.12, 0.15, 0.5, 0.75))
    tx = fig.add_axes((0.65, 0.15, 0.34, 0.75))
    seen = {v: key for key, v in FAIR_FEATURES.items()}[tuple(features)]
    res, m = fit
    title = f"k = {k}, women >= {min_share:.0%} per cluster, sees: {seen}"
    if res is None:
        ax.set_title(title, fontsize=9)
        ax.set(xlabel="GPA (4.0 scale)", ylabel="cluster", xticks=[], yticks=[])
        ax.text(0.5, 0.5, "infeasible", ha="center", va="center", transform=ax.transAxes)
        lines = ["No clustering satisfies the", "constraint. min_share:"] + textwrap.wrap(m, 36)
    else:
        plot_fair_clustering(students, res.labels, ax=ax, title=title)
        ax.title.set_fontsize(9)
        lines = [f"{cost} cost {res.cost:.4f}",
                 f"(unconstrained {res.unconstrained_cost:.4f})",
                 f"optimal partitions: {len(res.optimal_labels)} of {res.n_feasible} feasible",
                 "",
                 "Group fairness",
                 f"  balance: {m.balance:.3f}  (1 is best)",
                 f"  max. deviation from 50%: {m.max_deviation:.3f}",
                 "",
                 "Individual fairness (GPA only)",
                 f"  Lipschitz constant: {m.lipschitz:.3g}",
                 f"  unfair points (avg. distance): {m.n_unfair}",
                 f"  service alpha: {m.service_alpha:.3g}"]
    tx.axis("off")
    tx.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8,
            transform=tx.transAxes)


def fair_clustering_widget(students=None):
    """Live explorer of fair clustering (needs a running kernel: Binder or a local Jupyter).

    Sliders choose ``k`` and the minimum share of women per cluster, menus the features seen and
    the cost; the figure shows the exact :func:`mlhw.fairness.fair_clustering` and its
    :func:`mlhw.fairness.fairness_summary` (individual metrics on GPA only).

    Parameters
    ----------
    students : mlhw.fairness.ToyStudents, optional
        Defaults to :func:`mlhw.fairness.toy_students`.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    s = _students(students)
    k = w.IntSlider(value=2, min=1, max=4, description="clusters k")
    share = w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="min. women",
                          readout_format=".0%")
    feats = w.Dropdown(options=list(FAIR_FEATURES.items()), value=(0,), description="sees")
    cost = w.ToggleButtons(options=[("k-means", "kmeans"), ("k-medians", "kmedians")],
                           value="kmeans", description="cost")

    def show(k, min_share, features, cost):
        fig = plt.figure(figsize=(10, 3.8))
        _draw_fair_frame(fig, s, k, min_share, features, cost,
                         _fair_fit(s, k, min_share, features, cost))
        plt.show()

    controls = {"k": k, "min_share": share, "features": feats, "cost": cost}
    return w.VBox([w.HBox([k, share]), w.HBox([feats, cost]), w.interactive_output(show, controls)])


_FAIR_ALT = ("Frame slider over precomputed settings of the fair-clustering explorer: each frame "
             "places the eight applicants along a GPA axis in cluster rows (squares men, circles "
             "women) for one number of clusters, minimum share of women and feature set, next to "
             "the clustering's cost and its group and individual fairness metrics.")

#: Sentence added to the alt text when the table of all frames follows the player.
_FAIR_TABLE_ALT = " The table under the slider lists every frame's setting, clusters and metrics."


def _fair_frames(students, ks, shares, features, cost):
    """The checked settings of the static explorer with their fits, in frame order (``features``
    outer, then ``ks``, then ``shares``): ``([(features, k, share, fit)], cost)``."""
    n = len(students.names)
    if isinstance(features, str):
        features = (features,)
    for name, seq in (("ks", ks), ("shares", shares), ("features", features)):
        if len(seq) == 0:
            raise ValueError(f"{name}: expected at least one setting, got none")
    ks = [check_int(k, "ks", low=1, high=n) for k in ks]
    shares = as_array(shares, "shares", ndim=1)
    if ((shares < 0) | (shares > 1)).any():
        raise ValueError(f"shares: expected minimum shares in [0, 1], got {shares.tolist()}")
    for f in features:
        if f not in FAIR_FEATURES:
            raise ValueError(f"features: expected keys of FAIR_FEATURES "
                             f"{list(FAIR_FEATURES)}, got {f!r}")
    cost = check_choice(cost, "cost", ("kmeans", "kmedians"))
    return [(f, k, sh, _fair_fit(students, k, sh, FAIR_FEATURES[f], cost))
            for f, k, sh in itertools.product(features, ks, [float(x) for x in shares])], cost


def _fair_table(s, frames, cost) -> str:
    """The frames of :func:`_fair_frames` as an HTML table in a scrolling ``<div>``, one row a
    frame (an infeasible one gets the reason): the text equivalent of the animation.

    Examples
    --------
    >>> from mlhw.fairness import toy_students
    >>> s = toy_students()
    >>> html = _fair_table(s, *_fair_frames(s, (2,), (0.5,), ("GPA",), "kmeans"))
    >>> html.count("<tr>"), "abeh / cdfg" in html
    (2, True)
    """
    name = {"kmeans": "k-means", "kmedians": "k-medians"}[cost]
    heads = ["frame", "features seen", "k", "min. share of women", "clusters (top tier first)",
             f"{name} cost", "unconstrained cost", "optimal / feasible partitions", "balance",
             "max. deviation from 50% women", "Lipschitz constant (GPA)",
             "applicants closer to another cluster", "service alpha"]

    def fmt(x, spec):
        return "infinite" if np.isinf(x) else format(x, spec)

    names = np.asarray(s.names)
    rows = []
    for i, (f, k, sh, (res, m)) in enumerate(frames, start=1):
        cells = [str(i), f, str(k), f"{sh:.0%}"]
        if res is not None:
            tiers = (names[res.labels == c] for c in _by_mean_gpa(s.gpa, res.labels))
            cells += [" / ".join("".join(t) for t in tiers), f"{res.cost:.4f}",
                      f"{res.unconstrained_cost:.4f}",
                      f"{len(res.optimal_labels)} / {res.n_feasible}", f"{m.balance:.3f}",
                      f"{m.max_deviation:.3f}", fmt(m.lipschitz, ".3g"), str(m.n_unfair),
                      fmt(m.service_alpha, ".3g")]
        body = "".join(f"<td>{html_lib.escape(c)}</td>" for c in cells)
        if res is None:
            body += (f'<td colspan="{len(heads) - len(cells)}">infeasible (min. share: '
                     f"{html_lib.escape(m)})</td>")
        rows.append(f"<tr>{body}</tr>")
    head = "".join(f'<th scope="col">{html_lib.escape(h)}</th>' for h in heads)
    women = [str(x) for x in names[s.groups == 1]]
    women = ", ".join(women[:-1]) + " and " + women[-1] if len(women) > 1 else "".join(women)
    caption = (f"All {len(frames)} frames of the slider: the exactly optimal clustering of the "
               f"{len(s.names)} applicants ({women} are women) for each setting, with its {name} "
               f"cost in the features seen and its fairness metrics (individual metrics on GPA "
               f"only).")
    # a scrolling region a keyboard can reach (focusable) and a screen reader can name
    return ('<div class="mlhw-fair-table" role="region" aria-label="Table of all frames" '
            'tabindex="0" style="overflow-x: auto">'
            f"<table><caption>{html_lib.escape(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def fair_clustering_animation(students=None, *, ks=(1, 2, 3, 4), shares=(0.0, 0.25, 0.5),
                              features=("GPA", "GPA, age, gender"), cost="kmeans",
                              dpi=60, alt=_FAIR_ALT, table=True) -> str:
    """Static explorer of fair clustering: a frame slider over precomputed settings (no kernel).

    One frame per combination of ``features`` (outer), ``ks`` and ``shares`` (inner), drawn as
    in :func:`fair_clustering_widget`; with ``table=True`` an HTML table follows with one row per
    frame (setting, clusters by letter, costs and metrics; the reason for an infeasible one).

    Parameters
    ----------
    students : mlhw.fairness.ToyStudents, optional
    ks : sequence of int
    shares : sequence of float
    features : sequence of str
        Keys of :data:`FAIR_FEATURES`.
    cost : {"kmeans", "kmedians"}
    dpi : int
        Resolution of the embedded frames.
    alt : str
        Description of the player for screen readers (one for all frames); with ``table=True`` a
        sentence pointing to the table is added.
    table : bool
        Append the table of all frames under the player.

    Returns
    -------
    str
        HTML; show it with ``IPython.display.HTML``.
    """
    import matplotlib.pyplot as plt

    s = _students(students)
    dpi = check_int(dpi, "dpi", low=10)
    if not isinstance(table, bool):
        raise TypeError(f"table: expected True or False, got {type(table).__name__}")
    alt = _check_alt(alt)
    frames, cost = _fair_frames(s, ks, shares, features, cost)
    fig = plt.figure(figsize=(10, 3.8), dpi=dpi)

    def draw(i):
        f, k, sh, fit = frames[i]
        _draw_fair_frame(fig, s, k, sh, FAIR_FEATURES[f], cost, fit)
        return []

    html = _jshtml(fig, draw, len(frames), interval=1000, fps=1,
                   alt=alt.rstrip() + _FAIR_TABLE_ALT if table else alt)
    return html + _fair_table(s, frames, cost) if table else html


# --------------------------------------------------------------------------------------------
# k-means as the sigma -> 0 limit of fixed-variance EM (TUM ML worksheet 11, problem 1)

#: Colours of the components in the sigma-limit figures (RGB, tab10 blue, orange, green, red).
_SIGMA_COLOURS = ((0.122, 0.467, 0.706), (1.0, 0.498, 0.055), (0.173, 0.627, 0.173),
                  (0.839, 0.153, 0.157), (0.580, 0.404, 0.741), (0.549, 0.337, 0.294))


def _sigma_figure(path, entropy_sigmas, entropy_values, *, figsize, dpi):
    """Figure and artists of the sigma-limit explorer; returns (fig, update(resp, means, sigma))."""
    import matplotlib.pyplot as plt
    X, km = path.X, path.kmeans
    k = km.centers.shape[0]
    colours = np.array(_SIGMA_COLOURS)[np.arange(k) % len(_SIGMA_COLOURS)]
    fig, (ax, ax_h) = plt.subplots(1, 2, figsize=figsize, dpi=dpi,
                                   gridspec_kw={"width_ratios": [1.25, 1]})
    pts = ax.scatter(X[:, 0], X[:, 1], s=12, c=np.full((len(X), 3), 0.5), lw=0)
    ax.scatter(km.centers[:, 0], km.centers[:, 1], marker="x", s=60, c="k", lw=1.5,
               label="k-means centres", zorder=3)
    cen = ax.scatter(path.means[0][:, 0], path.means[0][:, 1], marker="o", s=70, c=colours,
                     edgecolors="k", lw=1.2, label="EM means", zorder=4)
    ax.set(xlim=(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5), xlabel="$x_1$",
           ylim=(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5), ylabel="$x_2$")
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
    ax.tick_params(labelsize=7)
    ax_h.plot(entropy_sigmas, entropy_values, color="0.3", lw=1.5)
    ax_h.axhline(np.log(k), color="0.6", ls="--", lw=1)
    ax_h.text(entropy_sigmas.min(), np.log(k), f" log {k}", va="bottom", fontsize=7,
              color="0.4")
    dot, = ax_h.plot([], [], "o", color="tab:red", ms=7)
    ax_h.set(xscale="log", ylim=(-0.05, np.log(k) * 1.15), xlabel=r"$\sigma$ (log scale)",
             ylabel="mean entropy (nats)")
    ax_h.set_title("entropy of the responsibilities", fontsize=9)
    ax_h.tick_params(labelsize=7)
    fig.tight_layout()

    def update(resp, means, sigma):
        pts.set_facecolors(np.clip(resp @ colours, 0, 1))
        cen.set_offsets(means)
        dot.set_data([sigma], [responsibility_entropy(resp)])
        ax.set_title(rf"fixed-$\sigma$ EM, $\sigma$ = {sigma:.3g}: colour = responsibilities",
                     fontsize=9)
        return pts, cen, dot

    return fig, update


def sigma_limit_animation(path, *, figsize=(7.0, 3.0), dpi=72, interval=400) -> str:
    """Static sigma explorer: a frame slider over the precomputed fits of a :class:`SigmaPath`.

    Each frame shows the data coloured by the responsibility-weighted mix of the component
    colours, the EM means (circles), the k-means centres from the same start (crosses) and, on the
    right, the mean entropy of the responsibilities against sigma with the current sigma marked.

    Parameters
    ----------
    path : SigmaPath
        From :func:`sigma_path`; one frame per sigma, in the order given.
    figsize, dpi : tuple, int
        Size of the frames (keep them small: every frame is an embedded PNG).
    interval : int
        Milliseconds between frames when playing.

    Returns
    -------
    str
        HTML; show it with ``IPython.display.HTML``.

    Examples
    --------
    >>> from mlhw.lloyd import sigma_limit_blobs
    >>> X, _ = sigma_limit_blobs(10, seed=0)
    >>> html = sigma_limit_animation(sigma_path(X, X[[0, 10, 20, 30]], [1.0, 0.1]), dpi=30)
    >>> html.count("data:image/png"), "https://" in html
    (2, False)
    """
    if not isinstance(path, SigmaPath):
        raise TypeError(f"path: expected a SigmaPath (from sigma_path), got {type(path).__name__}")
    if len(figsize) != 2 or not all(np.isfinite(v) and v > 0 for v in figsize):
        raise ValueError(f"figsize: expected (width, height) in inches, both positive, "
                         f"got {figsize!r}")
    dpi = check_int(dpi, "dpi", low=10)
    interval = check_int(interval, "interval", low=1)
    order = np.argsort(path.sigmas)
    fig, update = _sigma_figure(path, path.sigmas[order], path.entropy[order], figsize=figsize,
                                dpi=dpi)
    alt = (f"Animation over {len(path.sigmas)} values of sigma from {path.sigmas[0]:.3g} to "
           f"{path.sigmas[-1]:.3g}: 2-D points coloured by their EM responsibilities, the "
           "fitted means and the k-means centres, and the mean entropy of the responsibilities "
           "against sigma.")
    return _jshtml(fig, lambda i: update(path.resp[i], path.means[i], path.sigmas[i]),
                   len(path.sigmas), interval=interval, alt=alt)


def sigma_limit_widget(X, init_centers, *, sigma_range=(0.02, 20.0), value=1.0,
                       figsize=(8.0, 3.4)):
    """Live sigma explorer (needs a running kernel: Binder or a local Jupyter).

    A log-scale slider sets sigma; fixed-sigma EM is refitted from ``init_centers`` and drawn as in
    :func:`sigma_limit_animation` (the entropy curve once, on a grid over ``sigma_range``).

    Parameters
    ----------
    X : array_like, shape (n, 2)
    init_centers : array_like, shape (k, 2)
    sigma_range : (float, float)
        Slider limits.
    value : float
        Initial sigma.
    figsize : tuple

    Returns
    -------
    ipywidgets.VBox
        The slider and an output area with the figure.

    Raises
    ------
    ValueError
        If ``sigma_range`` is not ``0 < low < high`` or ``value`` lies outside it.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    X = as_array(X, "X", ndim=2, shape=(None, 2))
    lo, hi = (float(v) for v in as_array(sigma_range, "sigma_range", ndim=1, shape=(2,),
                                         finite=False))
    if not (0 < lo < hi and np.isfinite(hi)):
        raise ValueError(f"sigma_range: expected 0 < low < high, got {sigma_range!r}")
    if not (isinstance(value, (int, float, np.floating, np.integer)) and lo <= value <= hi):
        raise ValueError(f"value: expected a sigma in [{lo}, {hi}], got {value!r}")
    grid = np.logspace(np.log10(lo), np.log10(hi), 40)
    base = sigma_path(X, init_centers, grid)
    slider = w.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi),
                              step=0.02, description="σ", readout_format=".3g",
                              continuous_update=False, layout=w.Layout(width="60%"))

    def show(sigma):
        one = sigma_path(base.X, init_centers, [sigma])
        _, update = _sigma_figure(one, grid, base.entropy, figsize=figsize, dpi=80)
        update(one.resp[0], one.means[0], sigma)
        plt.show()

    return w.VBox([slider, w.interactive_output(show, {"sigma": slider})])


# --------------------------------------------------------------------------------------------
# A slider over precomputed images (works on the static website: no kernel needed)

def image_stack_slider(images_png, values, *, description: str, alt, captions=None,
                       index: int = 0, scale: float = 1.0):
    """A slider that flips through precomputed images, and works on a static web page.

    A ``SelectionSlider`` is linked in the browser (``ipywidgets.jslink``) to a ``Stack`` of
    ``HTML`` widgets, one embedded PNG each: the saved widget state holds every image, so the
    slider works on the website with no kernel as in a live notebook.

    Parameters
    ----------
    images_png : sequence of bytes, length m
        PNG files (e.g. from :func:`mlhw.plotting.grayscale_png`), small: each is part of the page.
    values : sequence, length m
        The slider's positions (shown by its readout), in order.
    description : str
        The slider's label.
    alt : str or sequence of str, length m
        Text alternative of the images: one for all, or one per image; never empty.
    captions : sequence of str, length m, optional
        Plain text shown under each image.
    index : int
        Position shown first.
    scale : float
        Display size relative to the PNG's pixel size (pixels are kept sharp).

    Returns
    -------
    ipywidgets.VBox
        The slider, then the stack.

    Raises
    ------
    ValueError
        If the lengths differ, there are no images, an image is not a PNG, an alt text is empty,
        ``index`` is out of range or ``scale`` is not positive.
    TypeError
        If an image is not bytes.

    Examples
    --------
    >>> from mlhw.plotting import grayscale_png
    >>> pngs = [grayscale_png(np.eye(8) * 255), grayscale_png(np.ones((8, 8)) * 255)]
    >>> box = image_stack_slider(pngs, [1, 2], description="step", alt=["a diagonal", "all white"])
    >>> slider, stack = box.children
    >>> slider.options, stack.selected_index, len(stack.children)
    (('1', '2'), 0, 2)
    """
    import ipywidgets as w

    images_png = list(images_png)
    values = [str(v) for v in values]
    m = len(images_png)
    if not m:
        raise ValueError("images_png: expected at least one PNG image, got none")
    alts = [alt] * m if isinstance(alt, str) else list(alt)
    captions = [None] * m if captions is None else [str(c) for c in captions]
    for name, seq, what in (("values", values, "one value per image"),
                            ("alt", alts, "a string or one per image"),
                            ("captions", captions, "one per image")):
        if len(seq) != m:
            raise ValueError(f"{name}: expected {what} ({m}), got {len(seq)}")
    if len(set(values)) != len(values):
        raise ValueError(f"values: expected distinct labels, got {values}")
    for i, a in enumerate(alts):
        _check_alt(a, f" of image {i}")
    index = check_int(index, "index", low=0, high=m - 1)
    scale = float(check_positive(scale, "scale", ndim=0))

    children = []
    for i, (png, a, cap) in enumerate(zip(images_png, alts, captions)):
        if not isinstance(png, (bytes, bytearray)):
            raise TypeError(f"images_png: expected PNG bytes, got {type(png).__name__} "
                            f"at position {i}")
        if not png.startswith(_PNG_SIGNATURE) or len(png) < 24:
            raise ValueError(f"images_png: expected PNG bytes, got something else at "
                             f"position {i}")
        width, height = (round(int.from_bytes(png[at:at + 4], "big") * scale) for at in (16, 20))
        data = base64.b64encode(png).decode("ascii")
        img = (f'<img alt="{html_lib.escape(a)}" width="{width}" height="{height}" '
               f'style="image-rendering: pixelated; max-width: 100%; height: auto" '
               f'src="data:image/png;base64,{data}">')
        if cap:
            img += f'<div class="mlhw-stack-caption">{html_lib.escape(cap)}</div>'
        children.append(w.HTML(value=img))
    stack = w.Stack(children=children, selected_index=index)
    slider = w.SelectionSlider(options=values, index=index, description=description,
                               continuous_update=True,
                               style={"description_width": "initial"},
                               layout=w.Layout(width="min(100%, 32rem)"))
    w.jslink((slider, "index"), (stack, "selected_index"))
    return w.VBox([slider, stack])
