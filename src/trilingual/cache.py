"""A local cache of parse and status results, keyed by content hashes.

Keys are made from the hashes of every input file (and the tool version), so
an entry can only ever be found for exactly the bytes it was computed from: a
stale cache costs time, never a wrong answer. The file lives in
`.trilingual/cache` and is safe to delete.

Entries are grouped by kind ("info", "status", ...), and each kind is pickled
on its own inside the file, so a command unpickles only the kinds it asks for:
a warm status does not hold in memory what only `update` needs. Values are
plain tuples of strings and numbers, which load several times faster than
pickled objects and take less room.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import Any

from trilingual import __version__
from trilingual.files import STATE_DIR, atomic_write

_FORMAT = ("trilingual-cache", 6, __version__)

Key = str | bytes


class Cache:
    def __init__(self, root: Path | None) -> None:
        self.path = root / STATE_DIR / "cache" if root is not None else None
        self._sections: dict[str, bytes] | None = None  # kind -> its pickled entries, as read
        # Per kind, once looked up: the entries read and not yet used, and the
        # entries this run used or made. A used entry moves from one to the
        # other, so its key is held once, not twice.
        self._unused: dict[str, dict[Key, Any]] = {}
        self._live: dict[str, dict[Key, Any]] = {}
        self._changed: set[str] = set()
        self._looked_up: set[str] = set()  # kinds this run asked for, not only wrote

    def _file(self) -> dict[str, bytes]:
        if self._sections is None:
            self._sections = {}
            if self.path is not None and self.path.is_file():
                # A damaged or foreign cache is only a slower run.
                with contextlib.suppress(Exception):
                    with open(self.path, "rb") as handle:
                        fmt, sections = pickle.load(handle)
                    if fmt == _FORMAT and isinstance(sections, dict):
                        self._sections = sections
        return self._sections

    def _kind(self, kind: str) -> dict[Key, Any]:
        live = self._live.get(kind)
        if live is None:
            unused: dict[Key, Any] = {}
            blob = self._file().get(kind)
            if blob is not None:
                with contextlib.suppress(Exception):
                    loaded = pickle.loads(blob)
                    if isinstance(loaded, dict):
                        unused = loaded
            self._unused[kind] = unused
            live = self._live[kind] = {}
        return live

    def get(self, kind: str, key: Key) -> Any:
        live = self._kind(kind)
        self._looked_up.add(kind)
        value = live.get(key)
        if value is None:
            value = self._unused[kind].pop(key, None)
            if value is not None:
                live[key] = value
        return value

    def put(self, kind: str, key: Key, value: Any) -> None:
        live = self._kind(kind)
        if live.get(key, self._unused[kind].pop(key, None)) != value:
            self._changed.add(kind)
        live[key] = value

    def save(self, complete: bool = False) -> None:
        """Write the cache back.

        After a run that looked at every file (`complete`), only the entries it
        used are kept, so the cache does not grow with every edit ever made.
        That holds per kind: entries of a kind the run never looked up belong
        to other commands (a status run does not prune what `update` keeps;
        `update` adds status rows without reading any), and a kind the run did
        not touch is written back as it was read, without unpickling it.
        """
        if self.path is None:
            return
        sections = dict(self._file())
        changed = False
        for kind, live in self._live.items():
            unused = self._unused[kind]
            # Only a kind this run looked up everywhere is known to hold no more than it used.
            if complete and kind in self._looked_up:
                if kind not in self._changed and not unused:
                    continue
                entries = live
            else:
                if kind not in self._changed:
                    continue
                entries = {**unused, **live}
            sections[kind] = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
            changed = True
        if changed:
            with contextlib.suppress(OSError):
                atomic_write(self.path, pickle.dumps((_FORMAT, sections), protocol=pickle.HIGHEST_PROTOCOL))
