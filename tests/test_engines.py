"""Engines: one contract every engine's tests subclass, and the shared machinery's guarantees."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.loopback import Loopback, serve
from tests.programs import need
from trilingual.engines import (
    REGISTRY,
    AuthFailure,
    Engine,
    EngineFailure,
    Readiness,
    create,
    parse_step,
    scrub,
    survey,
    with_deadline,
)
from trilingual.engines.apertium import read_mode
from trilingual.inline import protect
from trilingual.memory import Memory, TMUnit

KEY = "sk-test-0123456789abcdef"


class EngineContract:
    """What every engine guarantees; subclasses supply the `engine` fixture and `pair`."""

    pair: tuple[str, str] = ("ru", "be")
    texts = ("Президент встретился с министром.", "Цены выросли.", "Президент встретился с министром.")

    def test_registered_by_name(self, engine: Engine) -> None:
        assert REGISTRY[engine.name].endswith(type(engine).__name__)

    def test_readiness_is_reported(self, engine: Engine) -> None:
        readiness = engine.readiness()
        assert isinstance(readiness, Readiness)
        assert readiness.ready, readiness.detail

    def test_supports_its_pair(self, engine: Engine) -> None:
        assert engine.supports(*self.pair)

    def test_one_nonempty_translation_per_text(self, engine: Engine) -> None:
        out = engine.translate_batch(list(self.texts[:2]), *self.pair)
        assert len(out) == 2
        assert all(t.text.strip() for t in out)

    def test_run_translates_identical_texts_once(self, engine: Engine) -> None:
        results = engine.run(list(self.texts), *self.pair)
        assert set(results) == set(self.texts)
        assert all(o.translation is not None for o in results.values())
        assert engine.stats.requests <= len(set(self.texts))


class TestFakeEngine(EngineContract):
    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        yield create("fake", {}, {})

    def test_deterministic(self, engine: Engine) -> None:
        assert engine.translate_batch(["Цены"], "ru", "en")[0].text == "[en] Цены"


class TestMemoryEngine(EngineContract):
    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        memory = Memory(None)
        memory.add(TMUnit("ru", "be", t, "Пераклад: " + t) for t in self.texts)
        yield create("tm", {}, {}, memory=memory)
        memory.close()

    def test_fuzzy_match_shows_the_score(self) -> None:
        memory = Memory(None)
        memory.add(
            [TMUnit("ru", "be", "Цены на хлеб выросли на пять процентов.", "Цэны на хлеб выраслі на пяць адсоткаў.")]
        )
        tm = create("tm", {"engines": {"tm": {"threshold": 80}}}, {}, memory=memory)
        found = tm.lookup("Цены на хлеб выросли на шесть процентов.", "ru", "be")  # type: ignore[attr-defined]
        assert found is not None and found.text == "Цэны на хлеб выраслі на пяць адсоткаў."
        assert "% match" in found.notes[0]
        assert tm.lookup("Совсем другой текст про погоду.", "ru", "be") is None  # type: ignore[attr-defined]


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serve() as loopback:
        yield loopback


def libre(url: str, env: dict[str, str] | None = None, **settings: object) -> Engine:
    return create("libre", {"engines": {"libre": {"url": url, "backoff": 0.05, **settings}}}, env or {})


class TestLibreEngine(EngineContract):
    @pytest.fixture
    def engine(self, server: Loopback) -> Iterator[Engine]:
        yield libre(server.url)

    def test_belarusian_from_the_servers_languages(self, server: Loopback) -> None:
        assert ("ru", "be") in libre(server.url).pairs()
        server.behaviour.languages = ("ru", "en")
        assert not libre(server.url).supports("ru", "be")

    def test_batches_go_in_one_request_each(self, server: Loopback) -> None:
        texts = [f"текст {i}" for i in range(60)]
        results = libre(server.url, batch_size=25).run(texts, "ru", "en")
        assert len(server.translate_requests) == 3
        assert results["текст 7"].translation is not None
        assert results["текст 7"].translation.text == "[en] текст 7"

    def test_429_with_retry_after_is_retried(self, server: Loopback) -> None:
        server.behaviour.fail_first, server.behaviour.status, server.behaviour.retry_after = 2, 429, "0.2"
        start = time.monotonic()
        engine = libre(server.url)
        results = engine.run(["раз"], "ru", "en")
        assert results["раз"].translation is not None
        assert len(server.translate_requests) == 3 and engine.stats.retries == 2
        assert time.monotonic() - start >= 0.4  # the server's Retry-After was honoured

    def test_500_is_retried_then_reported(self, server: Loopback) -> None:
        server.behaviour.fail_first, server.behaviour.status = 100, 500
        results = libre(server.url, retries=2).run(["раз"], "ru", "en")
        assert results["раз"].translation is None
        assert "HTTP 500" in (results["раз"].error or "") and "3 attempts" in (results["раз"].error or "")
        assert len(server.translate_requests) == 3

    def test_403_stops_the_engine_and_never_shows_the_key(self, server: Loopback) -> None:
        server.behaviour.fail_first, server.behaviour.status = 100, 403
        engine = libre(server.url, {"LIBRETRANSLATE_API_KEY": KEY}, batch_size=1, workers=1)
        results = engine.run(["раз", "два", "тры"], "ru", "en")
        assert len(server.translate_requests) == 1  # no retry, no further request
        for outcome in results.values():
            assert outcome.error and "LIBRETRANSLATE_API_KEY" in outcome.error
            assert KEY not in outcome.error

    def test_a_hanging_server_ends_in_a_failure_within_the_deadline(self, server: Loopback) -> None:
        server.behaviour.hang = True
        start = time.monotonic()
        results = libre(server.url, timeout=0.5, retries=1).run(["раз"], "ru", "en")
        assert results["раз"].translation is None
        assert time.monotonic() - start < 4

    def test_requests_run_concurrently(self, server: Loopback) -> None:
        server.behaviour.delay = 0.3
        start = time.monotonic()
        libre(server.url, batch_size=1, workers=8).run([f"t{i}" for i in range(8)], "ru", "en")
        assert time.monotonic() - start < 1.5  # serial would take 2.4 s

    def test_rate_limit_spaces_requests(self, server: Loopback) -> None:
        start = time.monotonic()
        libre(server.url, batch_size=1, workers=4, rate=10).run([f"t{i}" for i in range(6)], "ru", "en")
        assert time.monotonic() - start >= 0.45


class TestDeepl:
    """deep-translator's DeepL client, pointed at the loopback server."""

    def engine(self, server: Loopback, env: dict[str, str]) -> Engine:
        settings = {"url": server.url, "timeout": 5, "retries": 0, "workers": 1}
        return create("deepl", {"engines": {"deepl": settings}}, env)

    def test_translates(self, server: Loopback) -> None:
        results = self.engine(server, {"DEEPL_API_KEY": KEY}).run(["Цены выросли."], "ru", "en")
        assert results["Цены выросли."].translation is not None
        assert results["Цены выросли."].translation.text == "[en] Цены выросли."

    def test_403_names_the_variable_not_the_key(self, server: Loopback) -> None:
        server.behaviour.fail_first, server.behaviour.status = 100, 403
        results = self.engine(server, {"DEEPL_API_KEY": KEY}).run(["раз", "два"], "ru", "en")
        assert len(server.translate_requests) == 1
        for outcome in results.values():
            assert outcome.error and "DEEPL_API_KEY" in outcome.error and KEY not in outcome.error

    def test_missing_key_names_the_variable(self, server: Loopback) -> None:
        results = self.engine(server, {}).run(["раз"], "ru", "en")
        assert "DEEPL_API_KEY" in (results["раз"].error or "")
        assert not server.translate_requests

    def test_no_belarusian(self) -> None:
        assert not create("deepl", {}, {}).supports("be", "en")


