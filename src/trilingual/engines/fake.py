"""A deterministic engine for tests and demonstrations: it sends nothing anywhere.

Its "translation" is the text prefixed with the target language in brackets,
so a draft made by it is recognisable at a glance and the same every time.
"""

from __future__ import annotations

from collections.abc import Sequence

from trilingual.engines import Engine, Readiness, Translation


class FakeEngine(Engine):
    name = "fake"
    third_party = False
    batch_size = 50
    workers = 1
    languages = ("be", "ru", "en")

    def readiness(self) -> Readiness:
        return Readiness(True, "built in (for tests and demonstrations)")

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        return [Translation(f"[{target}] {text}") for text in texts]
