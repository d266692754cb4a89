"""A local cache of parse and status results, keyed by content hashes.

Keys are made from the hashes of every input file (and the tool version), so
an entry can only ever be found for exactly the bytes it was computed from: a
stale cache costs time, never a wrong answer. The file lives in
`.trilingual/cache` and is safe to delete.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import Any

from trilingual import __version__
from trilingual.files import STATE_DIR, atomic_write

_FORMAT = ("trilingual-cache", 3, __version__)


class Cache:
    def __init__(self, root: Path | None) -> None:
        self.path = root / STATE_DIR / "cache" if root is not None else None
        self._old: dict[tuple[str, str], Any] | None = None
        self._used: dict[tuple[str, str], Any] = {}
        self._looked_up: set[str] = set()  # kinds this run asked for
        self._dirty = False

    def _load(self) -> dict[tuple[str, str], Any]:
        if self._old is None:
            self._old = {}
            if self.path is not None and self.path.is_file():
                # A damaged or foreign cache is only a slower run.
                with contextlib.suppress(Exception):
                    with open(self.path, "rb") as handle:
                        fmt, data = pickle.load(handle)
                    if fmt == _FORMAT and isinstance(data, dict):
                        self._old = data
        return self._old

    def get(self, kind: str, key: str) -> Any:
        k = (kind, key)
        self._looked_up.add(kind)
        if k in self._used:
            return self._used[k]
        value = self._load().get(k)
        if value is not None:
            self._used[k] = value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        self._used[(kind, key)] = value
        self._dirty = True

    def save(self, complete: bool = False) -> None:
        """Write the cache back.

        After a run that looked at every file (`complete`), only the entries it
        used are kept, so the cache does not grow with every edit ever made.
        That holds per kind: entries of a kind the run never looked up belong
        to other commands (a status run does not prune what `update` keeps).
        """
        if self.path is None or not (self._dirty or complete):
            return
        old = self._load()
        if complete:
            data = {k: v for k, v in old.items() if k[0] not in self._looked_up}
            data.update(self._used)
            if not self._dirty and len(data) == len(old):
                return
        else:
            data = {**old, **self._used}
        with contextlib.suppress(OSError):
            atomic_write(self.path, pickle.dumps((_FORMAT, data), protocol=pickle.HIGHEST_PROTOCOL))
