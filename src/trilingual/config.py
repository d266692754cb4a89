"""Project settings from `trilingual.toml`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from trilingual.errors import InputError, UsageError

CONFIG_FILE = "trilingual.toml"
DEFAULT_LANGUAGES = ("be", "ru", "en")
# Where a translation's catalog and sync record live, relative to the root.
CATALOG_FILE = "locale/{lang}/{slug}.po"
SYNC_FILE = "locale/{lang}/.sync/{slug}.json"
# The site's UI-string catalogs: a template, and one catalog per language.
SITE_POT = "locale/site.pot"
SITE_PO = "locale/{lang}/LC_MESSAGES/site.po"


@dataclass(frozen=True)
class Config:
    root: Path
    name: str
    languages: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def path(self) -> Path:
        return self.root / CONFIG_FILE

    def source_path(self, lang: str, slug: str) -> Path:
        return self.root.joinpath("content", lang, f"{slug}.md")

    def catalog_path(self, lang: str, slug: str) -> Path:
        return self.root.joinpath(CATALOG_FILE.format(lang=lang, slug=slug))

    def sync_path(self, lang: str, slug: str) -> Path:
        return self.root.joinpath(SYNC_FILE.format(lang=lang, slug=slug))

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def check_language(lang: str) -> None:
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown language {lang!r}") from None


def find_root(start: Path) -> Path:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise UsageError(f"no {CONFIG_FILE} in {start} or any folder above it (run 'trilingual init')")


def _line_of(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_config(start: Path) -> Config:
    root = find_root(start)
    path = root / CONFIG_FILE
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, raw[: exc.start].count(b"\n") + 1, "invalid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(path, int(match.group(1)) if match else 1, f"invalid TOML: {exc}") from None
    project = data.get("project", {})
    if not isinstance(project, dict):
        raise InputError(path, _line_of(text, r"^project"), "[project] must be a table")
    languages = project.get("languages", list(DEFAULT_LANGUAGES))
    line = _line_of(text, r"^\s*languages\s*=")
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
        raise InputError(path, line, "project.languages must be a non-empty list of language codes")
    for lang in languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            raise InputError(path, line, f"unknown language {lang!r}") from None
    if len(set(languages)) != len(languages):
        raise InputError(path, line, "project.languages lists a language twice")
    name = project.get("name", root.name)
    if not isinstance(name, str):
        raise InputError(path, _line_of(text, r"^\s*name\s*="), "project.name must be a string")
    return Config(root, name, tuple(languages), data)
