"""Apertium, offline, for Belarusian <-> Russian.

The pipeline is read from the pair's mode file at run time and run as a
chain of processes, not through the `apertium` script: that way a stage
that crashes is seen (the script's pipeline hides it and prints nothing),
and a tagger stage that crashes can be replaced. With Debian's
apertium-bel-rus 0.2.1 the rus-bel tagger segfaults; Constraint Grammar
picking the first remaining reading (`cg-proc -1 -n`) does its job well.

Texts of a batch go through one run, each followed by a superblank that
carries its number; placeholders of protected Markdown become superblanks
too, so Apertium passes them through untouched. Unknown words come back
marked with `*`: the mark is dropped and the words are named in a note.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trilingual.engines import UNKNOWN_WORDS_NOTE, Engine, EngineFailure, Pair, Readiness, Translation
from trilingual.inline import PLACEHOLDER

CODES = {"be": "bel", "ru": "rus", "en": "eng", "uk": "ukr"}
# Placeholders, and the characters Apertium uses as marks, travel as superblanks:
# then every mark in the output is Apertium's own.
_PLACEHOLDER = re.compile(PLACEHOLDER.pattern + r"|[*#@]")
_SPECIAL = re.compile(r"([\\\[\]^$@/<>{}*#~])")
_SEPARATOR = re.compile(r"\.?\[\]\[<u(\d+)/>\]")
_WORD = re.compile(r"\w[\w'’ʼ-]*")


def modes_dirs(settings: dict[str, Any]) -> list[Path]:
    """Where mode files may be: configured, or beside the installed `apertium` program."""
    dirs = [Path(str(settings["modes"]))] if settings.get("modes") else []
    program = shutil.which("apertium")
    if program:
        prefix = Path(program).resolve().parent.parent
        dirs.append(prefix / "share" / "apertium" / "modes")
    return dirs


def read_mode(path: Path, replace_tagger: bool) -> list[list[str]]:
    """The stages of a mode file as argument lists ($1: generate unknown words marked, $2: none)."""
    text = path.read_text(encoding="utf-8").strip()
    stages: list[list[str]] = []
    rlx = None
    for part in text.split("|"):
        args = [a for a in shlex.split(part.strip()) if a != "$2"]
        args = ["-g" if a == "$1" else a for a in args]
        if not args:
            continue
        if args[0] == "cg-proc":
            rlx = next((a for a in args if a.endswith(".rlx.bin")), rlx)
        if replace_tagger and args[0] == "apertium-tagger" and rlx:
            args = ["cg-proc", "-1", "-n", "-w", rlx]
        stages.append(args)
    return stages


def encode(texts: Sequence[str]) -> str:
    """Apertium's stream format: special characters escaped, line breaks and placeholders as superblanks."""
    parts = []
    for i, text in enumerate(texts):
        out = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            out.append(_escape(text[pos : match.start()]))
            out.append(f"[{match.group(0)}]")
            pos = match.end()
        out.append(_escape(text[pos:]))
        # The full stop makes each text a sentence of its own; it is taken off again.
        parts.append("".join(out) + f".[][<u{i}/>]")
    return "".join(parts) + "\n"


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "[\n]")


def decode(stream: str, n: int) -> list[tuple[str, list[str]]]:
    """Per text: the translation, and the words Apertium marked as unknown."""
    texts: list[tuple[str, list[str]]] = []
    pos = 0
    for match in _SEPARATOR.finditer(stream):
        if int(match.group(1)) != len(texts):
            raise EngineFailure("apertium lost the order of the texts")
        texts.append(_unescape(stream[pos : match.start()]))
        pos = match.end()
    if len(texts) != n:
        raise EngineFailure(f"apertium returned {len(texts)} of {n} texts")
    return texts


def _unescape(chunk: str) -> tuple[str, list[str]]:
    out: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(chunk):
        ch = chunk[i]
        if ch == "\\" and i + 1 < len(chunk):
            out.append(chunk[i + 1])
            i += 2
        elif ch == "[":
            end = chunk.find("]", i)
            end = len(chunk) if end < 0 else end
            out.append(chunk[i + 1 : end])
            i = end + 1
        elif ch in "*#@" and (match := _WORD.match(chunk, i + 1)):
            # An unescaped mark: a word Apertium does not know (or could not generate).
            unknown.append(match.group(0))
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out).strip(), list(dict.fromkeys(unknown))


