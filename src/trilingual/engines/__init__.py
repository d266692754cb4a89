"""Machine-translation engines: one small interface and one registry table.

An engine declares its name, the language pairs it serves, how many texts go
in one request, its request timeout and whether it sends text to a third
party, and implements `translate_batch` (one request). Everything that is the
same for every engine lives here once: splitting work into batches, a bounded
pool of workers, a rate limit, retries with exponential backoff and jitter
(honouring Retry-After), a deadline on every request, stopping at once on an
authorization error, and stopping cleanly on Ctrl-C with what is done.

Engines are loaded lazily by name from `REGISTRY`, so `trilingual status`
never imports an HTTP client; one whose dependency is missing is reported as
unavailable, and the others keep working.
"""

from __future__ import annotations

import importlib
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, ClassVar

# name -> "module:Class". The only list of built-in engines.
REGISTRY: dict[str, str] = {
    "tm": "trilingual.engines.memory:MemoryEngine",
    "apertium": "trilingual.engines.apertium:ApertiumEngine",
    "libre": "trilingual.engines.libre:LibreEngine",
    "google": "trilingual.engines.providers:GoogleEngine",
    "deepl": "trilingual.engines.providers:DeeplEngine",
    "microsoft": "trilingual.engines.providers:MicrosoftEngine",
    "mymemory": "trilingual.engines.providers:MyMemoryEngine",
    "yandex": "trilingual.engines.providers:YandexEngine",
    "fake": "trilingual.engines.fake:FakeEngine",
}

Pair = tuple[str, str]
Progress = Callable[[int], None]  # called with the number of texts just finished

# How the notes an engine adds to a draft begin: `draft` replaces its own earlier notes by these.
TM_NOTE = "translation memory:"
UNKNOWN_WORDS_NOTE = "apertium did not know:"
OWN_NOTES = (TM_NOTE, UNKNOWN_WORDS_NOTE)


