"""The ``mlhw-api`` directive: the book's API reference, generated from ``mlhw.__all__``.

Written in reStructuredText (in MyST, inside an ``{eval-rst}`` block)::

    .. mlhw-api::
       :also: mlhw.gamma_mixture.e_step mlhw.gamma_mixture.m_step

The public names are what ``mlhw.__all__`` exports, the names a public module's own ``__all__``
lists (each object documented once), and the dotted names given in ``:also:``. They are grouped by
the module that defines them; the directive writes, for the autodoc and autosummary extensions,
a summary table per group at the top, then one section per group: the module's description (the
whole docstring of a public module, which is an entry itself, the first paragraph of any other)
and an entry per name. A name exported by the package is documented as ``mlhw.<name>`` (its HTML
anchor), whatever module defines it, and a public module's member as ``mlhw.<module>.<name>``; a
public module's section also carries the anchor ``mlhw.<module>``. A name added to ``__all__``
appears without editing the page. The docstrings' numpydoc sections are rendered by napoleon.

A module's longer explanation (its design, conventions, what the book computes with it) is kept
out of the code, in ``book/api_notes/<module>.rst`` (``em.rst`` for ``mlhw.em``); the directive
puts it in the module's section, after the module's description.
"""

from __future__ import annotations

import importlib
import inspect
import types
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)


def _resolve(dotted: str):
    """The object named by a dotted path whose leading part is importable."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"cannot import {dotted!r}")


def public_api(package: str, also=()) -> dict[str, list[tuple[str, object]]]:
    """{defining module: [(documented name, object), ...]} for every public name, each module,
    class or function once: the package's ``__all__``, then the public modules' ``__all__``,
    then ``also``. Data (constants) go with the module that lists them."""
    pkg = importlib.import_module(package)
    named = [(f"{package}.{n}", getattr(pkg, n), package) for n in pkg.__all__]
    for _, mod, _ in list(named):
        if isinstance(mod, types.ModuleType):
            members = getattr(mod, "__all__", None) or [
                n for n, o in vars(mod).items()
                if not n.startswith("_") and getattr(o, "__module__", None) == mod.__name__]
            named += [(f"{mod.__name__}.{n}", getattr(mod, n), mod.__name__) for n in members]
    named += [(name, _resolve(name), name.rpartition(".")[0]) for name in also]
    groups, seen = {}, set()
    for name, obj, lister in named:
        if isinstance(obj, types.ModuleType):
            key, home = id(obj), obj.__name__
        elif inspect.isclass(obj) or inspect.isroutine(obj):
            key, home = id(obj), obj.__module__
        else:
            key, home = name, lister
        if key not in seen:
            seen.add(key)
            groups.setdefault(home, []).append((name, obj))
    return dict(sorted(groups.items()))


def _order(entry) -> tuple:
    """Within a section: modules, functions, classes, data; exported names before a module's."""
    name, obj = entry
    return _kind(obj)[0], name.count("."), name.lower()


def _kind(obj) -> tuple[int, str]:
    """(order within a section, autodoc directive) for an object."""
    if isinstance(obj, types.ModuleType):
        return 0, "automodule"
    if inspect.isclass(obj):
        return 2, "autoexception" if issubclass(obj, BaseException) else "autoclass"
    if inspect.isroutine(obj):
        return 1, "autofunction"
    return 3, "autodata"


def _summary(module: str) -> list[str]:
    """The first paragraph of a module's docstring."""
    doc = inspect.getdoc(importlib.import_module(module)) or ""
    return doc.split("\n\n", 1)[0].splitlines()


def _notes_file(notes_dir: Path | None, module: str) -> Path | None:
    """A module's notes file, ``<notes_dir>/<module's last name>.rst``, if there is one."""
    path = notes_dir / f"{module.rpartition('.')[2]}.rst" if notes_dir else None
    return path if path and path.is_file() else None


def _notes(notes_dir: Path | None, module: str) -> list[str]:
    path = _notes_file(notes_dir, module)
    return path.read_text().splitlines() + [""] if path else []


def api_rst(groups: dict[str, list[tuple[str, object]]],
            notes_dir: Path | None = None) -> list[str]:
    """The reStructuredText of the reference: summary tables, then one section per module.

    A public module (one of the names) is an entry: its whole docstring is shown. Any other
    module only groups the names it defines, and its section opens with the docstring's first
    paragraph. The module's notes (:func:`_notes`) follow."""
    documented = {name for entries in groups.values() for name, _ in entries}
    lines = ["Summary", "=======", ""]
    for module, entries in groups.items():
        lines += [f".. rubric:: :mod:`{module}`", "", ".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {name}" for name, obj in sorted(entries, key=_order)]
        lines.append("")
    for module, entries in groups.items():
        lines += [module, "=" * len(module), ""]
        if not any(isinstance(obj, types.ModuleType) for _, obj in entries):
            # a module shadowed by a function of the same name gets no index entry of its own
            lines += [f".. py:module:: {module}"] + (["   :no-index:"] if module in documented else [])
            lines += [""] + _summary(module) + [""] + _notes(notes_dir, module)
        for i, (name, obj) in enumerate(sorted(entries, key=_order)):
            directive = _kind(obj)[1]
            lines.append(f".. {directive}:: {name}")
            if directive == "autoclass":
                lines.append("   :members:")
            if directive == "autodata" and len(repr(obj)) > 200:   # a table, not a value to read
                lines.append("   :no-value:")
            lines.append("")
            if i == 0 and directive == "automodule":
                lines += _notes(notes_dir, module)
    return lines


class APIDirective(SphinxDirective):
    option_spec = {"package": str, "also": str, "notes": str}

    def run(self):
        package = self.options.get("package", "mlhw")
        groups = public_api(package, (self.options.get("also") or "").split())
        notes_dir = None
        if "notes" in self.options:
            notes_dir = (Path(self.env.doc2path(self.env.docname)).parent
                         / self.options["notes"]).resolve()
        for module in groups:                # read the page again when the package or notes change
            self.env.note_dependency(importlib.import_module(module).__file__)
            if _notes_file(notes_dir, module):
                self.env.note_dependency(str(_notes_file(notes_dir, module)))
        if notes_dir:                        # a notes file with no module to go with is an error
            modules = {module.rpartition(".")[2] for module in groups}
            for orphan in sorted(p.name for p in notes_dir.glob("*.rst") if p.stem not in modules):
                logger.warning(f"{notes_dir.name}/{orphan}: no module mlhw.{orphan[:-4]} has "
                               f"public names, so these notes are shown nowhere",
                               location=self.get_location())
        self.env.note_dependency(importlib.import_module(package).__file__)
        public_modules = {name for entries in groups.values() for name, obj in entries
                          if isinstance(obj, types.ModuleType)}
        holder = nodes.section()
        nested_parse_with_titles(self.state, StringList(api_rst(groups, notes_dir),
                                                        self.get_source_info()[0]),
                                 holder)
        for target in holder.findall(nodes.target):     # anchor mlhw.<module> for a public module
            for module in public_modules:
                if f"module-{module}" in target["ids"]:
                    target["ids"].append(module)
        return holder.children


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.autosummary")
    app.add_directive("mlhw-api", APIDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
