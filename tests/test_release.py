"""`release` and `verify` on copies of the shipped sample repository."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest

from tests.conftest import ROOT, CliFn, snapshot
from trilingual import __version__
from trilingual.repository import revision

LANGS = ("be", "ru", "en")
W09 = ("2023-w09-airfield-attack", "2023-w09-china-visit", "2023-w09-january-economy")
ORIGINALS = {"2023-w09-airfield-attack": "ru", "2023-w09-china-visit": "be", "2023-w09-january-economy": "en"}
BASE_URL = "https://briefings.example.org/"
HTML_NS = "{http://www.w3.org/1999/xhtml}"


def release(cli: CliFn, repo: Path, *args: str) -> tuple[int, str, str]:
    result = cli(repo, "release", *args)
    return result.exit_code, result.stdout, result.stderr


def bundle_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def spaced(path: Path) -> str:
    """A page's text with CLDR's no-break spaces (2023\u202fг.) read as plain spaces."""
    return path.read_text().replace("\u202f", " ").replace("\u00a0", " ")


def copy_repo(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy(ROOT / "trilingual.toml", target / "trilingual.toml")
    for folder in ("content", "locale"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


# --- the gate ---------------------------------------------------------------------


def test_gate_refuses_an_unfinished_edition_and_writes_nothing(sample_repo: Path, cli: CliFn) -> None:
    before = snapshot(sample_repo)
    code, out, err = release(cli, sample_repo, "2023-W12")
    assert code == 1
    assert out.splitlines() == [
        "2023-w12-great-stone en: partial (15/27 segments)",
        "2023-w12-potash-exports en: missing (0/13 segments)",
        "2023-w12-tactical-nuclear be: draft (10/14 segments, 4 unreviewed)",
    ]
    assert "refused" in err and "3 translations not finished" in err
    assert snapshot(sample_repo) == before
    assert not (sample_repo / "dist").exists()


def test_gate_json_lists_each_blocking_translation(sample_repo: Path, cli: CliFn) -> None:
    code, out, _ = release(cli, sample_repo, "2023-W10", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["schema"] == 1 and data["ok"] is False
    assert {(b["slug"], b["lang"], b["state"]) for b in data["blocking"]} == {
        ("2023-w10-price-controls", "be", "stale"),
        ("2023-w10-price-controls", "en", "stale"),
    }
    assert data["files"] == []


def test_allow_lets_named_states_through_with_a_notice_in_the_page_language(sample_repo: Path, cli: CliFn) -> None:
    code, _, err = release(cli, sample_repo, "2023-W12", "--allow", "missing,partial", "--allow", "draft")
    assert code == 0, err
    assert "notice: 2023-w12-great-stone en: partial" in err
    dist = sample_repo / "dist"
    great_stone = (dist / "en" / "2023-w12-great-stone.html").read_text()
    assert "This translation is not finished" in great_stone
    nuclear = (dist / "be" / "2023-w12-tactical-nuclear.html").read_text()
    assert "Гэты пераклад — чарнавік" in nuclear
    # A missing translation has no page: the edition links to the original, marked as such.
    assert not (dist / "en" / "2023-w12-potash-exports.html").exists()
    edition = (dist / "en" / "index.html").read_text()
    assert 'href="../be/2023-w12-potash-exports.html"' in edition
    assert "Not translated yet: the link leads to the original." in edition
    # Finished pages carry no notice.
    assert "notice" not in (dist / "ru" / "2023-w12-great-stone.html").read_text().split("<main>")[1]
    # Only finished translations are recorded as published.
    record = json.loads((sample_repo / "releases" / "2023-W12.json").read_text())
    recorded = {(t["slug"], t["lang"]) for t in record["translations"]}
    assert ("2023-w12-great-stone", "be") in recorded
    assert ("2023-w12-great-stone", "en") not in recorded
    assert ("2023-w12-potash-exports", "en") not in recorded


def test_allow_of_one_state_still_refuses_the_others(sample_repo: Path, cli: CliFn) -> None:
    code, out, _ = release(cli, sample_repo, "2023-W12", "--allow", "partial")
    assert code == 1
    assert "2023-w12-great-stone" not in out
    assert "2023-w12-potash-exports en: missing" in out and "2023-w12-tactical-nuclear be: draft" in out
    assert not (sample_repo / "dist").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2023-09",), "invalid edition '2023-09'"),
        (("2023-W60",), "invalid edition"),
        (("2023-W30",), "no briefings in edition 2023-W30"),
        (("2023-W12", "--allow", "complete"), "--allow takes missing, partial, stale, draft"),
    ],
)
def test_usage_errors_exit_2(sample_repo: Path, cli: CliFn, args: tuple[str, ...], message: str) -> None:
    before = snapshot(sample_repo)
    code, _, err = release(cli, sample_repo, *args)
    assert code == 2
    assert message in err
    assert snapshot(sample_repo) == before


# --- the bundle ---------------------------------------------------------------------


def test_full_release_of_a_finished_edition(sample_repo: Path, cli: CliFn) -> None:
    code, out, err = release(cli, sample_repo, "2023-W09")
    assert code == 0, err
    assert out.startswith("wrote dist/: 22 files")
    assert "recorded releases/2023-W09.json" in out
    dist = sample_repo / "dist"
    files = bundle_files(dist)
    for lang in LANGS:
        for name in ("index.html", "feed.atom", "newsletter.html", "newsletter.txt", *(f"{s}.html" for s in W09)):
            assert f"{lang}/{name}" in files
    assert {"style.css", "manifest.json", "2023-W09.tar.gz"} <= set(files)

    manifest = json.loads(files["manifest.json"])
    assert manifest["edition"] == "2023-W09"
    assert manifest["tool"] == {"name": "trilingual", "version": __version__}
    assert manifest["period"] == {"start": "2023-02-27", "end": "2023-03-05"}
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "2023-W09.tar.gz"}
    for path, entry in listed.items():
        assert entry["bytes"] == len(files[path])
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest()
    for briefing in manifest["briefings"]:
        slug = briefing["slug"]
        source = (sample_repo / "content" / ORIGINALS[slug] / f"{slug}.md").read_bytes()
        assert briefing["original"] == ORIGINALS[slug]
        for lang in LANGS:
            made = briefing["translations"][lang]
            assert made["source_revision"] == revision(source)
            assert made["state"] == ("source" if lang == ORIGINALS[slug] else "complete")
            assert made["page"] == f"{lang}/{slug}.html"

    with tarfile.open(dist / "2023-W09.tar.gz") as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    assert names == {f"2023-W09/{p}" for p in files if p != "2023-W09.tar.gz"}


def test_pages_show_localized_periods_counts_and_the_briefing_anatomy(sample_repo: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    dist = sample_repo / "dist"
    be = spaced(dist / "be" / "index.html")
    assert "27 лютага – 5 сакавіка 2023 г." in be
    assert "3 брыфінгі ў гэтым выпуску" in be
    assert "Пытанні бяспекі" in be and "Сітуацыя пагоршылася" in be and "Чытаць далей" in be
    ru = spaced(dist / "ru" / "index.html")
    assert "27 февраля – 5 марта 2023 г." in ru and "3 брифинга в этом выпуске" in ru
    en = (dist / "en" / "index.html").read_text()
    assert "February 27 – March 5, 2023" in en and "3 briefings in this edition" in en

    page = spaced(dist / "ru" / "2023-w09-china-visit.html")
    order = [
        page.index('class="period">27 февраля – 5 марта 2023 г.'),
        page.index('class="section">Внешняя политика'),
        page.index("<h1>Визит Лукашенко в Китай</h1>"),
        page.index("Ситуация улучшилась"),
        page.index("Авторы: Mikhas Zhuk, Iryna Dzeraviaha"),
        page.index('class="lede">Поездка в Пекин'),
        page.index("<em>не находится в полной изоляции</em>"),
        page.index("<blockquote>"),
    ]
    assert order == sorted(order)
    single = (dist / "be" / "2023-w09-airfield-attack.html").read_text()
    assert "Аўтар: " in single or "Аўтары: " in single


def test_every_page_is_valid_html_and_every_internal_link_resolves(sample_repo: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    dist = sample_repo / "dist"
    files = bundle_files(dist)
    pages = [p for p in files if p.endswith(".html")]
    assert len(pages) == 3 * 5
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    for page in pages:
        tree = parser.parse(files[page])
        lang = page.split("/")[0]
        assert tree.get("lang") == lang, page
        for element in tree.iter():
            for attr in ("href", "src"):
                url = element.get(attr)
                if url is None:
                    continue
                target = _bundle_target(page, url)
                if target is None:
                    # Only the briefings' own links may leave the bundle.
                    assert element.tag == f"{HTML_NS}a" and attr == "href", (page, url)
                    continue
                assert target in files, (page, url)
        if page.endswith("newsletter.html"):
            continue
        links = {(e.get("rel"), e.get("hreflang")): e.get("href") for e in tree.iter(f"{HTML_NS}link")}
        assert links[("canonical", None)] == BASE_URL + page
        for other in LANGS:
            assert links[("alternate", other)] == BASE_URL + other + "/" + page.split("/", 1)[1]


def _bundle_target(page: str, url: str) -> str | None:
    """The bundle file a link points to, or None for a link to elsewhere."""
    if url.startswith(BASE_URL):
        return url[len(BASE_URL) :].split("#")[0]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path or PurePosixPath(page).name
    resolved = os.path.normpath((PurePosixPath(page).parent / path).as_posix())
    assert not resolved.startswith(".."), (page, url)
    return resolved


def test_the_newsletter_is_made_for_mail_clients(sample_repo: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    dist = sample_repo / "dist"
    for lang in LANGS:
        letter = (dist / lang / "newsletter.html").read_text()
        tree = html5lib.parse(letter, namespaceHTMLElements=False)
        assert tree.findall(".//script") == [] and tree.findall(".//style") == []
        assert tree.findall(".//link") == [] and tree.findall(".//img") == []
        assert "@import" not in letter and "url(" not in letter and "@font-face" not in letter
        assert tree.findall(".//table") and all(td.get("style") for td in tree.iter("td"))
        for a in tree.iter("a"):
            assert a.get("href", "").startswith(BASE_URL + lang + "/")
        text = (dist / lang / "newsletter.txt").read_text()
        assert "<" not in text and "*" not in text
        assert f"{BASE_URL}{lang}/2023-w09-china-visit.html" in text
    assert "Визит Лукашенко в Китай" in (dist / "ru" / "newsletter.txt").read_text()
    assert "3 брыфінгі" in (dist / "be" / "newsletter.txt").read_text()


def test_feeds_are_valid_atom_with_stable_ids(sample_repo: Path, tmp_path: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    other = copy_repo(tmp_path / "elsewhere" / "repo")
    assert release(cli, other, "2023-W09")[0] == 0
    for lang in LANGS:
        feed = feedparser.parse((sample_repo / "dist" / lang / "feed.atom").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.feed.language == lang
        assert len(feed.entries) == 3
        assert {e.link for e in feed.entries} == {f"{BASE_URL}{lang}/{s}.html" for s in W09}
        again = feedparser.parse((other / "dist" / lang / "feed.atom").read_bytes())
        assert [e.id for e in feed.entries] == [e.id for e in again.entries]
        assert feed.feed.id == again.feed.id
    ids = [e.id for lang in LANGS for e in feedparser.parse(sample_repo / "dist" / lang / "feed.atom").entries]
    assert len(set(ids)) == 9


# --- reproducible, verifiable ----------------------------------------------------------------


def test_two_runs_in_different_folders_give_a_byte_identical_archive(tmp_path: Path, cli: CliFn) -> None:
    one = copy_repo(tmp_path / "a" / "first")
    two = copy_repo(tmp_path / "b" / "deeper" / "second")
    assert release(cli, one, "2023-W09")[0] == 0
    assert release(cli, two, "2023-W09", "-o", str(tmp_path / "out"))[0] == 0
    first = (one / "dist" / "2023-W09.tar.gz").read_bytes()
    assert first == (tmp_path / "out" / "2023-W09.tar.gz").read_bytes()
    # A second release of the same repository (now with its published record) changes no byte.
    before = snapshot(one)
    assert release(cli, one, "2023-W09")[0] == 0
    assert snapshot(one) == before

    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members if m.isdir()) + sorted(
        m.name for m in members if m.isfile()
    )
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    assert {m.mtime for m in members} == {1677974400}  # the edition's last day, 2023-03-05
    assert first[4:8] == b"\0\0\0\0"  # no time in the gzip header either


def test_verify_accepts_the_bundle_and_names_a_changed_byte(sample_repo: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    dist = sample_repo / "dist"
    ok = cli(sample_repo, "verify", "dist")
    assert ok.exit_code == 0 and "22 files match the manifest of 2023-W09" in ok.stdout
    assert cli(sample_repo, "verify", "dist/2023-W09.tar.gz").exit_code == 0

    page = dist / "ru" / "2023-w09-china-visit.html"
    data = bytearray(page.read_bytes())
    data[500] ^= 0x01
    page.write_bytes(bytes(data))
    bad = cli(sample_repo, "verify", "dist")
    assert bad.exit_code == 1
    assert "ru/2023-w09-china-visit.html: sha256 differs from the manifest" in bad.stdout
    assert "ru/2023-w09-china-visit.html" not in cli(sample_repo, "verify", "dist/2023-W09.tar.gz").stdout

    (dist / "stray.html").write_text("<p>not released</p>")
    assert "stray.html: not in the manifest" in cli(sample_repo, "verify", "dist").stdout
    data_json = json.loads(cli(sample_repo, "verify", "dist", "--json").stdout)
    assert data_json["ok"] is False and len(data_json["mismatches"]) == 2


def test_verify_catches_a_changed_file_inside_the_archive(sample_repo: Path, tmp_path: Path, cli: CliFn) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    raw = gzip.decompress((sample_repo / "dist" / "2023-W09.tar.gz").read_bytes())
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(raw)) as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        for member in src.getmembers():
            payload = src.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if member.name.endswith("en/feed.atom") and payload is not None:
                payload = payload.replace(b"Belarus", b"Belarvs", 1)
            dst.addfile(member, io.BytesIO(payload) if payload is not None else None)
    tampered = tmp_path / "tampered.tar.gz"
    tampered.write_bytes(out.getvalue())
    result = cli(sample_repo, "verify", str(tampered))
    assert result.exit_code == 1
    assert "en/feed.atom: sha256 differs from the manifest" in result.stdout


def test_verify_of_something_that_is_not_a_bundle_is_an_input_error(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "verify", "content")
    assert result.exit_code == 2 and "no manifest.json" in result.stderr
    assert cli(sample_repo, "verify", "nowhere").exit_code == 2


# --- published state --------------------------------------------------------------------


def test_release_records_published_and_a_source_edit_makes_it_stale(sample_repo: Path, cli: CliFn) -> None:
    def states() -> dict[tuple[str, str], str]:
        rows = json.loads(cli(sample_repo, "status", "--edition", "2023-W09", "--json").stdout)["translations"]
        return {(r["slug"], r["lang"]): r["state"] for r in rows}

    assert set(states().values()) == {"source", "complete"}
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    record = json.loads((sample_repo / "releases" / "2023-W09.json").read_text())
    assert record["edition"] == "2023-W09" and len(record["translations"]) == 9
    after = states()
    assert {k: v for k, v in after.items() if v != "source"} == {
        (s, lang): "published" for s in W09 for lang in LANGS if lang != ORIGINALS[s]
    }

    source = sample_repo / "content" / "ru" / "2023-w09-airfield-attack.md"
    source.write_text(source.read_text().replace("Утром 26 февраля", "Рано утром 26 февраля"))
    edited = states()
    assert edited[("2023-w09-airfield-attack", "be")] == "stale"
    assert edited[("2023-w09-airfield-attack", "en")] == "stale"
    assert edited[("2023-w09-china-visit", "en")] == "published"


def test_dry_run_checks_and_builds_but_writes_nothing(sample_repo: Path, cli: CliFn) -> None:
    before = snapshot(sample_repo)
    code, out, _ = release(cli, sample_repo, "2023-W09", "--dry-run")
    assert code == 0
    assert out.startswith("would write dist/: 22 files") and "would record releases/2023-W09.json" in out
    assert snapshot(sample_repo) == before and not (sample_repo / "dist").exists()
    assert release(cli, sample_repo, "2023-W12", "--dry-run")[0] == 1


def test_json_output_of_a_release(sample_repo: Path, cli: CliFn) -> None:
    code, out, _ = release(cli, sample_repo, "2023-W09", "--json", "-o", "public")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] and data["archive"] == "2023-W09.tar.gz" and data["record"] == "releases/2023-W09.json"
    assert data["output"] == "public" and len(data["files"]) == 22
    assert (sample_repo / "public" / "manifest.json").is_file()


# --- secrets and safety --------------------------------------------------------------------


def test_no_secret_or_local_path_reaches_the_bundle(
    sample_repo: Path, cli: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {
        "DEEPL_API_KEY": "fake-secret-123",
        "GOOGLE_API_KEY": "fake-google-key-456",
        "LIBRETRANSLATE_API_KEY": "fake-libre-789",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    archive = (sample_repo / "dist" / "2023-W09.tar.gz").read_bytes()
    blobs = [gzip.decompress(archive), *bundle_files(sample_repo / "dist").values()]
    forbidden = [*secrets.values(), *secrets, str(sample_repo), str(sample_repo.parent), str(Path.home())]
    for blob in blobs:
        for needle in forbidden:
            assert needle.encode() not in blob, needle


def test_an_interrupted_release_leaves_the_previous_bundle_intact(
    sample_repo: Path, cli: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert release(cli, sample_repo, "2023-W09")[0] == 0
    before = bundle_files(sample_repo / "dist")
    (sample_repo / "content" / "ru" / "2023-w09-airfield-attack.md").write_text(
        (sample_repo / "content" / "ru" / "2023-w09-airfield-attack.md").read_text().replace("А-50", "A-50 (ДРЛО)")
    )

    def interrupted(paths: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("trilingual.files.flush_to_disk", interrupted)
    code, _, err = release(cli, sample_repo, "2023-W09", "--allow", "stale")
    assert code == 130 and "interrupted" in err
    assert bundle_files(sample_repo / "dist") == before
    assert sorted(p.name for p in sample_repo.iterdir() if p.name.startswith(".dist")) == []


@pytest.mark.parametrize("target", [".", "content", "locale/be", ".."])
def test_the_output_folder_cannot_be_the_repository_or_inside_its_sources(
    sample_repo: Path, cli: CliFn, target: str
) -> None:
    before = snapshot(sample_repo)
    code, _, err = release(cli, sample_repo, "2023-W09", "-o", target)
    assert code == 2, err
    assert snapshot(sample_repo) == before


def test_a_folder_that_is_not_a_bundle_is_never_replaced(sample_repo: Path, cli: CliFn) -> None:
    keep = sample_repo / "notes"
    keep.mkdir()
    (keep / "todo.txt").write_text("mine")
    code, _, err = release(cli, sample_repo, "2023-W09", "-o", "notes")
    assert code == 2 and "is not a release bundle" in err
    assert (keep / "todo.txt").read_text() == "mine"


def test_a_slug_that_cannot_name_a_page_is_refused(sample_repo: Path, cli: CliFn) -> None:
    source = sample_repo / "content" / "en" / "2023-w09-january-economy.md"
    shutil.copy(source, sample_repo / "content" / "en" / "..2023-w09-copy.md")
    before = snapshot(sample_repo)
    code, _, err = release(cli, sample_repo, "2023-W09", "--allow", "missing")
    assert code == 2
    assert err.startswith("content/en/..2023-w09-copy.md:1: slug '..2023-w09-copy' cannot name a page")
    assert snapshot(sample_repo) == before and not (sample_repo / "dist").exists()


def test_an_unknown_section_is_an_input_error_with_its_line(sample_repo: Path, cli: CliFn) -> None:
    source = sample_repo / "content" / "en" / "2023-w09-january-economy.md"
    source.write_text(source.read_text().replace("section: economy", "section: sport"))
    code, _, err = release(cli, sample_repo, "2023-W09", "--allow", "stale")
    assert code == 2
    assert err.strip() == (
        "content/en/2023-w09-january-economy.md:6: unknown section 'sport' "
        "(the site's templates know: security, foreign-policy, economy)"
    )


# --- templates --------------------------------------------------------------------------


def test_a_repository_template_overrides_the_shipped_one_and_text_is_escaped(sample_repo: Path, cli: CliFn) -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "trilingual" / "templates" / "briefing.html"
    own = sample_repo / "templates" / "briefing.html"
    own.parent.mkdir()
    own.write_text(package.read_text().replace('<article class="briefing">', '<article class="briefing house">'))
    source = sample_repo / "content" / "be" / "2023-w09-china-visit.md"
    source.write_text(source.read_text().replace("title: Візіт Лукашэнкі ў Кітай", 'title: "Візіт <script>x</script>"'))
    code, _, err = release(cli, sample_repo, "2023-W09", "--allow", "stale,partial")
    assert code == 0, err
    page = (sample_repo / "dist" / "be" / "2023-w09-china-visit.html").read_text()
    assert '<article class="briefing house">' in page
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
