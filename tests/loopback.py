"""A LibreTranslate-compatible server on 127.0.0.1 for tests and the benchmark.

`POST /translate` answers with each text prefixed by the target language in
brackets ("[be] ..."), the way the fake engine does; `GET /languages` lists
be, ru and en (configurable). Each request consults `behaviour`, so a test
can make the server answer slowly, with 429 and Retry-After, with 500, with
403 (an error page quoting the key it was sent, as careless servers do), or
not at all.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    delay: float = 0.0  # seconds before each answer
    hang: bool = False  # never answer /translate
    fail_first: int = 0  # answer this many /translate requests with `status`
    status: int = 500
    retry_after: str | None = None
    languages: tuple[str, ...] = ("be", "ru", "en")
    # Optional per-request answer: given the JSON body, return (status, body) or None for the default.
    custom: Callable[[dict[str, Any]], tuple[int, Any] | None] | None = None


@dataclass
class Loopback:
    url: str
    behaviour: Behaviour
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def translate_requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r.get("path") == "/translate"]


def _handler(state: Loopback, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.startswith("/translate"):
                self._deepl()
                return
            if self.path.rstrip("/") != "/languages":
                self._send(404, {"error": "not found"})
                return
            langs = list(state.behaviour.languages)
            self._send(200, [{"code": c, "name": c, "targets": [t for t in langs if t != c]} for c in langs])

        def _deepl(self) -> None:
            # DeepL's shape, as deep-translator's DeeplTranslator asks it: GET /translate?auth_key=...
            from urllib.parse import parse_qs, urlsplit

            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            with state.lock:
                state.requests.append({"path": "/translate", **query})
                n = sum(1 for r in state.requests if r.get("path") == "/translate")
            if n <= state.behaviour.fail_first:
                self._send(state.behaviour.status, {"message": f"bad key {query.get('auth_key', '')}"})
                return
            text = f"[{query.get('target_lang', '').lower()}] {query.get('text', '')}"
            self._send(200, {"translations": [{"text": text}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8") or "{}")
            b = state.behaviour
            with state.lock:
                state.requests.append({"path": self.path, **body})
                n = sum(1 for r in state.requests if r.get("path") == "/translate")
            if b.hang:
                stop.wait(60)
                return
            if b.delay:
                time.sleep(b.delay)
            if b.custom is not None:
                answer = b.custom(body)
                if answer is not None:
                    self._send(*answer)
                    return
            if n <= b.fail_first:
                headers = {"Retry-After": b.retry_after} if b.retry_after is not None else {}
                if b.status == 403:
                    self._send(403, {"error": f"Invalid API key {body.get('api_key', '')}"}, headers)
                else:
                    self._send(b.status, {"error": "try again"}, headers)
                return
            q = body.get("q", [])
            texts = q if isinstance(q, list) else [q]
            out = [f"[{body.get('target')}] {t}" for t in texts]
            self._send(200, {"translatedText": out if isinstance(q, list) else out[0]})

    return Handler


@contextmanager
def serve(behaviour: Behaviour | None = None) -> Iterator[Loopback]:
    stop = threading.Event()
    state = Loopback("", behaviour or Behaviour())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state, stop))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
