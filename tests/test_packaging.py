"""The set-up files agree with each other, so Binder and pip install the same things."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_names():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return {_name(r) for r in reqs}


def _environment_names():
    names = set()
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and line.strip().startswith("- "):
            names.add(_name(line.strip()[2:]))
    return names - {"python", "pip"}


def test_environment_and_pyproject_name_the_same_packages():
    assert _environment_names() == _pyproject_names()


def test_environment_pins_python_311():
    assert re.search(r"^\s*- python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_notebook_is_in_the_toc_and_committed_without_outputs():
    import json

    toc = (ROOT / "_toc.yml").read_text()
    for nb in (ROOT / "book").rglob("*.ipynb"):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        rel = nb.relative_to(ROOT).with_suffix("").as_posix()
        assert rel in toc, f"{rel} is not listed in _toc.yml"
        cells = json.loads(nb.read_text())["cells"]
        assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code"), rel


def test_numeric_modules_do_not_import_plotting_or_sympy():
    heavy = re.compile(r"^\s*(import|from)\s+(matplotlib|sympy|ipywidgets)\b", re.M)
    lazy_ok = {"plotting.py", "widgets.py", "symbolic.py"}
    for mod in (ROOT / "mlhw").glob("*.py"):
        if mod.name in lazy_ok:
            continue
        top = [line for line in mod.read_text().splitlines() if not line.startswith((" ", "\t"))]
        assert not heavy.search("\n".join(top)), f"{mod.name} imports a heavy module at top level"


def test_no_pickle_loading_in_package():
    for mod in (ROOT / "mlhw").glob("*.py"):
        text = mod.read_text()
        assert "pickle" not in text and "allow_pickle=True" not in text, mod.name
