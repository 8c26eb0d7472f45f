"""Sphinx extension of the mlhw book.

* ``erratum`` directive: an admonition titled "Erratum: ..." that a chapter writes where a
  published solution is wrong. Every erratum is collected from the chapters.
* ``errata-list`` directive: renders all collected errata (with a link back to each chapter), so
  the errata page is generated from the chapters, never maintained by hand.
* Two repairs of the theme's HTML, applied to every page when the build finishes: an inline
  script that Jupyter Book 1 emits twice (declaring ``THEBE_JS_URL`` twice is a page error) is
  kept once, and the navigation's collapse toggles (``<summary>`` elements with only an icon)
  get an accessible name; the bibliography's ``role="list"`` (whose entries are not list items)
  is dropped; the theme's header icons named with Font Awesome 5 classes (``fas``, ``fab``) get
  their Font Awesome 6 names, which the theme serves (the widget manager's stylesheet would
  otherwise style them with Font Awesome 5 fonts that no page serves).
* MathJax on every page, generated ones (index, search) included: chapter titles in the
  navigation that every page shows contain maths.
* On pages with saved widget views, a small script names the handles of the widget manager's
  sliders after their widget's label (the manager leaves them without an accessible name).
* Exercises are titled by the homework's own numbering: an unnumbered ``{exercise}`` whose
  argument is "Problem 2(a): the E-step" is titled exactly that, not "Exercise (Problem 2(a)...)".
* ``static/mlhw.js`` and ``static/mlhw.css`` on every page: the control that opens all solutions
  of a chapter, accessible names for the self-check inputs, and the compact check verdicts.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

STATIC = Path(__file__).resolve().parent / "static"


class erratum_node(nodes.Admonition, nodes.Element):
    pass


class errata_list_node(nodes.General, nodes.Element):
    pass


def _visit_admonition(self, node):
    self.visit_admonition(node)


def _depart_admonition(self, node):
    self.depart_admonition(node)


class ErratumDirective(SphinxDirective):
    """``{erratum} short title`` + body: what the published solution says and what is right."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option, "source": directives.unchanged}

    def run(self):
        targetid = f"erratum-{self.env.new_serialno('erratum')}"
        target = nodes.target("", "", ids=[targetid])
        node = erratum_node("\n".join(self.content))
        node["classes"] += ["admonition", "warning", "erratum"] + self.options.get("class", [])
        title_text = f"Erratum: {self.arguments[0]}"
        textnodes, messages = self.state.inline_text(title_text, self.lineno)
        title = nodes.title(title_text, "", *textnodes)
        title.source, title.line = self.get_source_info()
        node += title
        self.state.nested_parse(self.content, self.content_offset, node)
        if not hasattr(self.env, "mlhw_errata"):
            self.env.mlhw_errata = []
        self.env.mlhw_errata.append({"docname": self.env.docname, "target": targetid,
                                     "node": node.deepcopy(), "title": title_text})
        return [target, node] + messages


class ErrataListDirective(SphinxDirective):
    def run(self):
        return [errata_list_node("")]


def _errata_page_needs_mathjax(app, doctree):
    # the collected errata contain maths, which the page's own source does not: tell the math
    # domain (after it has looked at the source) so that MathJax is loaded on that page
    if any(True for _ in doctree.findall(errata_list_node)):
        app.env.get_domain("math").data["has_equations"][app.env.docname] = True


def _purge(app, env, docname):
    if hasattr(env, "mlhw_errata"):
        env.mlhw_errata = [e for e in env.mlhw_errata if e["docname"] != docname]


def _merge(app, env, docnames, other):
    if not hasattr(env, "mlhw_errata"):
        env.mlhw_errata = []
    env.mlhw_errata.extend(getattr(other, "mlhw_errata", []))


def _resolve(app, doctree, fromdocname):
    env = app.builder.env
    flat = _toc_order(env)
    errata = sorted(getattr(env, "mlhw_errata", []),
                    key=lambda e: (flat.get(e["docname"], len(flat)), e["target"]))
    for node in doctree.findall(errata_list_node):
        content = []
        if not errata:
            content.append(nodes.paragraph(text="No erratum has been recorded yet."))
        current = None
        for e in errata:
            if e["docname"] != current:
                current = e["docname"]
                title = env.titles[current].astext() if current in env.titles else current
                para = nodes.paragraph()
                ref = nodes.reference("", "", internal=True)
                ref["refuri"] = app.builder.get_relative_uri(fromdocname, current)
                ref += nodes.strong(title, title)
                para += ref
                content.append(para)
            copy = e["node"].deepcopy()
            for sub in copy.findall(nodes.Element):
                sub["ids"] = []
            # cross-references inside the copy were never resolved: link them to their target
            for xref in list(copy.findall(addnodes.pending_xref)):
                xref.replace_self(_copied_xref(app, env, fromdocname, xref))
            back = nodes.paragraph()
            ref = nodes.reference("", "", internal=True)
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, e["docname"]) + "#" + e["target"]
            ref += nodes.Text("Read it in its chapter.")
            back += ref
            copy += back
            content.append(copy)
        node.replace_self(content)


