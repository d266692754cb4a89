"""Atomic writes and the repository lock.

Every file the tool writes goes through `atomic_write`: the bytes land in a
temporary file in the same folder, are flushed to disk, and replace the
target in one rename, so a reader or a crash never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from trilingual.errors import InputError, LockTimeout

STATE_DIR = ".trilingual"
LOCK_TIMEOUT_SECONDS = 600.0


def atomic_write(path: Path, data: bytes) -> None:
    """Write one file the way a Transaction writes many."""
    with Transaction() as tx:
        tx.stage(path, data)
        tx.commit()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless the file already holds exactly it."""
    if read_file(path) == data:
        return False
    atomic_write(path, data)
    return True


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text of an input file, or an InputError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, f"invalid UTF-8 (byte {data[exc.start]:#04x})") from None


def line_of(text: str, pattern: str) -> int:
    """The line of the first match of a multi-line pattern (1 when there is none)."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def reported_line(exc: Exception) -> int:
    """The line a parser's error message names ("... line 12 ..."), or 1."""
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


# Small enough that os.read does not allocate much more than a briefing needs.
_READ_CHUNK = 1 << 16


def read_file(path: Path | str) -> bytes | None:
    """A file's bytes, or None when it does not exist.

    A warm status reads every file of the repository, so this skips the
    buffered-file object of open(): plain descriptor reads cost a third less.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        data = os.read(fd, _READ_CHUNK)
        if not data:
            return data
        parts = [data]
        while chunk := os.read(fd, _READ_CHUNK):
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def file_digests(paths: Sequence[str]) -> list[str]:
    """The content digest of each file ("" for a file that does not exist); see `digest`."""
    return [digest(read_file(path)) for path in paths]


def digest(data: bytes | None) -> str:
    """The hash that keys the cache and the sync records; "" stands for no file."""
    return hashlib.sha1(data).hexdigest() if data is not None else ""


# Above this many files, one system-wide sync is far cheaper than an fsync each.
_FSYNC_EACH_LIMIT = 64


def flush_to_disk(paths: list[Path] | list[str]) -> None:
    """Make written files durable before they are renamed into place."""
    if len(paths) > _FSYNC_EACH_LIMIT:
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Put a whole folder of files in place at once.

    The files are written into a new folder beside `target`, flushed, and the
    new folder takes the old one's place by renames: a crash or an error while
    writing leaves the previous folder as it was. Every relative path must stay
    inside the folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    written: list[Path] = []
    try:
        base = tmp.resolve()
        for rel, data in sorted(files.items()):
            path = (tmp / rel).resolve()
            if not path.is_relative_to(base) or path == base:
                raise ValueError(f"{rel!r} would be written outside {target.name}")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
            os.chmod(path, 0o644)
            written.append(path)
        os.chmod(tmp, 0o755)
        flush_to_disk(written)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix="." + target.name + ".", suffix=".old", dir=target.parent))
            os.rename(target, old / target.name)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists() and (old / target.name).exists():
            os.rename(old / target.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def repository_lock(root: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialize writers of one content repository.

    Two `update` runs at once would each read, merge and write the same
    catalogs; the second would silently undo the first. The lock makes the
    second wait and then start from what the first wrote.
    """
    from filelock import FileLock, Timeout  # only commands that write pay for the import

    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    lock = FileLock(str(state / "lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise LockTimeout(
            f"{state / 'lock'}: another trilingual command has held the lock for {timeout:.0f} s"
        ) from exc
    try:
        yield
    finally:
        lock.release()


class Transaction:
    """Stage many files, then put them all in place, or none.

    Staged bytes go to temporary files beside their targets (so memory does not
    grow with the number of files); `commit` flushes them to disk and renames
    each over its target. If anything fails before `commit`, `abort` removes the
    temporary files and every target is as it was.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, Path]] = []
        self._removed: list[Path] = []

    def stage(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._staged.append((tmp, path))

    def remove(self, path: Path) -> None:
        """Delete a file when the staged files are put in place (after them, so a crash leaves it)."""
        self._removed.append(path)

    def commit(self) -> None:
        flush_to_disk([tmp for tmp, _ in self._staged])
        for tmp, target in self._staged:
            os.replace(tmp, target)
        for path in self._removed:
            path.unlink(missing_ok=True)
        self._staged, self._removed = [], []

    def abort(self) -> None:
        for tmp, _ in self._staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._staged, self._removed = [], []

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()