class EngineFailure(Exception):
    """One request failed. `retryable`: worth another try; `retry_after`: the server said when."""

    def __init__(self, message: str, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class AuthFailure(EngineFailure):
    """The provider refused the credentials: no retry, and the engine stops for this run."""


@dataclass(frozen=True)
class Translation:
    text: str
    notes: tuple[str, ...] = ()  # said in the unit's comment (fuzzy score, unknown words)


@dataclass(frozen=True)
class Outcome:
    """What became of one text: a translation, or the reason there is none."""

    translation: Translation | None = None
    error: str | None = None


@dataclass(frozen=True)
class Readiness:
    ready: bool
    detail: str


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, retry: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.retries += retry


class RateLimit:
    """At most `per_second` request starts per second, shared by all workers of an engine."""

    def __init__(self, per_second: float | None) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            stop.wait(start - now)


def scrub(text: str, secrets: Sequence[str]) -> str:
    """The text with every secret (and its URL-quoted form) replaced."""
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        if len(secret) >= 4:
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                text = text.replace(form, "***")
    return text


class Engine:
    """Base of every engine. Subclasses set the class attributes and `translate_batch`."""

    name: ClassVar[str]
    third_party: ClassVar[bool] = True  # sends the text to someone else's server
    batch_size: ClassVar[int] = 1  # texts per request
    timeout: ClassVar[float] = 20.0  # seconds per request
    workers: ClassVar[int] = 8  # requests in flight at once
    rate: ClassVar[float | None] = None  # requests per second; None: no limit
    retries: ClassVar[int] = 4
    key_env: ClassVar[str | None] = None  # default name of the environment variable holding the key
    languages: ClassVar[tuple[str, ...]] = ()  # served in every direction between them ("languages" overrides)

    def __init__(self, settings: Mapping[str, Any], env: Mapping[str, str]) -> None:
        self.settings = dict(settings)
        self.env = env
        self.batch = int(self._setting("batch_size", self.batch_size))
        self.request_timeout = float(self._setting("timeout", self.timeout))
        self.max_workers = max(1, int(self._setting("workers", self.workers)))
        rate = self._setting("rate", self.rate)
        self.limit = RateLimit(float(rate) if rate else None)
        self.max_retries = max(0, int(self._setting("retries", self.retries)))
        self.backoff = float(self._setting("backoff", 0.5))
        self.stats = Stats()
        self._stopped: str | None = None  # set by an authorization error

    def _setting(self, name: str, default: Any) -> Any:
        return self.settings.get(name, default)

    # --- what each engine provides -------------------------------------

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs()

    def pairs(self) -> list[Pair]:
        """The pairs served; may ask a server, so call it only when needed."""
        langs = [str(x) for x in self._setting("languages", self.languages)]
        return [(a, b) for a in langs for b in langs if a != b]

    def readiness(self) -> Readiness:
        return Readiness(True, "ready")

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        raise EngineFailure(f"{self.name} cannot translate")  # pragma: no cover - every engine overrides

    # --- keys -------------------------------------------------------------

    @property
    def key_variable(self) -> str | None:
        value = self._setting("key_env", self.key_env)
        return str(value) if value else None

    def key(self, required: bool = True) -> str | None:
        """The API key from the environment; a missing one stops the engine, naming the variable."""
        variable = self.key_variable
        value = self.env.get(variable, "") if variable else ""
        if not value and required:
            raise AuthFailure(f"{self.name}: no API key: set the environment variable {variable}")
        return value or None

    def secrets(self) -> list[str]:
        variable = self.key_variable
        value = self.env.get(variable, "") if variable else ""
        return [value] if value else []

    # --- the shared machinery ----------------------------------------------

    def run(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        stop: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Outcome]:
        """Translate distinct texts, in batches, concurrently; never raises for a failed request.

        On KeyboardInterrupt the workers are told to stop, finished batches are
        returned through `partial` on the exception, and the interrupt goes on.
        """
        stop = stop or threading.Event()
        unique = list(dict.fromkeys(texts))
        batches = [unique[i : i + self.batch] for i in range(0, len(unique), max(1, self.batch))]
        results: dict[str, Outcome] = {}
        pool = ThreadPoolExecutor(max_workers=min(self.max_workers, max(1, len(batches))))
        pending: dict[Future[list[Outcome]], list[str]] = {
            pool.submit(self._batch_with_retries, batch, source, target, stop): batch for batch in batches
        }
        try:
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    outcomes = future.result()
                    results.update(zip(batch, outcomes, strict=True))
                    if progress is not None:
                        progress(len(batch))
        except KeyboardInterrupt as exc:
            stop.set()
            for future, batch in pending.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    results.update(zip(batch, future.result(), strict=True))
            pool.shutdown(wait=False, cancel_futures=True)
            exc.partial = results  # type: ignore[attr-defined]
            raise
        pool.shutdown(wait=True)
        return results

    def _batch_with_retries(self, batch: list[str], source: str, target: str, stop: threading.Event) -> list[Outcome]:
        attempt = 0
        while True:
            if self._stopped:
                return [Outcome(error=self._stopped)] * len(batch)
            if stop.is_set():
                return [Outcome(error="interrupted")] * len(batch)
            self.limit.wait(stop)
            self.stats.count(retry=attempt > 0)
            try:
                translations = self._deadline(lambda: self.translate_batch(batch, source, target))
                if len(translations) != len(batch):
                    raise EngineFailure(f"{self.name} answered {len(translations)} texts for {len(batch)}")
                return [self._check(t) for t in translations]
            except AuthFailure as exc:
                self._stopped = scrub(exc.message, self.secrets())
                return [Outcome(error=self._stopped)] * len(batch)
            except EngineFailure as exc:
                message = scrub(exc.message, self.secrets())
                if not exc.retryable or attempt >= self.max_retries:
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    return [Outcome(error=f"{self.name}: {message}{tries}")] * len(batch)
                delay = exc.retry_after if exc.retry_after is not None else self.backoff * 2**attempt
                delay = min(delay, 60.0) * (1 + random.uniform(0, 0.25))  # jitter spreads the workers out
                attempt += 1
                if stop.wait(delay):
                    return [Outcome(error="interrupted")] * len(batch)

    def _check(self, t: Translation) -> Outcome:
        if not t.text.strip():
            return Outcome(error=f"{self.name} returned an empty translation")
        return Outcome(translation=t)

    def _deadline(self, call: Callable[[], list[Translation]]) -> list[Translation]:
        """Run one request; engines whose client has its own timeout override this."""
        return call()


def with_deadline(call: Callable[[], Any], seconds: float, what: str) -> Any:
    """Run `call` in a daemon thread and give up after `seconds`.

    For clients that set no timeout of their own: a request that hangs is
    abandoned (its thread dies with the process) instead of hanging the tool.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed over to the waiting thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise EngineFailure(f"{what}: no answer within {seconds:g} s", retryable=True)
    if "error" in box:
        raise box["error"]
    return box["value"]


# --- the registry ---------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a route: an engine, maybe pivoting through a language."""

    engine: str
    via: str | None = None

    def __str__(self) -> str:
        return f"{self.engine} via {self.via}" if self.via else self.engine


_STEP = re.compile(r"^\s*([a-z][a-z0-9_-]*)(?:\s+via\s+([a-z]{2,3}))?\s*$")


def parse_step(text: str, where: str = "routes") -> Step:
    match = _STEP.match(text)
    if not match:
        raise ValueError(f"{where}: {text!r} is not an engine name or 'ENGINE via LANG'")
    engine, via = match.groups()
    if engine not in REGISTRY:
        raise ValueError(f"{where}: unknown engine {engine!r} (one of: {', '.join(REGISTRY)})")
    return Step(engine, via)


def engine_class(name: str) -> type[Engine]:
    module_name, _, class_name = REGISTRY[name].partition(":")
    module = importlib.import_module(module_name)
    cls: type[Engine] = getattr(module, class_name)
    return cls


def engine_settings(settings: Mapping[str, Any], name: str) -> dict[str, Any]:
    engines = settings.get("engines", {})
    table = engines.get(name, {}) if isinstance(engines, dict) else {}
    return dict(table) if isinstance(table, dict) else {}


def create(name: str, settings: Mapping[str, Any], env: Mapping[str, str], **extra: Any) -> Engine:
    """The engine `name`, configured from trilingual.toml's `[engines.NAME]` table."""
    return engine_class(name)(engine_settings(settings, name) | extra, env)


__all__ = [
    "OWN_NOTES",
    "REGISTRY",
    "TM_NOTE",
    "UNKNOWN_WORDS_NOTE",
    "AuthFailure",
    "Engine",
    "EngineFailure",
    "EngineInfo",
    "Outcome",
    "Readiness",
    "Step",
    "Translation",
    "create",
    "engine_class",
    "parse_step",
    "scrub",
    "survey",
    "with_deadline",
]


@dataclass(frozen=True)
class EngineInfo:
    name: str
    pairs: tuple[str, ...]  # "src>tgt"; ("any",) for the translation memory
    ready: bool
    detail: str
    third_party: bool
    key_env: str | None  # the variable's name, never its value


def survey(settings: Mapping[str, Any], env: Mapping[str, str]) -> list[EngineInfo]:
    """Every registered engine, what it serves and whether it can run now; never a key."""
    out = []
    for name in REGISTRY:
        try:
            engine = create(name, settings, env)
        except ImportError as exc:
            out.append(EngineInfo(name, (), False, f"cannot be loaded: {exc}", True, None))
            continue
        readiness = engine.readiness()
        try:
            pairs = tuple(f"{a}>{b}" for a, b in engine.pairs()) if name != "tm" else ("any",)
        except EngineFailure:
            pairs = ()
        detail = scrub(readiness.detail, engine.secrets())
        out.append(EngineInfo(name, pairs, readiness.ready, detail, engine.third_party, engine.key_variable))
    return out
