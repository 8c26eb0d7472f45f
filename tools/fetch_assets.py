"""Fetch the front-end files the offline site serves itself, verified, into ``_offline/``.

Reads ``tools/assets.lock.json``: for each package, ``npm pack NAME@VERSION`` downloads the
registry tarball (nothing is installed), its sha512 is checked against the pinned integrity, the
listed files are extracted into ``_offline/``, and the listed literal patches are applied (each
must match exactly once, so a changed upstream file is noticed). A stamp file records the lock's
hash, so a second run does nothing.

* MathJax 3 typesets the maths of every page.
* require.js and ``@jupyter-widgets/html-manager`` render saved widget state. The html-manager
  calls the MathJax 2 API (``MathJax.Hub.Queue``) to typeset widget labels; the patch calls
  MathJax 3's ``typesetPromise`` instead.
* axe-core is injected by the browser tests for the accessibility check; it is not part of the
  site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "tools" / "assets.lock.json"
DEST = ROOT / "_offline"
STAMP = DEST / ".lock-sha256"


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _safe_extract(tar: tarfile.TarFile, member_prefix: str, target: Path) -> None:
    members = [m for m in tar.getmembers()
               if m.name == member_prefix or m.name.startswith(member_prefix.rstrip("/") + "/")]
    if not members:
        raise SystemExit(f"fetch_assets: {member_prefix} is not in the package")
    for m in members:
        if not (m.isfile() or m.isdir()) or ".." in Path(m.name).parts:
            continue
        rel = Path(m.name).relative_to(member_prefix) if m.name != member_prefix else Path()
        out = target / rel if rel.parts else target
        if m.isdir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(m) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)


def main() -> int:
    lock_bytes = LOCK.read_bytes()
    lock_hash = hashlib.sha256(lock_bytes).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == lock_hash:
        print("fetch_assets: _offline/ is up to date")
        return 0
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("fetch_assets: npm is needed to fetch the offline assets "
                         "(Debian: apt-get install -y npm)")
    lock = json.loads(lock_bytes)
    if DEST.exists():
        shutil.rmtree(DEST)
    DEST.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in lock["packages"]:
            out = subprocess.run([npm, "pack", pkg["spec"], "--json", "--pack-destination", tmp],  # noqa: S603
                                 check=True, capture_output=True, text=True, cwd=tmp)
            filename = json.loads(out.stdout)[0]["filename"]
            tarball = Path(tmp) / filename
            got = _integrity(tarball)
            if got != pkg["integrity"]:
                raise SystemExit(f"fetch_assets: {pkg['spec']}: integrity mismatch: expected "
                                 f"{pkg['integrity']}, got {got}")
            with tarfile.open(tarball) as tar:
                for src, dst in pkg["copy"].items():
                    _safe_extract(tar, src, DEST / dst)
            for rel, replacements in pkg.get("patch", {}).items():
                path = DEST / rel
                text = path.read_text(encoding="utf-8")
                for old, new in replacements:
                    if text.count(old) < 1:
                        raise SystemExit(f"fetch_assets: patch for {rel} no longer applies")
                    text = text.replace(old, new)
                path.write_text(text, encoding="utf-8")
            print(f"fetch_assets: {pkg['spec']} verified ({pkg['integrity'][:20]}...)")
    STAMP.write_text(lock_hash + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
