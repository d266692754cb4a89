"""Inline Markdown protected from machine translation.

Before a unit goes to an engine, its code spans, URLs, link targets, HTML
tags and emphasis markers are replaced with numbered placeholders (⟦1⟧,
⟦2⟧...) that engines pass through; after, they are put back. A translation
that lost, doubled or invented a placeholder is refused, so a draft never
silently drops a link or a code span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A bare URL in running text, without trailing punctuation (qa counts these too).
URL = re.compile(r"https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"»”]")
# What a protected token becomes: ⟦n⟧, n counting from 1 (engines pass it through).
PLACEHOLDER = re.compile(r"⟦(\d+)⟧")

_TOKEN = re.compile(
    "|".join(
        (
            r"`+[^`]*?`+",  # code span, kept whole
            r"<(?:https?://|mailto:)[^>\s]+>",  # autolink
            r"<[A-Za-z/][^<>]*>",  # inline HTML tag
            r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",  # the target of a link or image: "](url "title")"
            r"!?\[",  # the start of a link or image
            r"\]",  # the end of a link text (reference links, footnotes)
            URL.pattern,  # bare URL
            r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)",  # emphasis markers (an underscore inside a word is a letter)
        )
    )
)


@dataclass(frozen=True)
class Protected:
    text: str  # what the engine sees
    tokens: tuple[str, ...]  # placeholder n+1 stands for tokens[n]

    def restore(self, translated: str) -> str | None:
        """The translation with the markup back, or None when a placeholder was lost or doubled."""
        found = [int(m.group(1)) for m in PLACEHOLDER.finditer(translated)]
        if sorted(found) != list(range(1, len(self.tokens) + 1)):
            return None
        return PLACEHOLDER.sub(lambda m: self.tokens[int(m.group(1)) - 1], translated)


def protect(text: str) -> Protected:
    tokens: list[str] = []

    def hold(match: re.Match[str]) -> str:
        tokens.append(match.group(0))
        return f"⟦{len(tokens)}⟧"

    return Protected(_TOKEN.sub(hold, text), tuple(tokens))
