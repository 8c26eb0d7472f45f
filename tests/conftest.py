"""Shared pytest configuration: headless matplotlib, seeded generators, hypothesis profiles.

The property tests draw their examples deterministically by default (profile ``repeatable``), so
``make test`` tries the same examples on every run and machine, and a failure can be rerun.
``HYPOTHESIS_PROFILE=explore`` draws fresh random examples, and more of them, to search further.
"""

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=200, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test."""
    return np.random.default_rng(12345)
