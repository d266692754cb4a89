"""Pages from templates: the Jinja2 environment, localized dates and counts, Markdown to HTML.

Jinja2 is imported inside the functions so that commands which render
nothing (status, update without a site catalog) never pay for it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from markdown_it import MarkdownIt

from trilingual.config import Config

if TYPE_CHECKING:
    from babel.support import Translations
    from jinja2 import BaseLoader, Environment

# The language the templates are written in: its UI strings need no translation.
TEMPLATE_LANGUAGE = "en"
TEMPLATES_FOLDER = "templates"


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML in a briefing is shown as text: a page never carries markup its
    # author did not write as Markdown.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


@lru_cache(maxsize=256)  # a briefing's body goes into its page and into the feed
def markdown_html(text: str) -> str:
    return str(_markdown().render(text))


def markdown_inline(text: str) -> str:
    return str(_markdown().renderInline(text))


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Inline Markdown as plain text (for the newsletter's text part and feed summaries)."""
    return html.unescape(_TAG.sub("", markdown_inline(text)))


def date_long(day: dt.date, lang: str) -> str:
    return format_date(day, "long", locale=lang)


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """A period as a reader writes it: "27 лютага – 5 сакавіка 2023 г.", "February 27 – March 5, 2023".

    CLDR's interval patterns abbreviate the month in several locales; a
    publication spells it out, so the start is the day and month in full and
    the end is the locale's long date, which carries the year once.
    """
    if start == end:
        return date_long(start, lang)
    if start.year != end.year:
        return f"{date_long(start, lang)} – {date_long(end, lang)}"
    return f"{format_skeleton('MMMMd', start, locale=lang)} – {date_long(end, lang)}"


def autonym(lang: str) -> str:
    """A language's name in itself, as a language switcher shows it."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def language_name(lang: str, in_lang: str) -> str:
    return Locale.parse(lang).get_language_name(in_lang) or lang


def template_loader(config: Config) -> BaseLoader:
    """The repository's own `templates/` first, then the templates shipped with the package."""
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader

    return ChoiceLoader(
        [FileSystemLoader(str(config.root / TEMPLATES_FOLDER)), PackageLoader("trilingual", TEMPLATES_FOLDER)]
    )


def environment(config: Config, lang: str, translations: Translations | None) -> Environment:
    """A Jinja2 environment for pages in one language, with its UI translations installed."""
    from jinja2 import Environment, StrictUndefined, select_autoescape

    env = Environment(
        loader=template_loader(config),
        autoescape=select_autoescape(["html", "xml", "atom"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if translations is None:
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    else:
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["markdown"] = _markup(markdown_html)
    env.filters["inline"] = _markup(markdown_inline)
    env.filters["plain"] = plain
    env.filters["date"] = lambda day: date_long(day, lang)
    env.globals["date_range"] = lambda start, end: date_range(start, end, lang)
    env.globals["autonym"] = autonym
    env.globals["language_name"] = lambda other: language_name(other, lang)
    return env


def _markup(render: Any) -> Any:
    from markupsafe import Markup

    return lambda text: Markup(render(text))


def template_names(config: Config) -> list[str]:
    """Every template the site uses, repository overrides and package defaults alike."""
    names = set(template_loader(config).list_templates())
    return sorted(n for n in names if not Path(n).name.startswith("."))
