"""Write a synthetic content repository for the benchmarks.

    python bench/generate.py DIR --briefings N [--seed S] [--originals-only] [--no-update]

Every briefing has the shape of the shipped sample: YAML front matter (title,
period, section, situation, authors, lede, original) and a body of roughly
250-450 words with two subheadings, 8-15 paragraphs, a bulleted list,
sometimes a table, emphasis and links. The words are made up from random
syllables (Cyrillic for be and ru, Latin for en), so no real text is needed,
and the same seed always gives the same bytes.

Originals are spread over the three languages. Unless --originals-only is
given, each briefing also gets its two translations with the same structure,
and a first `trilingual update` adopts them into catalogs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("be", "ru", "en")
SECTIONS = ("security", "foreign-policy", "economy")
SITUATIONS = ("worsened", "unchanged", "improved")
FIRST_WEEK = dt.date(2015, 1, 5)  # a Monday
BRIEFINGS_PER_WEEK = 9

_CONSONANTS = {
    "be": "бвгдзжклмнпрстфхцчшў",
    "ru": "бвгджзклмнпрстфхцчшщ",
    "en": "bcdfghjklmnprstvwz",
}
_VOWELS = {
    "be": "аеіоуыэюя",
    "ru": "аеиоуыэюя",
    "en": "aeiouy",
}


def word(rng: random.Random, lang: str) -> str:
    consonants, vowels = _CONSONANTS[lang], _VOWELS[lang]
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 4)))


def words(rng: random.Random, lang: str, n: int) -> list[str]:
    return [word(rng, lang) for _ in range(n)]


# --- the shape of a briefing, shared by its three languages ------------------


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, list, table
    sizes: tuple[int, ...]  # words per paragraph/heading, per list item, or (rows, columns)
    emphasis: bool = False
    link: bool = False


@dataclass(frozen=True)
class Shape:
    slug: str
    original: str
    start: dt.date
    section: str
    situation: str
    authors: tuple[str, ...]
    title_words: int
    lede_words: int
    blocks: tuple[Block, ...]


def shape(seed: int, index: int) -> Shape:
    rng = random.Random(f"{seed}:shape:{index}")
    week, _ = divmod(index, BRIEFINGS_PER_WEEK)
    start = FIRST_WEEK + dt.timedelta(weeks=week)
    iso_year, iso_week, _ = start.isocalendar()
    slug = f"{iso_year}-w{iso_week:02d}-{word(rng, 'en')}-{index:05d}"
    n_paragraphs = rng.randint(8, 15)
    budget = rng.randint(250, 450)
    items = tuple(rng.randint(4, 10) for _ in range(rng.randint(3, 5)))
    has_table = rng.random() < 0.3
    per_paragraph = max(8, (budget - sum(items) - 8) // n_paragraphs)

    def paragraph() -> Block:
        n = max(6, int(per_paragraph * rng.uniform(0.6, 1.4)))
        return Block("paragraph", (n,), emphasis=rng.random() < 0.4, link=rng.random() < 0.25)

    # Intro, first subheading, middle with the list (and table), second subheading, end.
    intro = rng.randint(2, min(4, n_paragraphs - 6))
    middle = rng.randint(2, n_paragraphs - intro - 3)
    end = n_paragraphs - intro - middle
    blocks: list[Block] = [paragraph() for _ in range(intro)]
    blocks.append(Block("heading", (rng.randint(2, 5),)))
    blocks.extend(paragraph() for _ in range(middle - 1))
    blocks.append(Block("list", items))
    if has_table:
        blocks.append(Block("table", (rng.randint(3, 5), rng.randint(2, 4))))
    blocks.append(paragraph())
    blocks.append(Block("heading", (rng.randint(2, 5),)))
    blocks.extend(paragraph() for _ in range(end))
    authors = tuple(f"{word(rng, 'en').capitalize()} {word(rng, 'en').capitalize()}" for _ in range(rng.randint(1, 2)))
    return Shape(
        slug=slug,
        original=LANGUAGES[index % len(LANGUAGES)],
        start=start,
        section=rng.choice(SECTIONS),
        situation=rng.choice(SITUATIONS),
        authors=authors,
        title_words=rng.randint(3, 7),
        lede_words=rng.randint(15, 30),
        blocks=tuple(blocks),
    )


# --- rendering one language ---------------------------------------------------


def sentence_text(rng: random.Random, lang: str, n: int) -> str:
    """n made-up words as sentences: capitalised, full stops, an odd comma."""
    out: list[str] = []
    left = n
    while left > 0:
        k = min(left, rng.randint(6, 16))
        if 0 < left - k < 3:
            k = left
        ws = words(rng, lang, k)
        ws[0] = ws[0].capitalize()
        if k > 6 and rng.random() < 0.5:
            ws[k // 2] += ","
        out.append(" ".join(ws) + ".")
        left -= k
    return " ".join(out)


def inline(rng: random.Random, lang: str, block: Block, slug: str) -> str:
    tokens = sentence_text(rng, lang, block.sizes[0]).split(" ")
    # Markup goes around two plain words (no punctuation), never the first.
    plain = [i for i in range(1, len(tokens) - 1) if tokens[i].isalpha() and tokens[i + 1].isalpha()]
    if block.emphasis and plain:
        i = rng.choice(plain)
        tokens[i : i + 2] = [f"*{tokens[i]}", f"{tokens[i + 1]}*"]
        plain = [j for j in plain if abs(j - i) > 1]
    if block.link and plain:
        j = rng.choice(plain)
        tokens[j : j + 2] = [f"[{tokens[j]}", f"{tokens[j + 1]}](https://example.org/briefings/{slug})"]
    return " ".join(tokens)


def yaml_text(value: str) -> str:
    return value if not value.endswith(":") else f'"{value}"'


def render(s: Shape, lang: str, seed: int) -> str:
    rng = random.Random(f"{seed}:text:{s.slug}:{lang}")
    title = sentence_text(rng, lang, s.title_words).rstrip(".")
    lede = sentence_text(rng, lang, s.lede_words)
    end = s.start + dt.timedelta(days=6)
    front = [
        "---",
        f"title: {yaml_text(title)}",
        "period:",
        f"  start: {s.start.isoformat()}",
        f"  end: {end.isoformat()}",
        f"section: {s.section}",
        f"situation: {s.situation}",
        "authors:",
        *(f"  - {a}" for a in s.authors),
        f"lede: {yaml_text(lede)}",
        f"original: {s.original}",
        "---",
    ]
    body: list[str] = []
    for block in s.blocks:
        if block.kind == "heading":
            body.append("## " + sentence_text(rng, lang, block.sizes[0]).rstrip("."))
        elif block.kind == "paragraph":
            body.append(inline(rng, lang, block, s.slug))
        elif block.kind == "list":
            body.append("\n".join("- " + sentence_text(rng, lang, n).rstrip(".") + ";" for n in block.sizes))
        elif block.kind == "table":
            rows, cols = block.sizes
            head = [sentence_text(rng, lang, 2).rstrip(".") for _ in range(cols)]
            lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (cols - 1) + "|"]
            numbers = random.Random(f"{seed}:numbers:{s.slug}")  # the same figures in every language
            for _ in range(rows):
                label = sentence_text(rng, lang, 3).rstrip(".")
                cells = [label] + [str(numbers.randint(1, 2000)) for _ in range(cols - 1)]
                lines.append("| " + " | ".join(cells) + " |")
            body.append("\n".join(lines))
    return "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n"


# --- the repository -----------------------------------------------------------


CONFIG = """# a synthetic repository for the benchmarks
[project]
name = "bench"
languages = ["be", "ru", "en"]
"""


def generate(root: Path, briefings: int, seed: int = 1, originals_only: bool = False) -> list[Shape]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "trilingual.toml").write_text(CONFIG, encoding="utf-8")
    for lang in LANGUAGES:
        (root / "content" / lang).mkdir(parents=True, exist_ok=True)
    shapes = [shape(seed, i) for i in range(briefings)]
    for s in shapes:
        for lang in LANGUAGES:
            if originals_only and lang != s.original:
                continue
            (root / "content" / lang / f"{s.slug}.md").write_text(render(s, lang, seed), encoding="utf-8")
    return shapes


def copy_originals(root: Path, target: Path, shapes: list[Shape]) -> None:
    """An originals-only copy of a generated repository (as --originals-only writes it, faster)."""
    for lang in LANGUAGES:
        (target / "content" / lang).mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "trilingual.toml", target / "trilingual.toml")
    for s in shapes:
        name = Path("content") / s.original / f"{s.slug}.md"
        shutil.copy(root / name, target / name)


def update(root: Path) -> None:
    """Run `trilingual update` in the repository (a first one adopts the translations)."""
    subprocess.run([sys.executable, "-m", "trilingual", "update"], cwd=root, check=True, stdout=subprocess.DEVNULL)


_BODY_PARAGRAPH = re.compile(r"^[^\s#|\-].*$")


def edit_paragraphs(root: Path, fraction: float, seed: int = 1) -> int:
    """Change one word in `fraction` of all body paragraphs of the originals.

    The paragraphs are drawn at random over the whole repository, so the edits
    spread over most briefings; each edit is light, as an editor's would be,
    so a translation stays attached to its paragraph (fuzzy). Returns the
    number of paragraphs changed.
    """
    found: list[tuple[Path, int]] = []
    texts: dict[Path, list[str]] = {}
    for lang in LANGUAGES:
        for path in sorted((root / "content" / lang).glob("*.md")):
            lines = path.read_text(encoding="utf-8").split("\n")
            if f"original: {lang}" not in lines:
                continue
            texts[path] = lines
            closing = lines.index("---", 1)
            found.extend((path, i) for i in range(closing + 1, len(lines)) if _BODY_PARAGRAPH.match(lines[i]))
    rng = random.Random(f"{seed}:edit")
    chosen = rng.sample(found, round(len(found) * fraction))
    for path, i in chosen:
        tokens = texts[path][i].split(" ")
        plain = [k for k, t in enumerate(tokens) if t.isalpha()]
        k = rng.choice(plain) if plain else 0
        lang = path.parent.name
        tokens[k] = word(rng, lang)
        texts[path][i] = " ".join(tokens)
    for path in {p for p, _ in chosen}:
        path.write_text("\n".join(texts[path]), encoding="utf-8")
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic content repository for the benchmarks.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--briefings", type=int, required=True, help="number of briefings (x 3 languages)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--originals-only", action="store_true", help="write only the originals (no translations, no update)"
    )
    parser.add_argument("--no-update", action="store_true", help="do not run the first 'trilingual update'")
    args = parser.parse_args()
    generate(args.directory, args.briefings, args.seed, args.originals_only)
    if not (args.originals_only or args.no_update):
        update(args.directory)


if __name__ == "__main__":
    main()
