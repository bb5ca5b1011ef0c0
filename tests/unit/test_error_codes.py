"""Every error the code base can raise has a stable code, a Thai sentence and its English.

The codes are found the way ``pybabel extract`` finds them (``babel.cfg``): every call to a
class of the DomainError family, by name, with the code as the message context and the Thai
template as the message id. The web layer's own errors (a refused body, a page not found, the
guards) are DomainErrors too, so this one walk covers them.
"""

from __future__ import annotations

import ast
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords

from kernel.i18n import english

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kernel", "inventory", "payments", "pos", "integrity", "demo", "web")
FAMILY = {"DomainError", "InvalidInputError", "NotFoundError", "ConflictError", "ForbiddenError"}
THAI = re.compile("[\u0e00-\u0e7f]")
CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")

# A subclass whose own __init__ passes a code it was given on to DomainError (so its
# super().__init__ cannot name literals). None does today; a new one is listed here, by name,
# and its callers are then held to literals like any other raise.
FORWARDS_ITS_CODE: frozenset[str] = frozenset()


@cache
def _sources() -> tuple[tuple[Path, ast.Module], ...]:
    return tuple(
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    )


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes() -> dict[str, bool]:
    """Every class of the DomainError family by name, and whether it has its own __init__."""
    bases: dict[str, set[str]] = {}
    own_init: dict[str, bool] = {}
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {n for n in map(_name, node.bases) if n}
                own_init[node.name] = any(
                    isinstance(item, ast.FunctionDef) and item.name == "__init__"
                    for item in node.body
                )
    family = set(FAMILY)
    while grown := {name for name, of in bases.items() if of & family} - family:
        family |= grown
    return {name: own_init.get(name, False) and name != "DomainError" for name in family}


@dataclass(frozen=True)
class Found:
    code: str
    thai: str
    where: str


@cache
def extracted() -> tuple[Found, ...]:
    """Every (code, Thai template) pair, as Babel extracts them."""
    classes = error_classes()
    keywords = parse_keywords(
        [f"{name}:1c,2" for name in sorted(classes)]
        # the super().__init__ of a subclass that supplies its own code
        + ["__init__:1c,2"]
    )
    found = []
    for package in PACKAGES:
        for filename, lineno, message, _, context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            # A sentence in the code's place is an uncoded call that Babel misreads (the
            # keyword arguments' values count as its arguments): the last test names those.
            if context and isinstance(message, str) and not re.search(r"\s", context):
                found.append(Found(context, message, f"{package}/{filename}:{lineno}"))
    return tuple(found)


def _placeholders(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    }


def test_the_walk_finds_the_codes_of_every_layer() -> None:
    codes = {f.code for f in extracted()}
    assert {"request.invalid", "auth.required", "not_found", "internal"} <= codes
    assert "import.stopped" in codes
    assert {"ConflictError", "TooManyAttemptsError", "SignInRequiredError"} <= set(error_classes())


def test_every_error_code_has_a_thai_template_and_english() -> None:
    catalogue = english()
    problems = []
    for found in extracted():
        if not CODE.fullmatch(found.code):
            problems.append(f"{found.where}: {found.code!r} is not a code (a.b_c)")
        if not THAI.search(found.thai):
            problems.append(f"{found.where}: {found.code}: the template is not Thai")
        if not catalogue.get((found.code, found.thai), "").strip():
            problems.append(f"{found.where}: {found.code}: no English in messages.po")
    assert problems == []


def test_a_code_always_has_the_same_thai_template() -> None:
    templates: dict[str, set[str]] = defaultdict(set)
    for found in extracted():
        templates[found.code].add(found.thai)
    assert {code: t for code, t in templates.items() if len(t) > 1} == {}


def _values_given(where: str, code: str) -> set[str] | None:
    """The names a raise at ``where`` passes (its keywords, and ``field``); None when it
    passes a ``**mapping`` whose names cannot be read."""
    path, line = where.rsplit(":", 1)
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and node.lineno <= int(line) <= (node.end_lineno or node.lineno)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == code
        ):
            if any(k.arg is None for k in node.keywords):
                return None
            return {k.arg for k in node.keywords if k.arg} | {"field"}
    return None


def test_each_sentence_names_only_values_its_raise_gives() -> None:
    """Thai and English may say different values (baht in one, satang in the other), but
    each names only values the raise passes: otherwise the reader sees a raw template."""
    catalogue = english()
    problems = []
    checked = 0
    for found in extracted():
        given = _values_given(found.where, found.code)
        if given is None:
            continue
        checked += 1
        for template in (found.thai, catalogue.get((found.code, found.thai), "")):
            missing = _placeholders(template) - given
            if missing:
                problems.append(f"{found.where}: {found.code}: {template!r} names {missing}")
    assert problems == []
    assert checked > len(extracted()) * 3 // 4  # the walk found the raises, not nothing


def _forwards(args: list[ast.expr]) -> bool:
    """``SomeError(error.code, error.thai, ...)``: a coded error (the PromptPay codec's) passed
    on under another class; its code and Thai were literals where it was raised."""
    return (
        len(args) >= 2
        and isinstance(args[0], ast.Attribute)
        and args[0].attr == "code"
        and isinstance(args[1], ast.Attribute)
        and args[1].attr == "thai"
    )


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def uncoded_calls() -> list[str]:
    """Calls to a DomainError-family class whose first two arguments are not both string
    literals: an English sentence with no code (``uncoded``), or a code made at run time. A
    subclass with its own __init__ supplies the code itself: its callers are exempt, its
    ``super().__init__`` is not."""
    classes = error_classes()
    own_init = {name for name, has in classes.items() if has}
    found = []
    for path, tree in _sources():
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in own_init - FORWARDS_ITS_CODE:
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "__init__"
                        and not (len(call.args) >= 2 and all(map(_literal, call.args[:2])))
                    ):
                        found.append(f"{where}:{call.lineno}: {node.name}.__init__")
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name not in classes or name in own_init:
                continue
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                found.append(f"{where}:{node.lineno}: {name}(*...)")
            elif not (len(node.args) >= 2 and all(map(_literal, node.args[:2]))) and not (
                _forwards(node.args)
            ):
                found.append(f"{where}:{node.lineno}: {name}")
    return sorted(found)


def test_no_error_is_left_without_a_code() -> None:
    assert uncoded_calls() == []
