"""LibreTranslate, spoken to directly over HTTP.

deep-translator's client refuses languages outside a fixed table (Belarusian
is missing although a self-hosted server may serve it), refuses an empty key
although many servers need none, sets no timeout and sends one request per
text. The API is small enough to speak here: `GET /languages` says which
pairs the server serves, `POST /translate` takes a list of texts.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from trilingual.engines import AuthFailure, Engine, EngineFailure, Pair, Readiness, Translation

DEFAULT_URL = "http://127.0.0.1:5000/"


class LibreEngine(Engine):
    name = "libre"
    third_party = True
    batch_size = 25
    timeout = 20.0
    workers = 8
    key_env = "LIBRETRANSLATE_API_KEY"

    def __init__(self, settings: Any, env: Any) -> None:
        super().__init__(settings, env)
        self.url = str(self._setting("url", DEFAULT_URL)).rstrip("/") + "/"
        self._pairs: list[Pair] | None = None

    def _request(self, method: str, path: str, body: dict[str, Any] | None, timeout: float) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            status = exc.code
            if status in (401, 403):
                variable = self.key_variable
                hint = f" (check the key in the environment variable {variable})" if variable else ""
                raise AuthFailure(f"{self.name}: the server refused the request: HTTP {status}{hint}") from None
            retry_after = _seconds(exc.headers.get("Retry-After")) if exc.headers else None
            retryable = status == 429 or status >= 500
            raise EngineFailure(f"HTTP {status} from {self.url}", retryable, retry_after) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EngineFailure(f"no answer from {self.url} ({reason})", retryable=True) from None
        except ValueError:
            raise EngineFailure(f"{self.url} answered something that is not JSON", retryable=True) from None

    def pairs(self) -> list[Pair]:
        if self._pairs is None:
            answer = self._request("GET", "languages", None, min(self.request_timeout, 5.0))
            pairs: list[Pair] = []
            for item in answer if isinstance(answer, list) else []:
                code = str(item.get("code", ""))
                for target in item.get("targets", []):
                    if target != code:
                        pairs.append((code, str(target)))
            self._pairs = pairs
        return self._pairs

    def supports(self, source: str, target: str) -> bool:
        try:
            return (source, target) in self.pairs()
        except EngineFailure:
            return False

    def readiness(self) -> Readiness:
        try:
            n = len(self.pairs())
        except EngineFailure as exc:
            return Readiness(False, exc.message)
        return Readiness(True, f"server {self.url} answers, {n} pairs")

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        body: dict[str, Any] = {"q": list(texts), "source": source, "target": target, "format": "text"}
        key = self.key(required=False)
        if key:
            body["api_key"] = key
        answer = self._request("POST", "translate", body, self.request_timeout)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise EngineFailure(f"{self.url} answered without translatedText", retryable=True)
        return [Translation(t) for t in translated]


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            import time

            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
