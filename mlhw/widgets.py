"""Interactive figures. ipywidgets and matplotlib are imported on first use only.

Each widget comes in two forms: a live ipywidgets version for Binder or a local Jupyter, and a
static version (a matplotlib ``Animation.to_jshtml`` frame slider over precomputed settings) that
works on the website with no kernel.
"""

from __future__ import annotations

__all__: list[str] = []
