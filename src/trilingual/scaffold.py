"""`init`: a new, empty content repository."""

from __future__ import annotations

from pathlib import Path

from trilingual.config import CONFIG_FILE, DEFAULT_LANGUAGES
from trilingual.errors import UsageError
from trilingual.files import atomic_write

CONFIG_TEMPLATE = """\
# trilingual project settings
[project]
name = "{name}"
# The languages every briefing appears in. Each briefing names its original
# in its front matter (original: ru); the others are translations.
languages = [{languages}]
"""

GITIGNORE = "# trilingual's local cache and lock\n.trilingual/\n"


def init(root: Path, name: str | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> list[Path]:
    """Create the config and folders; refuse to touch an existing project."""
    root = root.resolve()
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
