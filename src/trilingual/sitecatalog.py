"""The site catalog: the UI strings of the templates, translated once per language.

`locale/site.pot` is extracted from the templates with babel's Jinja2
extractor; `locale/<lang>/LC_MESSAGES/site.po` holds each language's
translations and is merged with the template the way msgmerge does. The
per-briefing catalogs live beside it as `locale/<lang>/<slug>.po`; the
LC_MESSAGES folder keeps the two apart.

The written files carry no date and no generator version, so a second run
over unchanged templates changes no byte.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from trilingual.catalogs import check_syntax
from trilingual.config import SITE_PO, SITE_POT, Config
from trilingual.errors import InputError
from trilingual.files import decode, read_file, reported_line, repository_lock, write_if_changed
from trilingual.rendering import TEMPLATE_LANGUAGE, template_loader, template_names

if TYPE_CHECKING:
    from babel.support import Translations

DOMAIN = "site"
EXTRACTED_SUFFIXES = (".html", ".txt", ".xml", ".atom")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}

# Fields babel writes that change with the clock or the installed babel, not with the strings.
_VOLATILE_HEADER = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): [^"]*\\n"\n', re.MULTILINE)


def pot_path(config: Config) -> Path:
    return config.root / SITE_POT


def po_path(config: Config, lang: str) -> Path:
    return config.root / SITE_PO.format(lang=lang)


def extract(config: Config) -> Catalog:
    """The site's UI strings, from every template in use (repository overrides win)."""
    from jinja2 import Environment
    from jinja2.ext import babel_extract

    env = Environment(extensions=["jinja2.ext.i18n"])
    loader = template_loader(config)
    template = _new_catalog(config, None)
    for name in template_names(config):
        if not name.endswith(EXTRACTED_SUFFIXES):
            continue
        source, _, _ = loader.get_source(env, name)
        options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
        try:
            found = list(babel_extract(io.BytesIO(source.encode("utf-8")), KEYWORDS, [], options))  # type: ignore[arg-type]
        except Exception as exc:  # a template syntax error, reported with its line
            line = getattr(exc, "lineno", None) or 1
            raise InputError(_display(config, name), line, f"cannot extract UI strings: {exc}") from None
        for lineno, funcname, message, _comments in found:
            msgid, context = _msgid(funcname, message)
            if msgid is None:
                continue
            existing = template.get(msgid, context)
            locations = [*existing.locations, (name, lineno)] if existing is not None else [(name, lineno)]
            template.add(msgid, locations=locations, context=context)
    return template


def _msgid(funcname: str, message: object) -> tuple[str | tuple[str, str] | None, str | None]:
    parts = message if isinstance(message, tuple) else (message,)
    if funcname in ("pgettext", "npgettext"):
        context, parts = parts[0], parts[1:]
    else:
        context = None
    strings = [p for p in parts if isinstance(p, str)]
    if not strings:
        return None, None  # a call with a variable, nothing to translate
    if len(strings) >= 2:
        return (strings[0], strings[1]), context
    return strings[0], context


def _display(config: Config, name: str) -> str:
    own = config.root / "templates" / name
    return config.relative(own) if own.is_file() else name


def _new_catalog(config: Config, lang: str | None) -> Catalog:
    catalog = Catalog(
        locale=lang,
        project=config.name,
        version=DOMAIN,
        fuzzy=False,
        charset="utf-8",
        language_team=f"{lang} <>" if lang else None,
    )
    catalog.header_comment = (
        f"# UI strings of the {config.name} site" + (f" in {lang}" if lang else ", extracted from its templates") + "."
    )
    return catalog


def to_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No `#| msgid` lines: babel reads them back as comments, so a second run would change the file.
    write_po(
        out, catalog, width=79, sort_by_file=False, sort_output=True, ignore_obsolete=False, include_previous=False
    )
    return _VOLATILE_HEADER.sub(b"", out.getvalue())


def read(config: Config, lang: str) -> Catalog | None:
    path = po_path(config, lang)
    data = read_file(path)
    if data is None:
        return None
    rel = config.relative(path)
    check_syntax(decode(data, rel), rel)  # babel skips what it cannot parse; a release must not
    try:
        return read_po(io.BytesIO(data), locale=lang, domain=DOMAIN, abort_invalid=True)
    except Exception as exc:  # babel's PoFileError and locale errors both name the line in the text
        raise InputError(rel, reported_line(exc), f"invalid PO: {exc}") from None


def planned(config: Config, langs: Iterable[str] = ()) -> list[tuple[Path, bytes]]:
    """The site template and each language's catalog, merged with the templates' current strings."""
    template = extract(config)
    out = [(pot_path(config), to_bytes(template))]
    for lang in langs or config.languages:
        catalog = read(config, lang) or _new_catalog(config, lang)
        catalog.update(template, update_header_comment=False)
        out.append((po_path(config, lang), to_bytes(catalog)))
    return out


def refresh(config: Config, langs: Iterable[str] = (), dry_run: bool = False) -> tuple[str, ...]:
    """Write the site catalog files whose bytes change; return their repository-relative paths."""
    with repository_lock(config.root):
        writes = planned(config, tuple(langs))
        changed = []
        for path, data in writes:
            if read_file(path) == data:
                continue
            changed.append(config.relative(path))
            if not dry_run:
                write_if_changed(path, data)
        return tuple(changed)


@dataclass(frozen=True)
class Untranslated:
    path: str  # repository-relative site catalog
    line: int
    msgid: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: UI string {self.msgid!r} has no translation"


def untranslated(config: Config, lang: str, template: Catalog) -> list[Untranslated]:
    """The template's strings that a page in `lang` would show untranslated."""
    if lang == TEMPLATE_LANGUAGE:
        return []
    rel = config.relative(po_path(config, lang))
    catalog = read(config, lang)
    out = []
    for message in _messages(template):
        found = catalog.get(message.id, message.context) if catalog is not None else None
        if found is None or found.fuzzy or not _filled(found):
            out.append(Untranslated(rel, found.lineno or 1 if found else 1, _text(message)))
    return out


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _filled(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def _text(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else str(message.id)


def translations(config: Config, lang: str) -> Translations | None:
    """The compiled site catalog of a language, for Jinja2's gettext (None: show the templates' text)."""
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    catalog = read(config, lang)
    if catalog is None:
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
