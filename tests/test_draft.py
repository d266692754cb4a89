"""`trilingual draft` on copies of the sample repository, against engines that run here."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from tests.conftest import CliFn, snapshot
from tests.loopback import Loopback, serve
from tests.programs import need

KEY = "sk-live-abcdef0123456789"
POTASH = "2023-w12-potash-exports"  # a Belarusian original; its English translation is missing
GREAT_STONE = "2023-w12-great-stone"  # a Russian original; English partial


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serve() as loopback:
        yield loopback


def configure(repo: Path, text: str) -> None:
    """Add settings to the copy's trilingual.toml; a [routes] table given replaces the shipped one."""
    path = repo / "trilingual.toml"
    current = path.read_text(encoding="utf-8")
    if "[routes]" in text:
        current = re.sub(r"(?ms)^\[routes\]\n.*?(?=^\[)", "", current)
    path.write_text(current + "\n" + text, encoding="utf-8")


def libre_config(url: str, routes: str = '"be>en" = ["tm", "libre"]', extra: str = "") -> str:
    return f'[engines.libre]\nurl = "{url}"\nbackoff = 0.05\n{extra}\n[routes]\n{routes}\n'


def entries(repo: Path, lang: str, slug: str) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(repo / "locale" / lang / f"{slug}.po")) if not e.obsolete]


