"""Online providers through deep-translator: Google, DeepL, Microsoft, MyMemory, Yandex.

deep-translator sends one request per text, sets no timeout and puts the API
key into the text of its authorization error. So: one text per batch (the
base class runs batches concurrently), every call under a deadline, and its
exceptions mapped to ours with any key scrubbed out of their text.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from trilingual.engines import AuthFailure, Engine, EngineFailure, Readiness, Translation, scrub, with_deadline


class ProviderEngine(Engine, abc.ABC):
    """One deep-translator provider; subclasses say how to build its client."""

    languages: ClassVar[tuple[str, ...]] = ("be", "ru", "en")
    needs_key: ClassVar[bool] = True
    batch_size = 1
    workers = 8

    def readiness(self) -> Readiness:
        try:
            import deep_translator  # noqa: F401
        except ImportError:
            return Readiness(False, "deep-translator is not installed")
        if self.needs_key and not self.secrets():
            return Readiness(False, f"no key: set the environment variable {self.key_variable}")
        if self.needs_key:
            return Readiness(True, f"key found in {self.key_variable}")
        return Readiness(True, "no key needed")

    @abc.abstractmethod
    def client(self, source: str, target: str, key: str | None) -> Any:
        """deep-translator's translator object for this pair (and key)."""

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        key = self.key(required=self.needs_key)
        out = []
        for text in texts:
            out.append(Translation(self._call(functools.partial(self._translate_one, text, source, target, key))))
        return out

    def _translate_one(self, text: str, source: str, target: str, key: str | None) -> str:
        translator = self.client(source, target, key)
        url = self._setting("url", None)
        if url:
            translator._base_url = str(url)  # a proxy, a regional endpoint, or a test server
        result = translator.translate(text)
        if not isinstance(result, str):
            raise EngineFailure(f"{self.name} answered no text")
        return result

    def _call(self, call: Callable[[], str]) -> str:
        try:
            result: str = with_deadline(call, self.request_timeout, self.name)
            return result
        except EngineFailure:
            raise
        except Exception as exc:
            raise self.map_error(exc) from None

    def map_error(self, exc: Exception) -> EngineFailure:
        """deep-translator's exception as ours; its text may hold the key, so it is scrubbed."""
        kind = type(exc).__name__
        text = scrub(str(exc), self.secrets())
        status = getattr(exc, "status_code", None)
        if kind in ("AuthorizationException", "ApiKeyException") or status in (401, 403):
            return AuthFailure(
                f"{self.name}: the provider refused the key in the environment variable {self.key_variable}"
            )
        if kind == "TooManyRequests" or status == 429:
            return EngineFailure(f"{self.name}: too many requests", retryable=True)
        if kind in ("ServerException", "RequestError") or _is_connection_error(exc):
            return EngineFailure(f"{self.name}: {kind}: {text}", retryable=status is None or status >= 500)
        return EngineFailure(f"{self.name}: {kind}: {text}")


def _is_connection_error(exc: Exception) -> bool:
    try:
        import requests
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, requests.exceptions.RequestException)


class GoogleEngine(ProviderEngine):
    name = "google"
    needs_key = False

    def client(self, source: str, target: str, key: str | None) -> Any:
        from deep_translator import GoogleTranslator

        return GoogleTranslator(source=source, target=target)


class DeeplEngine(ProviderEngine):
    name = "deepl"
    key_env = "DEEPL_API_KEY"
    languages = ("ru", "en")  # DeepL has no Belarusian: route be through ru

    def client(self, source: str, target: str, key: str | None) -> Any:
        from deep_translator import DeeplTranslator

        free = bool(self._setting("free_api", (key or "").endswith(":fx")))
        return DeeplTranslator(api_key=key, source=source, target=target, use_free_api=free)


class MicrosoftEngine(ProviderEngine):
    name = "microsoft"
    key_env = "MICROSOFT_API_KEY"
    languages = ("ru", "en")

    def client(self, source: str, target: str, key: str | None) -> Any:
        from deep_translator import MicrosoftTranslator

        region = self._setting("region", None)
        return MicrosoftTranslator(api_key=key, source=source, target=target, region=region)


class MyMemoryEngine(ProviderEngine):
    name = "mymemory"
    needs_key = False
    rate = 2.0  # a free service: be gentle

    def client(self, source: str, target: str, key: str | None) -> Any:
        from deep_translator import MyMemoryTranslator

        names = {"be": "be-BY", "ru": "ru-RU", "en": "en-GB"}
        return MyMemoryTranslator(source=names.get(source, source), target=names.get(target, target))


class YandexEngine(ProviderEngine):
    name = "yandex"
    key_env = "YANDEX_API_KEY"

    def client(self, source: str, target: str, key: str | None) -> Any:
        from deep_translator import YandexTranslator

        return _Yandex(YandexTranslator(api_key=key), source, target)


class _Yandex:
    """YandexTranslator takes the languages per call; give it the common shape."""

    def __init__(self, inner: Any, source: str, target: str) -> None:
        self.inner = inner
        self.source = source
        self.target = target

    @property
    def _base_url(self) -> str:
        return str(self.inner._base_url)

    @_base_url.setter
    def _base_url(self, value: str) -> None:
        self.inner._base_url = value

    def translate(self, text: str) -> Any:
        return self.inner.translate(text, source=self.source, target=self.target)
