"""Project settings from `trilingual.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from trilingual.errors import InputError, UsageError
from trilingual.files import decode, line_of, reported_line

CONFIG_FILE = "trilingual.toml"
DEFAULT_LANGUAGES = ("be", "ru", "en")
# Where a translation's catalog and sync record live, relative to the root.
CATALOG_FILE = "locale/{lang}/{slug}.po"
SYNC_FILE = "locale/{lang}/.sync/{slug}.json"
# Push's conflict files, beside the catalogs.
CONFLICT_FILE = "locale/{lang}/conflicts/{slug}.po"
# Where `release` records what each edition published.
RELEASES_DIR = "releases"
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


def check_languages(languages: object) -> str | None:
    """What is wrong with a project's list of languages, or None."""
    if not isinstance(languages, list | tuple) or not languages or not all(isinstance(x, str) for x in languages):
        return "project.languages must be a non-empty list of language codes"
    for lang in languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            return f"unknown language {lang!r}"
    if len(set(languages)) != len(languages):
        return "project.languages lists a language twice"
    return None


def base_language(code: str) -> str:
    """The language of a locale code as files declare it: be_BY and be-BY are be."""
    return code.strip().replace("-", "_").split("_")[0]


def find_root(start: Path) -> Path:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise UsageError(f"no {CONFIG_FILE} in {start} or any folder above it (run 'trilingual init')")


def load_config(start: Path) -> Config:
    root = find_root(start)
    path = root / CONFIG_FILE
    text = decode(path.read_bytes(), path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, reported_line(exc), f"invalid TOML: {exc}") from None
    project = data.get("project", {})
    if not isinstance(project, dict):
        raise InputError(path, line_of(text, r"^project"), "[project] must be a table")
    languages = project.get("languages", list(DEFAULT_LANGUAGES))
    problem = check_languages(languages)
    if problem:
        raise InputError(path, line_of(text, r"^\s*languages\s*="), problem)
    name = project.get("name", root.name)
    if not isinstance(name, str):
        raise InputError(path, line_of(text, r"^\s*name\s*="), "project.name must be a string")
    return Config(root, name, tuple(languages), data)