def test_drafts_are_fuzzy_attributed_and_shown_as_draft(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    configure(sample_repo, libre_config(server.url))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "13 of 13 untranslated units drafted" in result.stdout
    for e in entries(sample_repo, "en", POTASH):
        assert e.fuzzy and e.msgstr.startswith("[en] ")
        assert "machine translation: libre" in e.comment
    status = json.loads(cli(sample_repo, "status", POTASH, "--lang", "en", "--json").stdout)
    assert status["translations"][0]["state"] == "draft"
    markdown = (sample_repo / "content" / "en" / f"{POTASH}.md").read_text(encoding="utf-8")
    assert "[en] " in markdown


def test_a_second_run_sends_nothing(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    configure(sample_repo, libre_config(server.url))
    assert cli(sample_repo, "draft", POTASH, "--lang", "en").exit_code == 0
    sent = len(server.translate_requests)
    assert sent > 0
    assert cli(sample_repo, "draft", POTASH, "--lang", "en").exit_code == 0
    # Even with the drafts thrown away, the memory answers.
    for path in ("locale/en/2023-w12-potash-exports.po", "content/en/2023-w12-potash-exports.md"):
        (sample_repo / path).unlink()
    (sample_repo / "locale/en/.sync/2023-w12-potash-exports.json").unlink()
    result = cli(sample_repo, "draft", POTASH, "--lang", "en", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["drafted"] == 13 and report["from_memory"] == 13
    assert len(server.translate_requests) == sent


def test_identical_units_are_sent_once(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    configure(sample_repo, libre_config(server.url, extra="batch_size = 1"))
    text = (sample_repo / "content/be" / f"{POTASH}.md").read_text(encoding="utf-8")
    (sample_repo / "content/be" / f"{POTASH}.md").write_text(
        text + "\nАдзін і той жа абзац.\n\nАдзін і той жа абзац.\n"
    )
    assert cli(sample_repo, "draft", POTASH, "--lang", "en").exit_code == 0
    sent = [r["q"][0] for r in server.translate_requests]
    assert sent.count("Адзін і той жа абзац.") == 1
    assert len(sent) == len(set(sent))


def test_human_work_is_never_overwritten(sample_repo: Path, cli: CliFn) -> None:
    before = {(e.msgctxt, e.msgid): (e.msgstr, e.fuzzy) for e in entries(sample_repo, "en", GREAT_STONE) if e.msgstr}
    draft_before = {(e.msgctxt, e.msgid): e.msgstr for e in entries(sample_repo, "be", "2023-w12-tactical-nuclear")}
    result = cli(sample_repo, "draft", "--engine", "fake")
    assert result.exit_code == 0, result.stderr
    after = {(e.msgctxt, e.msgid): (e.msgstr, e.fuzzy) for e in entries(sample_repo, "en", GREAT_STONE)}
    for key, value in before.items():
        assert after[key] == value
    assert sum(1 for v in after.values() if v[0].startswith("[en] ")) == 12
    assert {(e.msgctxt, e.msgid): e.msgstr for e in entries(sample_repo, "be", "2023-w12-tactical-nuclear")} == (
        draft_before
    )
    stale = [e for e in entries(sample_repo, "be", "2023-w10-price-controls") if e.previous_msgid]
    assert stale and all(not e.msgstr.startswith("[") for e in stale)


def test_dry_run_sends_nothing_and_changes_nothing(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    configure(sample_repo, libre_config(server.url))
    before = snapshot(sample_repo)
    result = cli(sample_repo, "draft", "--lang", "en", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert not server.translate_requests
    assert snapshot(sample_repo) == before
    line = next(x for x in result.stdout.splitlines() if x.startswith("libre"))
    units, chars = line.split()[1:3]
    assert int(units) == 13 and int(chars) > 1000
    data = json.loads(cli(sample_repo, "draft", "--lang", "en", "--dry-run", "--json").stdout)
    assert data["engines"][0]["engine"] == "libre" and data["engines"][0]["units"] == 13
    assert data["unroutable"] == 12  # great-stone's ru>en units: the shipped route is the memory alone


def test_dry_run_names_units_no_engine_would_get(sample_repo: Path, cli: CliFn) -> None:
    # The shipped routes to English are the translation memory alone, which holds nothing for these units.
    result = cli(sample_repo, "draft", "--lang", "en", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "25 untranslated units" in result.stdout
    assert "25 of them would stay untranslated" in result.stdout
    data = json.loads(cli(sample_repo, "draft", "--lang", "en", "--dry-run", "--json").stdout)
    assert data["untranslated"] == 25 and data["unroutable"] == 25 and data["engines"] == []


def test_pivot_goes_through_russian(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    configure(sample_repo, libre_config(server.url, '"be>en" = ["libre via ru"]\n"be>ru" = ["libre"]'))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    legs = {(r["source"], r["target"]) for r in server.translate_requests}
    assert legs == {("be", "ru"), ("ru", "en")}
    e = entries(sample_repo, "en", POTASH)[0]
    assert e.msgstr.startswith("[en] [ru] ")
    assert "machine translation: libre via ru (be>ru by libre)" in e.comment


def test_engine_option_pivots_where_the_engine_lacks_the_pair(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    server.behaviour.languages = ("ru", "en")
    configure(sample_repo, libre_config(server.url, '"be>ru" = ["fake"]'))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en", "--engine", "libre")
    assert result.exit_code == 0, result.stderr
    assert {(r["source"], r["target"]) for r in server.translate_requests} == {("ru", "en")}
    assert "libre via ru (be>ru by fake)" in entries(sample_repo, "en", POTASH)[0].comment


def test_403_names_the_variable_and_the_key_leaks_nowhere(
    sample_repo: Path, cli: CliFn, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", KEY)
    server.behaviour.fail_first, server.behaviour.status = 1000, 403
    configure(sample_repo, libre_config(server.url, extra="workers = 1"))
    result = cli(sample_repo, "draft", "--lang", "en")
    assert result.exit_code == 1
    assert "LIBRETRANSLATE_API_KEY" in result.stderr
    assert len(server.translate_requests) == 1  # stopped at once, no retries
    assert server.translate_requests[0]["api_key"] == KEY  # the key was sent, to the server only
    assert KEY not in result.stdout + result.stderr
    for path in sample_repo.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_retries_recover_every_unit(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    server.behaviour.fail_first, server.behaviour.status, server.behaviour.retry_after = 3, 429, "0"
    configure(sample_repo, libre_config(server.url, extra="batch_size = 1\nworkers = 2"))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["drafted"] == 13 and not report["failures"]
    assert report["engines"][0]["retries"] == 3


def test_a_hanging_server_is_reported_within_the_deadline(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    server.behaviour.hang = True
    configure(sample_repo, libre_config(server.url, extra="timeout = 0.5\nretries = 1"))
    before = snapshot(sample_repo)
    start = time.monotonic()
    result = cli(sample_repo, "draft", POTASH, "--lang", "en")
    assert time.monotonic() - start < 10
    assert result.exit_code == 1
    assert f"content/be/{POTASH}.md:2: {POTASH} en: not drafted: libre: no answer" in result.stderr
    assert snapshot(sample_repo) == before


def test_failed_units_are_reported_and_the_rest_saved(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    def refuse_potash(body: dict[str, object]) -> tuple[int, object] | None:
        q = body["q"]
        assert isinstance(q, list)
        return (400, {"error": "refused"}) if "калі" in q[0] else None

    server.behaviour.custom = refuse_potash
    configure(sample_repo, libre_config(server.url, extra="batch_size = 1"))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if "not drafted" in line]
    drafted = [e for e in entries(sample_repo, "en", POTASH) if e.msgstr]
    assert failed and drafted
    assert len(failed) + len(drafted) == 13
    assert all("HTTP 400" in line for line in failed)


def test_a_draft_that_lost_its_markup_is_not_written(sample_repo: Path, cli: CliFn, server: Loopback) -> None:
    def drop_placeholders(body: dict[str, object]) -> tuple[int, object] | None:
        q = body["q"]
        assert isinstance(q, list)
        return 200, {"translatedText": [t.replace("⟦1⟧", "") for t in q]}

    server.behaviour.custom = drop_placeholders
    configure(sample_repo, libre_config(server.url))
    result = cli(sample_repo, "draft", POTASH, "--lang", "en")
    assert result.exit_code == 1
    assert "lost inline Markdown" in result.stderr
    for e in entries(sample_repo, "en", POTASH):
        assert not e.msgstr or e.msgstr.count("*") == e.msgid.count("*")


def test_ctrl_c_saves_what_is_done(sample_repo: Path, cli: CliFn, monkeypatch: pytest.MonkeyPatch) -> None:
    from trilingual.engines.fake import FakeEngine

    calls = []
    original = FakeEngine.translate_batch

    def interrupted(self: FakeEngine, texts: list[str], source: str, target: str) -> object:
        calls.append(texts)
        if len(calls) > 4:
            raise KeyboardInterrupt
        return original(self, texts, source, target)

    monkeypatch.setattr(FakeEngine, "translate_batch", interrupted)
    configure(sample_repo, "[engines.fake]\nbatch_size = 1\nworkers = 1\n")
    result = cli(sample_repo, "draft", POTASH, "--lang", "en", "--engine", "fake")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    drafted = [e for e in entries(sample_repo, "en", POTASH) if e.msgstr]
    assert len(drafted) == 4


def test_apertium_drafts_belarusian_offline(sample_repo: Path, cli: CliFn) -> None:
    need("apertium")
    need("cg-proc")
    slug = "2023-w10-border-crossings"  # a Russian original
    for path in (f"content/be/{slug}.md", f"locale/be/{slug}.po", f"locale/be/.sync/{slug}.json"):
        (sample_repo / path).unlink()
    result = cli(sample_repo, "draft", slug, "--lang", "be")  # the default route: tm, apertium
    # Apertium generates nothing for a few words (the table's "закрыт"): those units are
    # reported, never written as empty translations; every other unit is drafted.
    failed = [line for line in result.stderr.splitlines() if "not drafted" in line]
    assert result.exit_code == (1 if failed else 0)
    assert all("apertium returned an empty translation" in line for line in failed)
    all_entries = entries(sample_repo, "be", slug)
    drafted = [e for e in all_entries if e.msgstr]
    assert len(drafted) + len(failed) == len(all_entries) and len(drafted) > len(all_entries) // 2
    assert all(e.fuzzy and "machine translation: apertium" in e.comment for e in drafted)
    assert not any("*" in e.msgstr and "*" not in e.msgid for e in drafted)
    assert any("apertium did not know:" in e.comment for e in drafted)
    assert drafted[0].msgstr == "Напружванне на заходняй мяжы"  # it really translated
    assert sum(e.msgstr != e.msgid for e in drafted) > len(drafted) // 2


def test_bad_route_is_an_input_error(sample_repo: Path, cli: CliFn) -> None:
    configure(sample_repo, '[routes]\n"ru>be" = ["tm", "babelfish"]\n')
    before = snapshot(sample_repo)
    result = cli(sample_repo, "draft", "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr.startswith("trilingual.toml:")
    assert "babelfish" in result.stderr
    assert snapshot(sample_repo) == before


def test_engines_command_lists_every_engine_without_keys(
    sample_repo: Path, cli: CliFn, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", KEY)
    configure(sample_repo, libre_config(server.url))
    result = cli(sample_repo, "engines", "--json")
    assert result.exit_code == 0
    assert KEY not in result.stdout
    data = {e["name"]: e for e in json.loads(result.stdout)["engines"]}
    assert {"google", "deepl", "microsoft", "libre", "mymemory", "yandex", "apertium", "tm"} <= set(data)
    assert data["libre"]["ready"] and "be>en" in data["libre"]["pairs"]
    assert data["deepl"]["ready"] and data["deepl"]["key_env"] == "DEEPL_API_KEY"
    assert not data["yandex"]["ready"] and "YANDEX_API_KEY" in data["yandex"]["detail"]
    text = cli(sample_repo, "engines").stdout
    assert text.startswith("ENGINE") and KEY not in text
