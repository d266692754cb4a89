"""`status --html`: the editors' status table as one self-contained page.

Everything the page needs (style, the filter script) is inline, so it can be
mailed, attached to a CI run or opened from disk with no network.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from trilingual.config import Config
from trilingual.files import atomic_write
from trilingual.status import State, TranslationStatus

# One colour per state, the same meaning as the terminal table's, in the order of State.
COLOURS = {
    State.SOURCE.value: "#1f5fa8",
    State.MISSING.value: "#b3261e",
    State.PARTIAL.value: "#b7791f",
    State.DRAFT.value: "#00838f",
    State.STALE.value: "#8e24aa",
    State.COMPLETE.value: "#2e7d32",
    State.PUBLISHED.value: "#1b5e20",
}


def render(config: Config, rows: list[TranslationStatus]) -> bytes:
    from trilingual.rendering import environment

    env = environment(config, "en", None)
    order = [s.value for s in State]
    counts = Counter(r.state.value for r in rows)
    context = {
        "project": config.name,
        "colours": COLOURS,
        "counts": sorted(counts.items(), key=lambda kv: order.index(kv[0])),
        "languages": [lang for lang in config.languages if any(r.lang == lang for r in rows)],
        "states": [s for s in order if s in counts],
        "editions": sorted({r.edition for r in rows if r.edition}),
        "rows": [
            {
                "slug": r.slug,
                "lang": r.lang,
                "state": r.state.value,
                "percent": round(100 * r.units.done / r.units.total) if r.units.total else 100,
                "units": f"{r.units.done}/{r.units.total}",
                "words": f"{r.words.done}/{r.words.total}",
                "original": r.original,
                "edition": r.edition,
                "notes": r.notes(),
            }
            for r in rows
        ],
    }
    return str(env.get_template("status.html").render(**context)).encode("utf-8")


def write(config: Config, rows: list[TranslationStatus], path: Path) -> None:
    atomic_write(path, render(config, rows))
