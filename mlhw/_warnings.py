"""Every warning class of :mod:`mlhw`, in one module (re-exported from :mod:`mlhw`).

A warning reports a stated policy that changed the result (a floor, a cap, a re-seeded cluster,
a component that kept its parameters) or a run that stopped at ``max_iter``; numerical trouble
that would give a wrong number raises instead.
"""

__all__ = ["ConvergenceWarning", "EmptyClusterWarning", "EmptyComponentWarning",
           "ShapeCapWarning", "VarianceFloorWarning"]


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the gain of an iteration fell below ``tol``."""


class EmptyComponentWarning(UserWarning):
    """A mixture component received (almost) no responsibility and kept its previous parameters
    (a Gaussian component its mean and covariance, a Gamma component its rate, a regression
    component its line and variance)."""


class EmptyClusterWarning(UserWarning):
    """A cluster of k-means or k-medians became empty and its centre was re-seeded."""


class ShapeCapWarning(UserWarning):
    """The Gamma mixture's shape estimate stopped at its cap: the likelihood is unbounded in
    ``alpha`` (the data are constant within every component)."""


class VarianceFloorWarning(RuntimeWarning):
    """A fit ended with variances (eigenvalues of a full covariance) held at the floor ``reg``:
    those are the floor, not estimates from the data.

    Emitted once per fit by the Gaussian mixtures, the semi-supervised GMM and the regression
    mixture, with the number of variances at the floor. Typical causes: a component collapsed
    onto one point or onto duplicates, a feature constant within a component (the border pixels
    of raw MNIST), or data whose spread is comparable to ``sqrt(reg)``.
    """
