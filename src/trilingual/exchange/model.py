"""What a file handed to a translator holds, whatever its format.

A pulled file is a list of units, each with its source text, the text the
translator is to work on, and what the repository held when the file was
pulled (the *base*): a short hash of the repository's translation and of its
review state. On push, a unit whose text and state still hash to the base was
not touched by the translator; a repository entry that no longer hashes to it
was changed by someone else since the pull.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

TOOL = "trilingual"
BASE_NOTE = "trilingual-base: "
CONTEXT_NOTE = "trilingual-msgctxt: "
CONFLICT_CONTEXT = "conflict "
GLOSSARY_NOTE = "glossary: "


def base_of(text: str, fuzzy: bool) -> str:
    """The base recorded for a translation: its hash, and whether it was unreviewed."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return digest + ("-fuzzy" if fuzzy and text else "")


def text_part(base: str) -> str:
    return base.split("-", 1)[0]


def source_lang_of(source_path: str) -> str:
    """The language of an original from its path (content/<lang>/<slug>.md), "" if it has none."""
    parts = source_path.split("/")
    return parts[1] if len(parts) >= 3 else ""


@dataclass(frozen=True)
class ExchangeUnit:
    source: str  # the msgid: the original's text of the unit
    target: str  # the translation ("" when there is none yet)
    context: str | None = None  # the msgctxt, which tells repeated texts apart
    fuzzy: bool = False  # unreviewed: a machine draft, a stale translation, or marked so by the translator
    base: str = ""  # base_of(repository translation, fuzzy) at pull time
    kind: str = ""  # title, lede, heading, paragraph...
    reference: tuple[str, int] | None = None  # the original's file and line
    previous_source: str | None = None  # for a stale unit: the source its translation was made from
    engine: str | None = None  # the machine draft's engine
    glossary: tuple[str, ...] = ()  # "term → rendering" lines for the terms in the unit
    comment: str = ""  # for the translator (a conflict's report)
    line: int = 0  # where the unit starts in the file it was read from

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.source)

    @property
    def touched(self) -> bool:
        """Did the translator change the text or its review state since the pull?"""
        return base_of(self.target, self.fuzzy) != self.base


@dataclass(frozen=True)
class Document:
    slug: str
    lang: str  # the language the file declares (PO Language, XLIFF target language)
    source_lang: str
    source_path: str  # the original, relative to the repository
    units: tuple[ExchangeUnit, ...]
    project: str = ""
    pulled_lang: str | None = None  # the language trilingual recorded at pull time, if the format keeps it apart
    lang_line: int = 1
    slug_line: int = 1
    conflicts: bool = False  # a conflict file: the texts pushed that could not be applied


class Format(ABC):
    """One exchange format: how a Document becomes bytes and back."""

    name: ClassVar[str]
    label: ClassVar[str]
    extension: ClassVar[str]  # for files this format writes

    @abstractmethod
    def dump(self, doc: Document) -> bytes: ...

    @abstractmethod
    def load(self, data: bytes, path: Path) -> Document:
        """Parse a file, raising InputError (with its line) for anything malformed."""

    def claims(self, path: Path, data: bytes) -> bool:
        """Whether a file of this name and content is in this format."""
        return path.name.endswith(self.extension)
