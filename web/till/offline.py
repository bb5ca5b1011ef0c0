"""The till's service worker: the app shell kept on the device, so that a till that has
loaded once opens again with no network.

The worker (``/till/sw.js``, from ``web/templates/till/sw.js`` with a header this module
writes) caches the static files the till and its customer display use, found by following
the pages' ``/static/`` links, the modules' imports and the style sheets' ``url()``s, plus
``/static/vendor/**`` and the English words the scripts read. Its cache name carries a hash
of those files' bytes (and of the worker itself): a deploy that changes any of them changes
the version, the browser installs the new worker and its ``activate`` deletes the old cache.

Its scope is ``/till`` (``Service-Worker-Allowed``: the default scope of ``/till/sw.js``
would be ``/till/``, which does not hold ``/till`` itself). It answers the till's pages and
its static files network-first (the server's answer whenever there is one, so a page never
runs files of two releases; the cached copy when there is none) and lets everything else,
the API above all, go to the network untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from web.i18n import words_url

WEB = Path(__file__).resolve().parents[1]
STATIC = WEB / "static"
TEMPLATES = WEB / "templates" / "till"
WORKER_SOURCE = TEMPLATES / "sw.js"
# The pages the worker keeps the last copy of (the till, and its customer display).
PAGES = ("/till", "/till/display")
SCOPE = "/till"

_STATIC_LINK = re.compile(r"""/static/([\w./-]+\.\w+)""")
_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\./[\w./-]+\.js)["']""")
_CSS_URL = re.compile(r"""url\(\s*["']?(?!data:)([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


def _follow(name: str, found: set[str]) -> None:
    """``name`` (a path under /static) and whatever it imports or links, into ``found``."""
    path = (STATIC / name).resolve()
    if name in found or not path.is_file() or STATIC not in path.parents:
        return
    found.add(name)
    text = path.read_text(errors="replace") if path.suffix in (".js", ".css") else ""
    base = Path(name).parent
    if path.suffix == ".js":  # its imports, and the files it names (a receipt's stylesheet)
        links = _IMPORT.findall(text) + [f"/static/{n}" for n in _STATIC_LINK.findall(text)]
    elif path.suffix == ".css":
        links = [a or b for a, b in _CSS_URL.findall(text)]
    else:
        links = []
    for link in links:
        if link.startswith("/static/"):
            _follow(link.removeprefix("/static/"), found)
        elif not link.startswith(("/", "http:", "https:", "#")):
            _follow((base / link).as_posix().removeprefix("./"), found)


@cache
def shell_assets() -> tuple[str, ...]:
    """Every static file the till's pages use, as the URLs they ask for, sorted."""
    found: set[str] = set()
    for template in sorted(TEMPLATES.glob("*.html")):
        for name in _STATIC_LINK.findall(template.read_text()):
            _follow(name, found)
    vendor = STATIC / "vendor"
    if vendor.is_dir():
        for path in sorted(vendor.rglob("*")):
            if path.is_file():
                _follow(path.relative_to(STATIC).as_posix(), found)
    return tuple(f"/static/{name}" for name in sorted(found))


@cache
def worker_script() -> tuple[bytes, str]:
    """The worker's JavaScript and its version (a hash of every file it caches and of itself)."""
    digest = hashlib.sha256()
    assets = shell_assets()
    for url in assets:
        digest.update(url.encode() + b"\0" + (STATIC / url.removeprefix("/static/")).read_bytes())
    words = words_url()
    source = WORKER_SOURCE.read_bytes()
    digest.update(words.encode() + b"\0" + source)
    version = digest.hexdigest()[:16]
    header = (
        "/* Written by web/till/offline.py: the version and the files to keep. */\n"
        f"const VERSION = {json.dumps(version)};\n"
        f"const ASSETS = {json.dumps([*assets, words])};\n"
        f"const PAGES = {json.dumps(list(PAGES))};\n"
    )
    return header.encode() + source, version