class ApertiumEngine(Engine):
    name = "apertium"
    third_party = False
    batch_size = 40
    timeout = 60.0
    workers = 4
    retries = 0

    def __init__(self, settings: Any, env: Any) -> None:
        super().__init__(settings, env)
        self._working: dict[Pair, list[list[str]]] = {}

    def mode_file(self, source: str, target: str) -> Path | None:
        name = f"{CODES.get(source, source)}-{CODES.get(target, target)}.mode"
        for folder in modes_dirs(self.settings):
            if (folder / name).is_file():
                return folder / name
        return None

    def pairs(self) -> list[Pair]:
        out = []
        for a in CODES:
            for b in CODES:
                if a != b and self.mode_file(a, b) is not None:
                    out.append((a, b))
        return out

    def readiness(self) -> Readiness:
        if not shutil.which("apertium") and not self.settings.get("modes"):
            return Readiness(False, "the apertium program is not installed")
        pairs = self.pairs()
        if not pairs:
            return Readiness(False, "no language pair installed (e.g. apertium-bel-rus)")
        return Readiness(True, "installed: " + ", ".join(f"{a}>{b}" for a, b in pairs))

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        mode = self.mode_file(source, target)
        if mode is None:
            raise EngineFailure(f"apertium has no {source}>{target} pair installed")
        stream = encode(texts)
        known = self._working.get((source, target))
        candidates = [known] if known else [read_mode(mode, False), read_mode(mode, True)]
        problem = "no output"
        for stages in candidates:
            if stages is None:
                continue
            output, problem = self._pipeline(stages, stream)
            if output is not None and output.strip():
                try:
                    results = decode(output, len(texts))
                except EngineFailure as exc:
                    problem = exc.message
                    continue
                self._working[(source, target)] = stages
                return [self._translation(text, unknown) for text, unknown in results]
        raise EngineFailure(f"apertium {mode.stem} returned nothing: {problem}")

    def _translation(self, text: str, unknown: list[str]) -> Translation:
        notes = (f"{UNKNOWN_WORDS_NOTE} {', '.join(unknown)}",) if unknown else ()
        return Translation(text, notes)

    def _pipeline(self, stages: list[list[str]], stream: str) -> tuple[str | None, str]:
        procs: list[subprocess.Popen[bytes]] = []
        try:
            previous = None
            for args in stages:
                proc = subprocess.Popen(
                    args,
                    stdin=previous.stdout if previous else subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
                if previous is not None and previous.stdout is not None:
                    previous.stdout.close()  # so the earlier stage sees a broken pipe if a later one dies
                procs.append(proc)
                previous = proc
        except OSError as exc:
            for proc in procs:
                proc.kill()
            return None, f"cannot start {exc.filename}"
        first, last = procs[0], procs[-1]
        data = stream.encode("utf-8")
        try:
            if first is last:
                out, _ = last.communicate(data, timeout=self.request_timeout)
            else:
                # Written from a thread: a long batch must not fill the pipes while nobody reads.
                threading.Thread(target=_feed, args=(first, data), daemon=True).start()
                out, _ = last.communicate(timeout=self.request_timeout)
            for proc in procs:
                proc.wait(timeout=self.request_timeout)
        except (subprocess.TimeoutExpired, BrokenPipeError) as exc:
            for proc in procs:
                proc.kill()
            if isinstance(exc, subprocess.TimeoutExpired):
                raise EngineFailure(f"apertium: no answer within {self.request_timeout:g} s") from None
            return None, "a stage stopped reading"
        failed = [(args[0], proc.returncode) for args, proc in zip(stages, procs, strict=True) if proc.returncode]
        if failed:
            return None, f"{failed[0][0]} failed (exit status {failed[0][1]})"
        return out.decode("utf-8", "replace"), ""


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the stage died; its exit status tells
