"""`init`: a new, empty content repository."""

from __future__ import annotations

from pathlib import Path

from trilingual.config import CONFIG_FILE, DEFAULT_LANGUAGES, check_languages
from trilingual.errors import UsageError
from trilingual.files import atomic_write

CONFIG_TEMPLATE = """\
# trilingual project settings
[project]
name = "{name}"
# The languages every briefing appears in. Each briefing names its original
# in its front matter (original: ru); the others are translations.
languages = [{languages}]

# Machine drafts (`trilingual draft`). Routes per pair "source>target": engines
# tried in order; "ENGINE via ru" pivots through Russian. The translation
# memory (tm) and Apertium work offline; nothing is sent to an online provider
# unless a route names it. Keys only through the name of an environment variable.
[routes]
"ru>be" = ["tm", "apertium"]
"be>ru" = ["tm", "apertium"]
"ru>en" = ["tm"]
"be>en" = ["tm"]
"en>ru" = ["tm"]
"en>be" = ["tm"]
# With keys or a server of your own, for example:
# "ru>en" = ["tm", "deepl", "google"]
# "be>en" = ["tm", "deepl via ru"]

[engines.tm]
threshold = 75          # fuzzy matches scoring at least this (0-100) are used, the score noted

# [engines.libre]                 # a LibreTranslate server, e.g. self-hosted
# url = "http://127.0.0.1:5000/"
# key_env = "LIBRETRANSLATE_API_KEY"
# [engines.deepl]
# key_env = "DEEPL_API_KEY"
# workers = 8                     # requests in flight; also: rate (per second), timeout, retries
"""

GITIGNORE = "# trilingual's local cache and lock\n.trilingual/\n"


def init(root: Path, name: str | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> list[Path]:
    """Create the config and folders; refuse to touch an existing project."""
    root = root.resolve()
    problem = check_languages(languages)
    if problem:
        raise UsageError(problem)
    if (root / CONFIG_FILE).exists():
        raise UsageError(f"{root / CONFIG_FILE} already exists; nothing was changed")
    created: list[Path] = []
    for lang in languages:
        for folder in (root / "content" / lang, root / "locale" / lang):
            if not folder.exists():
                folder.mkdir(parents=True)
                created.append(folder)
    config = CONFIG_TEMPLATE.format(
        name=(name or root.name).replace('"', ""),
        languages=", ".join(f'"{lang}"' for lang in languages),
    )
    atomic_write(root / CONFIG_FILE, config.encode("utf-8"))
    created.append(root / CONFIG_FILE)
    ignore = root / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, GITIGNORE.encode("utf-8"))
        created.append(ignore)
    elif ".trilingual/" not in ignore.read_text(encoding="utf-8", errors="replace"):
        atomic_write(ignore, ignore.read_bytes().rstrip(b"\n") + b"\n" + GITIGNORE.encode("utf-8"))
    return created