def test_provider_errors_are_scrubbed() -> None:
    engine = create("yandex", {}, {"YANDEX_API_KEY": KEY})

    class Leaky(Exception):
        pass

    failure = engine.map_error(Leaky(f"request to https://x/?key={KEY} failed"))  # type: ignore[attr-defined]
    assert KEY not in failure.message and "***" in failure.message
    auth = engine.map_error(type("AuthorizationException", (Exception,), {})(KEY))  # type: ignore[attr-defined]
    assert isinstance(auth, AuthFailure) and KEY not in auth.message and "YANDEX_API_KEY" in auth.message


def test_scrub_replaces_plain_and_quoted_keys() -> None:
    assert scrub("a key/with+chars and key%2Fwith%2Bchars", ["key/with+chars"]) == "a *** and ***"


def test_with_deadline_gives_up_on_a_call_that_hangs() -> None:
    start = time.monotonic()
    with pytest.raises(EngineFailure, match="no answer"):
        with_deadline(lambda: time.sleep(5), 0.2, "slow")
    assert time.monotonic() - start < 1


def test_route_steps() -> None:
    assert str(parse_step("deepl via ru")) == "deepl via ru"
    with pytest.raises(ValueError, match="unknown engine"):
        parse_step("babelfish")


def test_survey_never_shows_a_key() -> None:
    infos = survey({}, {"DEEPL_API_KEY": KEY})
    assert {i.name for i in infos} == set(REGISTRY)
    deepl = next(i for i in infos if i.name == "deepl")
    assert deepl.ready and deepl.key_env == "DEEPL_API_KEY"
    assert KEY not in repr(infos)


