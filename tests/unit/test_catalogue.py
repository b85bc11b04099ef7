"""The catalogue of words: every key used in code exists in both languages with the same
placeholders, no key is unused, pages show no literal words, and numbers shown on pages
go through the locale formatter. The code is read as Python (AST), not searched as text."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from coopdash.contract import CODES
from coopdash.i18n import LANGS, catalogue

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted([*(ROOT / "coopdash").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
               ROOT / "dashboard.py"])
PAGES = sorted([*(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"])
T_NAMES = {"t", "heading"}  # t(key, …), ctx.t(key, …), weekly.heading(key without "weekly.")
PREFIX = {"heading": "weekly."}
NUMBER_WORDS = {"n", "rows", "tables", "shown", "total", "max", "count", "pages", "page",
                "added", "changed", "removed", "people", "attended"}
WIDGET_TEXT = {"label", "help", "placeholder", "caption", "title", "body", "text"}
SHOWN_BY = {  # Streamlit (and our own) calls whose text arguments a person reads
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info",
    "success", "warning", "error", "toast", "metric", "button", "download_button",
    "form_submit_button", "selectbox", "multiselect", "radio", "text_input", "text_area",
    "number_input", "date_input", "slider", "toggle", "checkbox", "segmented_control",
    "pills", "expander", "tabs", "file_uploader", "page_link", "Page", "spinner",
    "download", "lazy_expander", "set_page_config"}


def _trees() -> dict[Path, ast.AST]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in CODE}


TREES = _trees()


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _calls(tree: ast.AST, names: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in names and node.args:
            yield node


def _pattern(node: ast.expr, prefix: str = "") -> re.Pattern | None:
    """The keys a key argument can be: a literal, or an f-string (its holes match any
    text), as a regular expression; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(prefix + node.value))
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"[A-Za-z0-9_.]+"
                 for v in node.values]
        return re.compile(re.escape(prefix) + "".join(parts))
    return None


def _key_uses() -> list[tuple[str, re.Pattern, ast.Call]]:
    out = []
    for path, tree in TREES.items():
        for call in _calls(tree, T_NAMES):
            pat = _pattern(call.args[0], PREFIX.get(_name(call.func), ""))
            if pat is not None:
                out.append((f"{path.relative_to(ROOT)}:{call.lineno}", pat, call))
    return out


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    """Each key has a Bahasa Indonesia and an English text naming the same {fields}."""
    bad = [key for key, entry in catalogue().items()
           if any(not entry.get(lang) for lang in LANGS)
           or _placeholders(entry["id"]) != _placeholders(entry["en"])]
    assert bad == []


def test_every_key_used_in_code_exists_and_gets_its_placeholders():
    """A literal key exists (an f-string key matches at least one), and a call that
    fills placeholders by name fills exactly the ones its text has."""
    keys = catalogue()
    missing, wrong_fields = [], []
    for where, pat, call in _key_uses():
        found = [k for k in keys if pat.fullmatch(k)]
        if not found:
            missing.append(f"{where} {pat.pattern}")
            continue
        named = {kw.arg for kw in call.keywords if kw.arg is not None}
        filled = named - {"lang"}
        literal = isinstance(call.args[0], ast.Constant)
        if literal and filled and not any(kw.arg is None for kw in call.keywords) and (
                filled != _placeholders(keys[found[0]]["en"])):
            wrong_fields.append(f"{where} {found[0]}: {sorted(named)}")
    assert missing == [] and wrong_fields == []


