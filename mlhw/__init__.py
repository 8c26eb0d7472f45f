"""mlhw: the algorithms of a course companion on latent-variable models.

Every algorithm of the book lives here once; the chapters import it. Numeric modules import no
SymPy, ipywidgets or matplotlib: those live in :mod:`mlhw.symbolic`, :mod:`mlhw.widgets` and
:mod:`mlhw.plotting` and are imported on first use.
"""

from importlib import import_module

from . import em
from .coins import coin_counts, coins_log_likelihood, two_coins_em
from .datasets import download_mnist, load_mnist
from .checks import check, check_close
from .em import ConvergenceWarning, EMResult
from .kmeans import KMeansResult, kmeans
from .mixtures import GMMParams, GMMResult, fit_gmm
from .pca import calc_cfvs, calc_errs, pca

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "EMResult",
    "calc_cfvs",
    "calc_errs",
    "check",
    "check_close",
    "coin_counts",
    "coins_log_likelihood",
    "download_mnist",
    "em",
    "fit_gmm",
    "GMMParams",
    "GMMResult",
    "kmeans",
    "KMeansResult",
    "load_mnist",
    "pca",
    "two_coins_em",
]

_LAZY = {"symbolic", "widgets", "plotting"}


def __getattr__(name):
    if name in _LAZY:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mlhw' has no attribute {name!r}")
