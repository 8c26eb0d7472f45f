"""Sphinx extension of the mlhw book.

* ``erratum`` directive: an admonition titled "Erratum: ..." that a chapter writes where a
  published solution is wrong. Every erratum is collected from the chapters.
* ``errata-list`` directive: renders all collected errata (with a link back to each chapter), so
  the errata page is generated from the chapters, never maintained by hand.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective


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
            back = nodes.paragraph()
            ref = nodes.reference("", "", internal=True)
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, e["docname"]) + "#" + e["target"]
            ref += nodes.Text("Read it in its chapter.")
            back += ref
            copy += back
            content.append(copy)
        node.replace_self(content)


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


def setup(app):
    app.add_node(erratum_node, html=(_visit_admonition, _depart_admonition),
                 latex=(_visit_admonition, _depart_admonition))
    app.add_node(errata_list_node)
    app.add_directive("erratum", ErratumDirective)
    app.add_directive("errata-list", ErrataListDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _resolve)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
