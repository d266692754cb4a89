"""Splitting a briefing into translation units, and putting it back together.

A document is cut into *units* (front-matter fields, headings, paragraphs,
list items, block quotes, table cells) and a *skeleton*: every byte that is
not a unit's text (list markers, indentation, blank lines, table pipes, code
blocks, the YAML around the translatable fields). Rebuilding the skeleton with
each unit's own text gives back the source byte for byte; rebuilding it with
translations gives the translated file in the source's layout.

Blocks are found with markdown-it-py's token source maps, so the split follows
CommonMark (plus GFM tables) rather than a hand-written parser; this module
only maps each block's inline text back onto its exact place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trilingual.errors import InputError

if TYPE_CHECKING:
    from types import ModuleType

    from markdown_it import MarkdownIt

TRANSLATABLE_FIELDS = ("title", "lede")


@lru_cache(maxsize=1)
def _yaml() -> tuple[ModuleType, Any]:
    """PyYAML and its fastest safe loader, imported on first use: a warm run finds every
    front matter in the cache and need not pay for the import."""
    import yaml

    # The C loader is several times faster and gives the same marks.
    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a document, with inline Markdown kept inside."""

    kind: str
    text: str
    line: int  # 1-based line of the file where the unit starts


@dataclass(frozen=True)
class Slot:
    """The place of one unit in the skeleton.

    `separators` are the bytes between consecutive lines of the source text
    (newline plus the container prefix such as `> ` or list indentation);
    a translation with more lines than its source reuses `continuation`.
    """

    index: int
    separators: tuple[str, ...] = ()
    continuation: str = "\n"
    single_line: bool = False
    yaml_raw: str | None = None


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    node: Any  # the composed YAML mapping, for the marks of each value
    text: str  # the YAML between the fences
    start: int  # offset of `text` in the document
    end: int  # offset just past the closing fence line
    first_line: int  # 1-based line of the YAML's first line


@dataclass(frozen=True)
class Segmented:
    units: tuple[Unit, ...]
    parts: tuple[str | Slot, ...]
    front_matter: FrontMatter | None
    crlf: bool = False

    def rebuild(self, texts: Sequence[str]) -> str:
        """The document with unit i replaced by texts[i]."""
        if len(texts) != len(self.units):
            raise ValueError(f"{len(texts)} texts for {len(self.units)} units")
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(_fill(part, texts[part.index], self.units[part.index].text))
        result = "".join(out)
        return result.replace("\n", "\r\n") if self.crlf else result

    def kinds(self) -> tuple[str, ...]:
        return tuple(u.kind for u in self.units)


def _fill(slot: Slot, text: str, source: str) -> str:
    if slot.yaml_raw is not None:
        return slot.yaml_raw if text == source else yaml_scalar(text)
    if slot.single_line:
        return " ".join(text.split("\n"))
    lines = text.split("\n")
    out = [lines[0]]
    for j, line in enumerate(lines[1:]):
        sep = slot.separators[j] if j < len(slot.separators) else slot.continuation
        out.append(sep)
        out.append(line)
    return "".join(out)


def yaml_scalar(value: str) -> str:
    """A YAML scalar for `value`: plain where that reads back the same, else double-quoted."""
    plain_ok = (
        value
        and "\n" not in value
        and value == value.strip()
        and not value.startswith(("«", "'", '"', "-", "?", ":", "[", "{", "!", "&", "*", "|", ">", "%", "@", "`", "#"))
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
    )
    if plain_ok:
        yaml, loader = _yaml()
        try:
            if yaml.load("k: " + value, Loader=loader) == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Imported here: a warm `status` answers from its cache without parsing Markdown.
    from markdown_it import MarkdownIt

    # Units are cut from block tokens (their content and line maps) only; the
    # inline pass would build children nobody reads, at a third of the cost.
    return MarkdownIt("commonmark").enable("table").disable("inline")


def parse_front_matter(text: str, path: Path | str) -> FrontMatter | None:
    """Find and parse the YAML front matter, if the document starts with one."""
    if not text.startswith("---\n"):
        return None
    start = 4
    pos = start
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl == -1 else text[pos:nl]
        if line.rstrip() in ("---", "..."):
            yaml_text = text[start:pos]
            end = len(text) if nl == -1 else nl + 1
            break
        if nl == -1:
            raise InputError(path, 1, "front matter is not closed (no line '---' after it)")
        pos = nl + 1
    yaml, loader_class = _yaml()
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 2 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(path, where, f"broken YAML front matter: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, 1, f"broken YAML front matter: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError(path, 2, "front matter must be a mapping of fields")
    return FrontMatter(data, node, yaml_text, start, end, 2)


def segment(text: str, path: Path | str = "<document>", front: FrontMatter | None = None) -> Segmented:
    """Cut a Markdown document (with optional YAML front matter) into units.

    `front` is the document's front matter when the caller parsed it already
    (from the same text, without CRLF line ends or the BOM).
    """
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise InputError(path, line, "stray carriage return (mixed line endings)")
    prefix = ""
    if text.startswith("\ufeff"):
        prefix, text = "\ufeff", text[1:]

    spans: list[tuple[int, int, Unit, Slot]] = []  # start, end, unit, slot (index filled later)
    if front is None:
        front = parse_front_matter(text, path)
    body_start = 0
    body_line = 0
    if front is not None:
        body_start = front.end
        body_line = text.count("\n", 0, front.end)
        spans.extend(_front_matter_spans(front))
    spans.extend(_body_spans(text, body_start, body_line))
    spans.sort(key=lambda s: s[0])

    parts: list[str | Slot] = [prefix] if prefix else []
    units: list[Unit] = []
    pos = 0
    for start, end, unit, slot in spans:
        parts.append(text[pos:start])
        parts.append(Slot(len(units), slot.separators, slot.continuation, slot.single_line, slot.yaml_raw))
        units.append(unit)
        pos = end
    parts.append(text[pos:])
    return Segmented(tuple(units), tuple(p for p in parts if p != ""), front, crlf)


def _front_matter_spans(front: FrontMatter) -> list[tuple[int, int, Unit, Slot]]:
    spans: list[tuple[int, int, Unit, Slot]] = []
    node = front.node
    yaml, _ = _yaml()
    if node is None or not isinstance(node, yaml.MappingNode):
        return spans
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in TRANSLATABLE_FIELDS or not isinstance(value_node, yaml.ScalarNode):
            continue
        value = front.data.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        raw = front.text[value_node.start_mark.index : value_node.end_mark.index].rstrip()
        start = front.start + value_node.start_mark.index
        line = front.first_line + value_node.start_mark.line
        unit = Unit(key, value.strip(), line)
        spans.append((start, start + len(raw), unit, Slot(0, yaml_raw=raw)))
    return spans


_BLOCK_CONTAINERS = {"list_item_open": "list item", "blockquote_open": "blockquote"}


def _body_spans(text: str, body_start: int, body_line: int) -> list[tuple[int, int, Unit, Slot]]:
    body = text[body_start:]
    tokens = _markdown().parse(body)
    line_starts = [0]
    for m in re.finditer("\n", body):
        line_starts.append(m.end())
    lines = body.split("\n")

    spans: list[tuple[int, int, Unit, Slot]] = []
    containers: list[str] = []
    heading_markup: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in _BLOCK_CONTAINERS:
            containers.append(_BLOCK_CONTAINERS[tok.type])
        elif tok.type in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif tok.type == "heading_open":
            heading_markup = tok.markup
        elif tok.type == "heading_close":
            heading_markup = None
        elif tok.type == "table_open":
            end = _skip_to(tokens, i, "table_close")
            if tok.level == 0:
                spans.extend(_table_spans(tokens[i:end], lines, line_starts, body_start, body_line))
            i = end
            continue
        elif tok.type == "inline" and tok.map is not None:
            kind = "heading" if heading_markup is not None else (containers[-1] if containers else "paragraph")
            span = _inline_span(tok.content, tok.map, body, lines, line_starts)
            if span is not None:
                start, end, seps, cont, unit_text = span
                single = heading_markup is not None and heading_markup.startswith("#")
                unit = Unit(kind, unit_text, body_line + tok.map[0] + 1)
                spans.append((body_start + start, body_start + end, unit, Slot(0, seps, cont, single)))
        i += 1
    return spans


def _skip_to(tokens: Sequence[Any], i: int, close: str) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == tokens[i].type:
            depth += 1
        elif tokens[j].type == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(tokens)


def _inline_span(
    content: str, line_map: Sequence[int], body: str, lines: list[str], line_starts: list[int]
) -> tuple[int, int, tuple[str, ...], str, str] | None:
    """Locate a block's inline text in the source lines.

    markdown-it gives the text with container prefixes removed; each of its
    lines is a suffix of the matching source line (less trailing blanks on the
    last line). Anything that cannot be placed exactly stays in the skeleton,
    so the rebuild is exact even for input this mapping does not understand.
    """
    a, b = line_map
    content_lines = content.split("\n")
    if not content.strip() or len(content_lines) != b - a:
        return None
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    for offset, piece in enumerate(content_lines):
        line = lines[a + offset]
        if offset > 0:
            piece = piece.lstrip(" \t")
        if line.endswith(piece):
            k = len(line) - len(piece)
        elif line.rstrip().endswith(piece):
            k = len(line.rstrip()) - len(piece)
        else:
            return None
        base = line_starts[a + offset]
        starts.append(base + k)
        ends.append(base + k + len(piece))
        texts.append(piece)
    if any(not t for t in texts):
        return None
    first_line = lines[a]
    first_prefix = first_line[: starts[0] - line_starts[a]]
    seps = tuple(body[ends[j] : starts[j + 1]] for j in range(len(starts) - 1))
    cont = seps[-1] if seps else "\n" + re.sub(r"[^\s>]", " ", first_prefix)
    return starts[0], ends[-1], seps, cont, "\n".join(texts)


def _split_row(line: str) -> list[tuple[int, int]]:
    """Cell spans of a table row: text between unescaped pipes, stripped."""
    pipes = [m.start() for m in re.finditer(r"(?<!\\)(?:\\\\)*\|", line)]
    pipes = [p + (line[p:].index("|")) for p in pipes]
    bounds = [-1, *pipes, len(line)]
    cells = [(bounds[j] + 1, bounds[j + 1]) for j in range(len(bounds) - 1)]
    stripped = line.strip()
    if stripped.startswith("|") and cells and not line[cells[0][0] : cells[0][1]].strip():
        cells = cells[1:]
    if stripped.endswith("|") and len(stripped) > 1 and cells and not line[cells[-1][0] : cells[-1][1]].strip():
        cells = cells[:-1]
    result = []
    for s, e in cells:
        cell = line[s:e]
        lead = len(cell) - len(cell.lstrip())
        result.append((s + lead, s + lead + len(cell.strip())))
    return result


def _table_spans(
    tokens: Sequence[Any], lines: list[str], line_starts: list[int], body_start: int, body_line: int
) -> list[tuple[int, int, Unit, Slot]]:
    spans = []
    j = 0
    while j < len(tokens):
        tok = tokens[j]
        if tok.type == "tr_open" and tok.map is not None:
            end = _skip_to(tokens, j, "tr_close")
            n_cells = sum(1 for t in tokens[j:end] if t.type == "inline")
            row = tok.map[0]
            cells = _split_row(lines[row])
            if len(cells) == n_cells:
                for s, e in cells:
                    if e > s:
                        start = body_start + line_starts[row] + s
                        unit = Unit("table cell", lines[row][s:e], body_line + row + 1)
                        spans.append((start, start + (e - s), unit, Slot(0, single_line=True)))
            j = end
            continue
        j += 1
    return spans