def _copied_xref(app, env, fromdocname, xref):
    """A reference of a copied erratum, resolved by hand: a link to the exercise or section it
    names, titled by that exercise's or section's own title (never by the bare label)."""
    label = xref.get("reftarget", "")
    exercise = getattr(env, "sphinx_exercise_registry", {}).get(label)
    std = env.get_domain("std").labels.get(label)
    if exercise is not None:
        docname, anchor = exercise["docname"], label
        title = exercise["node"].children[0]
        text = title.children[1].astext() if len(title.children) > 1 else title.astext()
    elif std is not None:
        docname, anchor, text = std
    else:
        return nodes.inline("", "", *xref.children)
    explicit = xref.get("refexplicit") and xref.astext()
    ref = nodes.reference("", "", internal=True)
    ref["refuri"] = app.builder.get_relative_uri(fromdocname, docname) + "#" + anchor
    ref += nodes.Text(explicit or text or label)
    return ref


def _toc_order(env):
    order, seen = {}, set()

    def walk(doc):
        if doc in seen:
            return
        seen.add(doc)
        order[doc] = len(order)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order


_INLINE_SCRIPT = re.compile(r"<script>(?:(?!</script>).)*</script>", re.S)
_BARE_SUMMARY = '<summary><span class="toctree-toggle" role="presentation">'
_NAMED_SUMMARY = ('<summary aria-label="Show or hide the chapters of this part">'
                  '<span class="toctree-toggle" role="presentation">')


_QUIZ_SCRIPT = '<script type="application/javascript">var questions'

# Font Awesome 5 style classes and their Font Awesome 6 names (the theme ships Font Awesome 6)
_FA5_TO_FA6 = {"fas": "fa-solid", "far": "fa-regular", "fab": "fa-brands"}
_ICON_TAG = re.compile(r'(<i\b[^>]*?\bclass=")([^"]*)(")')


def _fa6_names(match):
    classes = [_FA5_TO_FA6.get(c, c) for c in match.group(2).split()]
    return match.group(1) + " ".join(classes) + match.group(3)


def repair_html(text: str) -> str:
    """Keep each identical inline script once; defer the self-check scripts until MathJax is
    ready; name the icon-only navigation toggles; give Font Awesome 5 icon classes their Font
    Awesome 6 names."""
    seen = set()

    def once(match):
        if match.group(0) in seen:
            return ""
        seen.add(match.group(0))
        return match.group(0)

    text = _INLINE_SCRIPT.sub(once, text)
    # the self-check boxes' scripts run once MathJax is ready (static/mlhw.js): run during page
    # load they would find MathJax still loading and fail
    text = text.replace(_QUIZ_SCRIPT, '<script type="text/x-mlhw-quiz">var questions')
    text = text.replace(_BARE_SUMMARY, _NAMED_SUMMARY)
    text = _ICON_TAG.sub(_fa6_names, text)
    # docutils marks the bibliography role="list" but its entries role="doc-biblioentry",
    # which is not a list item: a list without items is an accessibility error
    return text.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


# noUiSlider handles (role="slider") of the widget manager's sliders carry no accessible name:
# name each after the label of its slider widget, also for sliders rendered later.
_SLIDER_NAMES_JS = """document.addEventListener("DOMContentLoaded", () => {
  const name = () => document.querySelectorAll(".jupyter-widgets .noUi-handle:not([aria-label])")
    .forEach(h => {
      const w = h.closest(".widget-slider, .widget-inline-hbox");
      const label = w && w.querySelector(".widget-label");
      h.setAttribute("aria-label", (label && label.textContent.trim()) || "slider");
    });
  name();
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
});"""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _name_widget_sliders(app, pagename, templatename, context, doctree):
    if app.builder.format == "html" and WIDGET_VIEW in context.get("body", ""):
        app.add_js_file(None, body=_SLIDER_NAMES_JS)


def _repair_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = repair_html(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


class HomeworkExerciseTitles(SphinxPostTransform):
    """Title an unnumbered exercise by its argument alone ("Problem 2(a): ..."): sphinx-exercise
    (priority 20) would make it "Exercise (Problem 2(a): ...)"."""

    default_priority = 25

    def run(self):
        from sphinx_exercise.nodes import exercise_node

        for node in self.document.findall(exercise_node):
            title = node.children[0] if node.children else None
            if not isinstance(title, nodes.title) or len(title.children) < 4:
                continue
            words = [c.astext() if isinstance(c, nodes.Text) else None for c in title.children]
            if words[:2] == ["Exercise", " ("] and words[-1] == ")":
                title.children = title.children[2:-1]
                for child in title.children:
                    child.parent = title


def _static_files(app, config):
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]


def setup(app):
    app.add_node(erratum_node, html=(_visit_admonition, _depart_admonition),
                 latex=(_visit_admonition, _depart_admonition))
    app.add_node(errata_list_node)
    app.add_directive("erratum", ErratumDirective)
    app.add_directive("errata-list", ErrataListDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _errata_page_needs_mathjax)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _repair_pages)
    app.connect("html-page-context", _name_widget_sliders)
    app.connect("config-inited", _static_files)
    app.add_css_file("mlhw.css")
    app.add_js_file("mlhw.js")
    app.add_post_transform(HomeworkExerciseTitles)
    # the navigation on every page shows chapter titles with maths: load MathJax everywhere
    app.set_html_assets_policy("always")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
