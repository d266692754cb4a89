"""The translation memory as an engine: first in a route, free, offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trilingual.engines import TM_NOTE, Engine, EngineFailure, Pair, Readiness, Translation
from trilingual.memory import Memory

DEFAULT_THRESHOLD = 75.0


class MemoryEngine(Engine):
    name = "tm"
    third_party = False
    batch_size = 200
    workers = 1
    retries = 0

    def __init__(self, settings: Any, env: Any) -> None:
        super().__init__(settings, env)
        self.memory: Memory | None = settings.get("memory")
        self.threshold = float(self._setting("threshold", DEFAULT_THRESHOLD))

    def supports(self, source: str, target: str) -> bool:
        return True

    def pairs(self) -> list[Pair]:
        return []

    def readiness(self) -> Readiness:
        return Readiness(True, "built in: reviewed translations, imported TMX, earlier drafts")

    def lookup(self, text: str, source: str, target: str) -> Translation | None:
        if self.memory is None:
            return None
        match = self.memory.lookup(source, target, text, self.threshold)
        if match is None:
            return None
        unit = match.unit
        made = f" of a draft by {unit.engine}" if unit.origin == "machine" and unit.engine else ""
        what = "exact match" if match.score >= 100 else f"{match.score:.0f}% match"
        return Translation(unit.target, (f"{TM_NOTE} {what}{made} ({unit.origin})",))

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        out = []
        for text in texts:
            found = self.lookup(text, source, target)
            if found is None:
                raise EngineFailure("no match in the translation memory")
            out.append(found)
        return out
