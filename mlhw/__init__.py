"""mlhw: the algorithms of a course companion on latent-variable models.

Every algorithm of the book lives here once; the chapters import it. Numeric modules import no
ipywidgets or matplotlib: those live in :mod:`mlhw.widgets` and :mod:`mlhw.plotting` and are
imported on first use (the chapters do their SymPy themselves).
"""

from importlib import import_module

from . import (em, fairness, first_order_em, gamma_mixture, gan, gmm_classifier, hac, metrics, nn,
               regression_mixture, semi_supervised, synthetic, vae)
from ._warnings import (ConvergenceWarning, EmptyClusterWarning, EmptyComponentWarning,
                        ShapeCapWarning, VarianceFloorWarning)
from .coins import coin_counts, coins_log_likelihood, two_coins_em
from .datasets import download_mnist, load_mnist
from .checks import check, check_close, self_check, self_check_choice
from .divergences import MonteCarloKL, kl_diag_gaussians, kl_gaussians, kl_monte_carlo
from .em import EMResult
from .estimators import (ELBODecomposition, EstimatorVariances, GradientEstimate, LinearGaussianModel,
                         elbo_decomposition, gaussian_expectation, gaussian_gradient_quadrature,
                         reparameterization_gradient, score_function_gradient,
                         single_sample_variances)
from .first_order_em import first_order_em_step, gradient_ascent_step
from .gan import GAN, GANResult, train_gan
from .gmm_classifier import GMMClassifier, fit_gmm_classifier, gmm_bic, gmm_k_sweep
from .gamma_mixture import fit_gamma_mixture, gamma_mixture_data
from .lloyd import LloydResult, kmeans, kmedians
from .linear_autoencoder import (LinearAutoencoderResult, autoencoder_components, autoencoder_loss,
                                 fit_linear_autoencoder, principal_angles)
from .metrics import adjusted_rand_index, contingency_table, purity
from .mixtures import GMMParams, fit_gmm
from .nn import gradient_check
from .principal import calc_cfvs, calc_errs, pca
from .regression_mixture import fit_regression_mixture
from .semi_supervised import fit_semi_supervised_gmm
from .vae import VAE, VAEResult, prepare_images, train_vae
from .spectral import (GraphRecovery, connected_components, degree_sequence_graphs, graph_laplacian,
                       laplacian_eigenmaps, recover_graph_from_eigenvectors)

__version__ = "0.1.0"

__all__ = [
    "adjusted_rand_index", "autoencoder_components", "autoencoder_loss", "calc_cfvs", "calc_errs",
    "check", "check_close", "self_check", "self_check_choice", "coin_counts",
    "coins_log_likelihood", "connected_components", "contingency_table", "ConvergenceWarning",
    "degree_sequence_graphs", "download_mnist", "elbo_decomposition", "EmptyClusterWarning",
    "EmptyComponentWarning", "ELBODecomposition", "em", "EMResult", "EstimatorVariances",
    "fairness", "first_order_em", "first_order_em_step", "fit_gamma_mixture", "fit_gmm",
    "fit_gmm_classifier", "fit_linear_autoencoder", "fit_regression_mixture",
    "fit_semi_supervised_gmm", "gamma_mixture", "gamma_mixture_data", "gan", "GAN", "GANResult",
    "gaussian_expectation", "gaussian_gradient_quadrature", "gmm_bic", "gmm_classifier",
    "gmm_k_sweep", "GMMClassifier", "GMMParams", "gradient_ascent_step", "gradient_check",
    "GradientEstimate", "graph_laplacian", "GraphRecovery", "hac", "kl_diag_gaussians",
    "kl_gaussians", "kl_monte_carlo", "kmeans", "kmedians", "laplacian_eigenmaps",
    "LinearAutoencoderResult", "LinearGaussianModel", "LloydResult", "load_mnist", "metrics",
    "MonteCarloKL", "nn", "pca", "prepare_images", "principal_angles", "purity",
    "recover_graph_from_eigenvectors", "regression_mixture", "reparameterization_gradient",
    "score_function_gradient", "semi_supervised", "ShapeCapWarning", "single_sample_variances",
    "synthetic", "train_gan", "train_vae", "two_coins_em", "VAE", "vae", "VAEResult",
    "VarianceFloorWarning",
]

_LAZY = {"widgets", "plotting"}


def __getattr__(name):
    if name in _LAZY:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mlhw' has no attribute {name!r}")
