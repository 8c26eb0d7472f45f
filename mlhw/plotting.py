"""Figures of the book. Imports matplotlib on first use only (``mlhw.plotting`` is lazy).

Every function draws on a given or new axes, titles it, labels its axes, and returns the figure
or axes so the chapter can adjust it.
"""

from __future__ import annotations

__all__: list[str] = []


def _plt():
    import matplotlib.pyplot as plt

    return plt