def _literals() -> set[str]:
    """Every string constant in the code (keys kept in tables, like filter words)."""
    return {n.value for tree in TREES.values() for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _built_keys() -> list[re.Pattern]:
    """Every f-string in the code as a pattern: keys built from a prefix and a value
    (`f"explorer.direction.{code}"` handed to SQL, `_h3(f"meeting.happened_{key}")`)."""
    return [pat for tree in TREES.values() for n in ast.walk(tree)
            if isinstance(n, ast.JoinedStr) and (pat := _pattern(n)) is not None
            and "." in pat.pattern]


def test_no_key_is_unused():
    """Each key is used: named in a call, matched by a key built in an f-string, held as
    a literal (a table of keys), or a code label `code.<list>.<code>` of the contract's
    code lists (every one of which has its label)."""
    keys = set(catalogue())
    patterns = [pat for _, pat, _ in _key_uses()] + _built_keys()
    literals = _literals()
    codes = {f"code.{lst}.{c}" for lst, values in CODES.items() for c in values}
    assert codes - keys == set(), "a code without its label"
    unused = sorted(k for k in keys - codes - literals
                    if not any(p.fullmatch(k) for p in patterns))
    assert unused == []


def _widget_texts(call: ast.Call) -> list[ast.expr]:
    """The arguments of a Streamlit call that a person reads (a page's first argument
    is its file)."""
    out = [] if _name(call.func) in ("Page", "page_link") else list(call.args[:1])
    out += [kw.value for kw in call.keywords if kw.arg in WIDGET_TEXT]
    return out


def _text_parts(node: ast.expr) -> list[ast.Constant]:
    """The literal pieces of a text argument: itself, an f-string's text, the literal
    operands of a `+` (a call inside, like `ctx.t(...)`, is not literal)."""
    if isinstance(node, ast.Constant):
        return [node]
    if isinstance(node, ast.JoinedStr):
        return [v for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _text_parts(node.left) + _text_parts(node.right)
    return []


def _words(node: ast.expr) -> str | None:
    """Literal words in a text argument (not icons, markers or punctuation)."""
    for part in _text_parts(node):
        text = part.value if isinstance(part.value, str) else ""
        text = re.sub(r":material/\w+:", "", text)
        if re.search(r"[A-Za-z]{2,}", text):
            return text
    return None


def test_pages_show_no_literal_words():
    """What pages hand to Streamlit to show comes from the catalogue: no literal words
    in labels, captions, help or options' names (icons and punctuation are fine)."""
    found = []
    for path in PAGES:
        for node in ast.walk(TREES[path]):
            if not isinstance(node, ast.Call) or _name(node.func) not in SHOWN_BY:
                continue
            for arg in _widget_texts(node):
                if words := _words(arg):
                    found.append(f"{path.name}:{node.lineno} {words!r}")
            for kw in node.keywords:
                if kw.arg == "format_func" and any(
                        isinstance(n, ast.Dict) for n in ast.walk(kw.value)):
                    found.append(f"{path.name}:{node.lineno} options named by a dict")
    assert found == []


def _raw_number(name: str | None, value: ast.expr) -> bool:
    """Whether a message's value is a number printed without the locale formatter."""
    if isinstance(value, ast.Call) and _name(value.func) in ("len", "sum", "int", "round",
                                                              "str"):
        return True
    if isinstance(value, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) and v.format_spec is not None
            for v in value.values):
        return True  # f"{n:,}": a separator of one language only
    formatted = isinstance(value, ast.Call) and str(_name(value.func)).startswith("fmt_")
    return name in NUMBER_WORDS and not formatted and not isinstance(value, ast.Name)


def test_numbers_on_pages_go_through_the_locale_formatter():
    """A count handed to a message on a page is formatted for the language (1.234 in
    Bahasa Indonesia, 1,234 in English), never printed raw (len, sum, int, f'{n:,}')."""
    raw = [f"{path.name}:{call.lineno} {kw.arg}"
           for path in PAGES for call in _calls(TREES[path], T_NAMES)
           for kw in call.keywords if _raw_number(kw.arg, kw.value)]
    assert raw == []


# Streamlit's own English words a widget shows unless told otherwise (seen in Chromium on
# the Indonesian pages: every select box's input said "Choose an option")
DEFAULT_WORDS = {"selectbox": "placeholder", "multiselect": "placeholder"}


def test_widgets_are_given_their_placeholder_in_the_persons_language():
    """Every select box and multiselect of the app (pages, sidebar, saved views) gets its
    placeholder from the catalogue: Streamlit's default is English ("Choose an option").
    What Streamlit cannot be told (the grid toolbar's "Search", "Fullscreen",
    "Show/hide columns"; the file uploader's "Drag and drop"; the date picker's "Choose
    date") is a literal in its frontend: docs/architecture.md says so."""
    missing = []
    for path, tree in TREES.items():
        if path.parent.name not in ("pages", "web") and path.name != "dashboard.py":
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in DEFAULT_WORDS
                    and DEFAULT_WORDS[node.func.attr] not in {k.arg for k in node.keywords}):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []
