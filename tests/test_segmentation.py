"""Segmentation: exact rebuild (property and sample files), layout that survives translation, golden catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CliFn
from trilingual.segmentation import segment

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"

# --- a generator of Markdown documents ------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzабвгдежзіклмнопрстуўфхцчшыэюяё"
_word = st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=8)


@st.composite
def inline_piece(draw: st.DrawFn) -> str:
    w = draw(_word)
    style = draw(st.sampled_from(["plain"] * 6 + ["em", "strong", "link", "code", "punct"]))
    return {
        "plain": w,
        "em": f"*{w}*",
        "strong": f"**{w}**",
        "link": f"[{w}](https://example.com/{w})",
        "code": f"`{w}`",
        "punct": w + draw(st.sampled_from([",", ".", ";", ":", "!", "?", "»"])),
    }[style]


def phrase(min_words: int = 1, max_words: int = 8) -> st.SearchStrategy[str]:
    return st.lists(inline_piece(), min_size=min_words, max_size=max_words).map(" ".join)


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    """A paragraph wrapped over several lines, maybe with hard line breaks."""
    lines = draw(st.lists(phrase(), min_size=1, max_size=4))
    out = []
    for i, line in enumerate(lines):
        end = ""
        if i < len(lines) - 1:
            end = draw(st.sampled_from(["", "", "  ", "\\"]))
        out.append(line + end)
    return "\n".join(out)


@st.composite
def atx_heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 6))
    closing = draw(st.sampled_from(["", "", " " + "#" * level]))
    return "#" * level + " " + draw(phrase(1, 5)) + closing


@st.composite
def setext_heading(draw: st.DrawFn) -> str:
    text = draw(phrase(1, 5))
    return text + "\n" + draw(st.sampled_from(["=", "-"])) * draw(st.integers(3, 12))


@st.composite
def bullet_list(draw: st.DrawFn, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    marker = draw(st.sampled_from(["-", "*", "+"]))
    delim = draw(st.sampled_from([".", ")"]))
    n = draw(st.integers(1, 4))
    tight = draw(st.booleans())
    items = []
    for k in range(n):
        bullet = f"{k + 1}{delim}" if ordered else marker
        pad = " " * len(bullet) + " "
        first, *rest = draw(st.lists(phrase(), min_size=1, max_size=3))
        body = bullet + " " + first + "".join("\n" + pad + line for line in rest)
        if draw(st.integers(0, 5)) == 0:  # a second paragraph makes the item loose
            body += "\n\n" + pad + draw(phrase())
        if depth < 1 and draw(st.integers(0, 4)) == 0:
            nested = draw(bullet_list(depth + 1))
            body += "\n" + "\n".join(pad + line if line else line for line in nested.split("\n"))
        items.append(body)
    return ("\n" if tight else "\n\n").join(items)


@st.composite
def block_quote(draw: st.DrawFn) -> str:
    paras = draw(st.lists(st.one_of(paragraph(), paragraph(), bullet_list(1)), min_size=1, max_size=2))
    return "\n>\n".join("\n".join("> " + line for line in p.split("\n")) for p in paras)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(1, 3))
    aligns = draw(st.lists(st.sampled_from(["---", ":--", "--:", ":-:", "------"]), min_size=cols, max_size=cols))
    edge = draw(st.booleans())

    def row(cells: list[str]) -> str:
        inner = " | ".join(cells)
        return f"| {inner} |" if edge else inner

    header = row([draw(phrase(1, 3)) for _ in range(cols)])
    body = [row([draw(phrase(1, 3)) for _ in range(cols)]) for _ in range(rows)]
    return "\n".join([header, row(aligns), *body])


@st.composite
def fenced_code(draw: st.DrawFn) -> str:
    fence = draw(st.sampled_from(["```", "~~~"]))
    info = draw(st.sampled_from(["", "python", "text"]))
    lines = draw(st.lists(phrase(), min_size=0, max_size=3))
    return "\n".join([fence + info, *lines, fence])


@st.composite
def html_block(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(["div", "aside", "table"]))
    return f"<{tag}>\n{draw(phrase())}\n</{tag}>"


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    title = draw(phrase(1, 5).filter(lambda t: not t.startswith(("*", "`", "["))))
    quoted = draw(st.booleans())
    # A plain YAML scalar cannot hold ": " or end in ":"; the quoted one may.
    lede = draw(phrase(2, 12).filter(lambda t: quoted or (":" not in t and not t.startswith(("*", "`", "[")))))
    lede_line = f'lede: "{lede}"' if quoted else f"lede: {lede}"
    return "\n".join(["---", f"title: '{title}'", "original: ru", lede_line, "authors:", "  - A B", "---"])


_block = st.one_of(
    paragraph(),
    atx_heading(),
    setext_heading(),
    bullet_list(),
    block_quote(),
    table(),
    fenced_code(),
    html_block(),
    st.sampled_from(["***", "* * *", "___"]),
)


@st.composite
def document(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(draw(front_matter()) + draw(st.sampled_from(["\n", "\n\n"])))
    blocks = draw(st.lists(_block, min_size=1, max_size=8))
    for i, block in enumerate(blocks):
        parts.append(block)
        if i < len(blocks) - 1:
            parts.append(draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n\n\n\n"])))
    parts.append(draw(st.sampled_from(["", "\n", "\n", "\n\n"])))
    return "".join(parts)


_PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A stand-in for a translation: every letter changes, markup and punctuation stay.
_TRANSLATE = str.maketrans("abcdefghijklmnopqrstuvwxyz", "абцдефгхійклмнопкрстуввксз")


def translated(text: str) -> str:
    return "пера " + " ".join(text.translate(_TRANSLATE).split("\n"))


@_PROPERTY
@given(document())
def test_rebuild_with_own_texts_is_exact(text: str) -> None:
    seg = segment(text)
    assert seg.rebuild([u.text for u in seg.units]) == text


@_PROPERTY
@given(document())
def test_layout_survives_translation(text: str) -> None:
    seg = segment(text)
    result = seg.rebuild([translated(u.text) for u in seg.units])
    again = segment(result)
    assert again.kinds() == seg.kinds()
    assert [u.text for u in again.units] == [translated(u.text).strip() for u in seg.units]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_windows_line_endings_and_bom_rebuild_exactly(text: str) -> None:
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    seg = segment(crlf)
    assert seg.rebuild([u.text for u in seg.units]) == crlf
    assert seg.kinds() == segment(text).kinds()
    assert segment(seg.rebuild([translated(u.text) for u in seg.units])).kinds() == seg.kinds()


def test_generated_documents_have_every_unit_kind() -> None:
    """The generator is only useful if it reaches each kind of unit."""
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(document())
    def collect(text: str) -> None:
        seen.update(segment(text).kinds())

    collect()
    assert {"title", "lede", "heading", "paragraph", "list item", "blockquote", "table cell"} <= seen


@pytest.mark.parametrize("path", sorted(ROOT.glob("content/*/*.md")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_files_rebuild_exactly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    seg = segment(text, path)
    assert seg.units, "a briefing has translatable units"
    assert seg.rebuild([u.text for u in seg.units]) == text
    assert segment(seg.rebuild([translated(u.text) for u in seg.units])).kinds() == seg.kinds()


# --- golden catalogs ---------------------------------------------------------
# tests/golden/<name>.md (an English original) next to <name>.po, the Russian
# catalog `trilingual update` must make of it: the specification of which units
# a document has, of what kind, where, and how duplicates are told apart.

GOLDEN_CONFIG = '[project]\nname = "golden"\nlanguages = ["be", "ru", "en"]\n'


def golden_catalog(source: Path, tmp_path: Path, cli: CliFn) -> bytes:
    repo = tmp_path / "golden"
    (repo / "content" / "en").mkdir(parents=True)
    (repo / "trilingual.toml").write_text(GOLDEN_CONFIG, encoding="utf-8")
    (repo / "content" / "en" / source.name).write_bytes(source.read_bytes())
    result = cli(repo, "update")
    assert result.exit_code == 0, result.stderr
    return (repo / "locale" / "ru" / (source.stem + ".po")).read_bytes()


@pytest.mark.parametrize("source", sorted(GOLDEN.glob("*.md")), ids=lambda p: p.stem)
def test_golden_catalog(source: Path, tmp_path: Path, cli: CliFn) -> None:
    expected = source.with_suffix(".po").read_text(encoding="utf-8")
    assert golden_catalog(source, tmp_path, cli).decode("utf-8") == expected


def test_golden_files_come_in_pairs() -> None:
    sources = {p.stem for p in GOLDEN.glob("*.md")}
    catalogs = {p.stem for p in GOLDEN.glob("*.po")}
    assert len(sources) >= 4
    assert sources == catalogs