# --- Apertium, for real ---------------------------------------------------------


class TestApertium(EngineContract):
    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        need("apertium")
        need("cg-proc")
        yield create("apertium", {}, {})

    def test_both_directions(self, engine: Engine) -> None:
        assert engine.translate_batch(["Президент встретился с министром в Минске."], "ru", "be")[0].text == (
            "Прэзідэнт спаткаўся з міністрам у Мінску."
        )
        assert engine.translate_batch(["Прывітанне, свет"], "be", "ru")[0].text == "Приветствие, мир"

    def test_rus_bel_with_the_tagger_replaced(self, engine: Engine) -> None:
        mode = engine.mode_file("ru", "be")  # type: ignore[attr-defined]
        stages = read_mode(Path(mode), replace_tagger=True)
        assert not any(s[0] == "apertium-tagger" for s in stages)
        assert stages[2][:4] == ["cg-proc", "-1", "-n", "-w"]
        from trilingual.engines.apertium import decode, encode

        out, problem = engine._pipeline(stages, encode(["Цены выросли."]))  # type: ignore[attr-defined]
        assert out is not None, problem
        assert decode(out, 1)[0][0] == "Цаны выраслі."

    def test_unknown_words_lose_their_mark_and_are_named(self, engine: Engine) -> None:
        t = engine.translate_batch(["Лукашенко заявил, сообщает Белстат."], "ru", "be")[0]
        assert "*" not in t.text and "Лукашенко" in t.text
        assert t.notes and "Лукашенко" in t.notes[0]

    def test_markup_and_placeholders_pass_through(self, engine: Engine) -> None:
        p = protect("Цены выросли на **5%**, сообщает [Белстат](https://belstat.gov.by/) #1.")
        out = engine.translate_batch([p.text], "ru", "be")[0].text
        restored = p.restore(out)
        assert restored is not None
        assert "**5%**" in restored and "](https://belstat.gov.by/)" in restored and "#1" in restored

    def test_a_pipeline_that_prints_nothing_is_a_failure(self, engine: Engine, tmp_path: Path) -> None:
        (tmp_path / "rus-bel.mode").write_text("cat /dev/null\n")
        broken = create("apertium", {"engines": {"apertium": {"modes": str(tmp_path)}}}, {})
        with pytest.raises(EngineFailure, match="returned nothing"):
            broken.translate_batch(["Цены выросли."], "ru", "be")


# --- inline Markdown ----------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("ab цы*_`[]()<>/:.h tps")), max_size=60))
def test_protect_then_restore_is_exact(text: str) -> None:
    p = protect(text)
    assert p.restore(p.text) == text


def test_lost_placeholder_is_refused() -> None:
    p = protect("See [the report](https://example.org/r) and `code`.")
    assert p.restore(p.text.replace("⟦2⟧", "")) is None
    assert p.restore(p.text + " ⟦1⟧") is None
