"""Releasing an edition: the gate, the bundle, its manifest and archive, and `verify`.

The bundle is built in memory from the repository alone (no clock, no local
path, no environment), so the same repository gives the same bytes on any
machine; only then is it put in place as a whole, and the translations it
published are recorded under `releases/`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import tarfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from trilingual import __version__
from trilingual.cache import Cache
from trilingual.config import RELEASES_DIR, Config
from trilingual.errors import InputError, UsageError
from trilingual.files import read_file, replace_folder, repository_lock, write_if_changed
from trilingual.repository import Briefing, Repository, Selection, field_line, front_matter_of, scan
from trilingual.sitecatalog import Untranslated
from trilingual.status import FINISHED, State, TranslationStatus, collect, comma_list

ALLOWABLE = ("missing", "partial", "stale", "draft")
MANIFEST = "manifest.json"
ARCHIVE_SUFFIX = ".tar.gz"
DEFAULT_OUTPUT = "dist"
MANIFEST_SCHEMA = 1

_EDITION = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")
# A slug becomes a file name in the bundle: plain ASCII, no folder, no dot at the start.
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class Blocker:
    slug: str
    lang: str
    state: str
    detail: str

    def __str__(self) -> str:
        return f"{self.slug} {self.lang}: {self.state}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class BundleFile:
    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class ReleaseResult:
    edition: str
    blocking: tuple[Blocker, ...]
    allowed: tuple[Blocker, ...]  # let through by --allow, each page carrying a notice
    untranslated: tuple[Untranslated, ...]  # UI strings a page would show in English
    files: tuple[BundleFile, ...] = ()
    archive: str = ""
    record: str = ""  # repository-relative published record
    record_changed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.blocking and not self.untranslated


def check_edition(edition: str) -> str:
    if not _EDITION.match(edition):
        raise UsageError(f"invalid edition {edition!r} (an ISO week such as 2023-W09)")
    return edition


def parse_allow(values: Iterable[str]) -> frozenset[str]:
    allowed = comma_list(values)
    for part in allowed:
        if part not in ALLOWABLE:
            raise UsageError(f"--allow takes {', '.join(ALLOWABLE)}; not {part!r}")
    return frozenset(allowed)


def gate(rows: list[TranslationStatus], allow: frozenset[str]) -> tuple[list[Blocker], list[Blocker]]:
    """(blocking, allowed): the translations that are not finished, split by --allow."""
    blocking, allowed = [], []
    for r in rows:
        if r.state in FINISHED and not r.conflicts:
            continue
        detail = f"{r.units.done}/{r.units.total} segments"
        if r.stale:
            detail += f", {r.stale} stale"
        if r.fuzzy - r.stale:
            detail += f", {r.fuzzy - r.stale} unreviewed"
        if r.conflicts:
            # A conflict is two human texts for one passage: no option publishes one of them blindly.
            blocking.append(Blocker(r.slug, r.lang, r.state.value, detail + f", {r.conflicts} conflicts"))
        elif r.state.value in allow:
            allowed.append(Blocker(r.slug, r.lang, r.state.value, detail))
        else:
            blocking.append(Blocker(r.slug, r.lang, r.state.value, detail))
    return blocking, allowed


def release(
    config: Config,
    edition: str,
    output: Path | None = None,
    allow: frozenset[str] = frozenset(),
    dry_run: bool = False,
) -> ReleaseResult:
    from trilingual import sitecatalog

    check_edition(edition)
    out = (output if output is not None else config.root / DEFAULT_OUTPUT).absolute()
    _check_output(config, out)
    with repository_lock(config.root):
        cache = Cache(config.root)
        repo = scan(config, cache)
        rows = collect(config, Selection(edition=edition), cache, repo)
        cache.save()
        if not rows:
            raise UsageError(f"no briefings in edition {edition}")
        blocking, allowed = gate(rows, allow)
        template = sitecatalog.extract(config)
        missing_ui = [u for lang in config.languages for u in sitecatalog.untranslated(config, lang, template)]
        if blocking or missing_ui:
            return ReleaseResult(edition, tuple(blocking), tuple(allowed), tuple(missing_ui), dry_run=dry_run)
        bundle = build(config, repo, edition, rows, cache)
        archive_name = edition + ARCHIVE_SUFFIX
        files = dict(bundle.files)
        files[MANIFEST] = bundle.manifest
        files[archive_name] = archive(edition, files, bundle.mtime)
        record_path = config.root / RELEASES_DIR / f"{edition}.json"
        record = published_record(edition, bundle.published)
        record_changed = read_file(record_path) != record
        if not dry_run:
            try:
                replace_folder(out, files)
            except ValueError as exc:
                raise UsageError(f"{out}: {exc}") from None
            write_if_changed(record_path, record)
    return ReleaseResult(
        edition,
        (),
        tuple(allowed),
        (),
        bundle.listed,
        archive_name,
        config.relative(record_path),
        record_changed,
        dry_run,
    )


def _check_output(config: Config, out: Path) -> None:
    """The bundle folder is replaced as a whole: never let that be anything but a bundle."""
    root = config.root.resolve()
    real = out.resolve()
    if real == root or root.is_relative_to(real):
        raise UsageError(f"{out}: the output folder would contain the content repository")
    for name in ("content", "locale", "templates", RELEASES_DIR, ".git"):
        if real.is_relative_to(root / name):
            raise UsageError(f"{out}: the output folder must not be inside the repository's {name}/")
    if real.exists() and (not real.is_dir() or (any(real.iterdir()) and not (real / MANIFEST).is_file())):
        raise UsageError(f"{out}: exists and is not a release bundle (no {MANIFEST}); choose another folder")


# --- the bundle ----------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One briefing in one language, as a page shows it."""

    slug: str
    lang: str  # the language of its text
    state: str  # of this language's translation (source for the original)
    title: str
    lede: str
    body: str
    source_revision: str


@dataclass(frozen=True)
class Bundle:
    files: dict[str, bytes]
    manifest: bytes
    mtime: int
    published: tuple[tuple[str, str, str], ...]  # (slug, lang, source revision) of finished translations
    listed: tuple[BundleFile, ...]  # `files` as the manifest lists them


def read_document(path: Path, data: bytes, slug: str, lang: str, state: str) -> Document:
    text, front = front_matter_of(data, path)
    return Document(
        slug=slug,
        lang=lang,
        state=state,
        title=str(front.data.get("title", "")),
        lede=str(front.data.get("lede", "")),
        # front.end counts in the text as the front matter was parsed: LF line endings, no BOM.
        body=text.replace("\r\n", "\n").removeprefix("\ufeff")[front.end :],
        source_revision=str(front.data.get("source_revision") or ""),
    )


def documents(config: Config, briefing: Briefing, states: dict[str, str], cache: Cache) -> dict[str, Document]:
    """The text of a briefing in each language that has one (a missing translation has none)."""
    from trilingual.status import settled
    from trilingual.sync import gather, plan

    out = {}
    for lang in config.languages:
        state = states.get(lang, State.MISSING.value)
        if lang == briefing.original:
            doc = read_document(briefing.source.path, briefing.source.data or b"", briefing.slug, lang, state)
            out[lang] = replace(doc, source_revision=briefing.info.revision)
            continue
        if state == State.MISSING.value:
            continue
        # What the catalog holds, even if `update` was not run: the file itself when the last
        # update left exactly these inputs (its no-op record), otherwise a fresh plan.
        inputs = gather(config, briefing, lang)
        known = settled(config, cache, inputs)
        if known is not None and not known and inputs.markdown.data is not None:
            markdown: bytes | None = inputs.markdown.data
        else:
            markdown = plan(config, briefing, lang, inputs).markdown_bytes
        if markdown is None:
            continue
        out[lang] = read_document(briefing.translations[lang].path, markdown, briefing.slug, lang, state)
    return out


def _check_briefing(config: Config, briefing: Briefing, labels: Any) -> None:
    path = briefing.source.path
    if not _SLUG.match(briefing.slug):
        raise InputError(
            config.relative(path), 1, f"slug {briefing.slug!r} cannot name a page (use letters, digits, '-', '_')"
        )
    for name, known in (("section", labels.sections), ("situation", labels.situations)):
        value = getattr(briefing.info, name)
        if value not in known:
            _, front = front_matter_of(briefing.source.data or b"", path)
            raise InputError(
                config.relative(path),
                field_line(front, name),
                f"unknown {name} {value!r} (the site's templates know: {', '.join(known)})",
            )


def build(config: Config, repo: Repository, edition: str, rows: list[TranslationStatus], cache: Cache) -> Bundle:
    from trilingual import sitecatalog
    from trilingual.rendering import environment

    briefings = repo.select(edition=edition)
    states: dict[str, dict[str, str]] = {}
    for r in rows:
        # An earlier release of the same edition must not change what this one writes.
        state = State.COMPLETE if r.state == State.PUBLISHED else r.state
        states.setdefault(r.slug, {})[r.lang] = state.value
    starts = [b.info.period_start for b in briefings if b.info.period_start]
    ends = [b.info.period_end for b in briefings if b.info.period_end]
    start, end = min(starts), max(ends)
    mtime = int(dt.datetime.combine(end, dt.time(), dt.UTC).timestamp())
    base_url = _base_url(config)

    envs = {lang: environment(config, lang, sitecatalog.translations(config, lang)) for lang in config.languages}
    labels = {lang: env.get_template("_labels.html").module for lang, env in envs.items()}
    for b in briefings:
        _check_briefing(config, b, labels[config.languages[0]])
    docs = {b.slug: documents(config, b, states.get(b.slug, {}), cache) for b in briefings}

    files: dict[str, bytes] = {}
    style = envs[config.languages[0]].get_template("style.css").render()
    files["style.css"] = style.encode("utf-8")
    edition_info = {"id": edition, "start": start, "end": end}
    published = []
    for b in briefings:
        for lang, doc in docs[b.slug].items():
            if doc.state in {s.value for s in FINISHED}:
                published.append((b.slug, lang, b.info.revision))

    for lang in config.languages:
        env = envs[lang]
        items: list[dict[str, Any]] = []
        for b in briefings:
            own = docs[b.slug].get(lang)
            doc = own or docs[b.slug][b.original]
            page = f"{doc.lang}/{b.slug}.html"
            items.append(
                {
                    "slug": b.slug,
                    "lang": doc.lang,
                    "state": states.get(b.slug, {}).get(lang, State.MISSING.value),
                    "title": doc.title,
                    "lede": doc.lede,
                    "body": doc.body,
                    "section": b.info.section,
                    "situation": b.info.situation,
                    "authors": list(b.info.authors),
                    "href": _relative(page, f"{lang}/index.html"),
                    "link": _link(base_url, page, f"{lang}/newsletter.html"),
                    "page": page,
                }
            )
        common = {"lang": lang, "edition": edition_info, "root": "../"}
        index = f"{lang}/index.html"
        files[index] = _render(
            env,
            "edition.html",
            common,
            items=items,
            **_links(base_url, index, [f"{other}/index.html" for other in config.languages]),
        )
        for item in items:
            if item["lang"] != lang:
                continue  # a missing translation: the edition links to the original instead
            page = item["page"]
            others = [f"{other}/{item['slug']}.html" for other in config.languages if other in docs[item["slug"]]]
            files[page] = _render(env, "briefing.html", common, item=item, **_links(base_url, page, others))
        letter = f"{lang}/newsletter.html"
        letter_context = {"items": items, "edition_link": _link(base_url, index, letter)}
        files[letter] = _render(env, "newsletter.html", common, **letter_context)
        files[f"{lang}/newsletter.txt"] = _render(env, "newsletter.txt", common, **letter_context)
        files[f"{lang}/feed.atom"] = feed(config, lang, edition, end, items, labels[lang], base_url)

    briefing_info = []
    for b in briefings:
        translations = {}
        for lang in config.languages:
            made = docs[b.slug].get(lang)
            translations[lang] = {
                "state": states.get(b.slug, {}).get(lang, State.MISSING.value),
                "source_revision": made.source_revision if made else None,
                "page": f"{lang}/{b.slug}.html" if made else None,
            }
        briefing_info.append(
            {
                "slug": b.slug,
                "original": b.original,
                "section": b.info.section,
                "situation": b.info.situation,
                "source_revision": b.info.revision,
                "translations": translations,
            }
        )
    listed = tuple(BundleFile(p, len(d), hashlib.sha256(d).hexdigest()) for p, d in sorted(files.items()))
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "tool": {"name": "trilingual", "version": __version__},
        "project": config.name,
        "edition": edition,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "languages": list(config.languages),
        "briefings": briefing_info,
        "files": [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in listed],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return Bundle(files, manifest_bytes, mtime, tuple(published), listed)


def _render(env: Any, name: str, common: dict[str, Any], **context: Any) -> bytes:
    return str(env.get_template(name).render(**common, **context)).encode("utf-8")


def _base_url(config: Config) -> str:
    """The address the bundle is served from ([release] base_url), for canonical links and feeds."""
    table = config.settings.get("release", {})
    value = table.get("base_url", "") if isinstance(table, dict) else ""
    if not isinstance(value, str):
        raise InputError(config.relative(config.path), 1, "release.base_url must be text")
    return value.rstrip("/") + "/" if value else ""


def _links(base_url: str, page: str, versions: list[str]) -> dict[str, Any]:
    """Canonical and hreflang links (absolute under base_url), and the language switcher (always relative)."""
    return {
        "canonical": _link(base_url, page, page),
        "alternates": [{"lang": v.split("/")[0], "href": _link(base_url, v, page)} for v in versions],
        "switcher": [{"lang": v.split("/")[0], "href": _relative(v, page)} for v in versions],
    }


def _relative(target: str, page: str) -> str:
    """A link from one bundle file to another, relative so the bundle works from any folder."""
    t, p = PurePosixPath(target), PurePosixPath(page)
    if t.parent == p.parent:
        return t.name
    return "../" * len(p.parent.parts) + target


def _link(base_url: str, target: str, page: str) -> str:
    return base_url + target if base_url else _relative(target, page)


def feed(
    config: Config,
    lang: str,
    edition: str,
    end: dt.date,
    items: list[dict[str, Any]],
    labels: Any,
    base_url: str,
) -> bytes:
    """An Atom feed of the edition's briefings in one language, with ids that never change."""
    from feedgen.feed import FeedGenerator

    from trilingual.rendering import markdown_html, plain

    updated = dt.datetime.combine(end, dt.time(), dt.UTC)
    path = f"{lang}/feed.atom"
    fg = FeedGenerator()
    fg.id(_stable_id(config, f"feed/{lang}"))
    fg.title(f"{labels.site_title} · {edition}")
    fg.language(lang)
    fg.updated(updated)
    fg.author({"name": config.name})
    fg.generator("trilingual")
    fg.link(href=_link(base_url, path, path), rel="self")
    fg.link(href=_link(base_url, f"{lang}/index.html", path), rel="alternate")
    for item in items:
        if item["lang"] != lang:
            continue
        fe = fg.add_entry(order="append")
        fe.id(_stable_id(config, f"briefing/{item['slug']}/{lang}"))
        fe.title(plain(item["title"]))
        fe.link(href=_link(base_url, item["page"], path))
        fe.summary(plain(item["lede"]))
        fe.content(markdown_html(item["body"]), type="html")
        fe.updated(updated)
        fe.published(updated)
        for name in item["authors"]:
            fe.author({"name": name})
        fe.category(term=item["section"], label=str(labels.sections[item["section"]]))
    data: bytes = fg.atom_str(pretty=True)
    return data


def _stable_id(config: Config, key: str) -> str:
    # Derived from the project and the briefing, never from the address or the time of a release.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"trilingual:{config.name}:{key}").urn


def archive(edition: str, files: dict[str, bytes], mtime: int) -> bytes:
    """A .tar.gz that depends on the files alone: sorted entries, one date, no owner, no machine."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        folders = sorted({str(p) for name in files for p in PurePosixPath(name).parents if str(p) != "."})
        for folder in folders:
            info = _tar_info(f"{edition}/{folder}", mtime)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)
        for name in sorted(files):
            data = files[name]
            info = _tar_info(f"{edition}/{name}", mtime)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _tar_info(name: str, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime = mtime
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def published_record(edition: str, published: Iterable[tuple[str, str, str]]) -> bytes:
    """releases/<EDITION>.json: what `status` reads to show `published` (stable: no dates)."""
    data = {
        "edition": edition,
        "translations": [
            {"slug": slug, "lang": lang, "source_revision": rev} for slug, lang, rev in sorted(set(published))
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- verify --------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    target: str
    edition: str
    checked: int
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def verify(target: Path) -> VerifyResult:
    """Check a bundle folder or archive against its manifest."""
    if target.is_dir():
        return _verify_folder(target)
    if target.is_file():
        return _verify_archive(target)
    raise UsageError(f"{target}: no such bundle folder or archive")


def _manifest(data: bytes | None, where: str) -> dict[str, Any]:
    if data is None:
        raise InputError(where, None, f"no {MANIFEST}: not a release bundle")
    try:
        manifest = json.loads(data.decode("utf-8"))
        files = manifest["files"]
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            raise TypeError("files must be a list")
        for f in files:
            str(f["path"]), int(f["bytes"]), str(f["sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(where, 1, f"damaged manifest: {exc}") from None
    return dict(manifest)


def _compare(manifest: dict[str, Any], found: dict[str, bytes], extra_ok: set[str]) -> list[Mismatch]:
    out = []
    listed = set()
    for entry in manifest["files"]:
        name = str(entry["path"])
        listed.add(name)
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            out.append(Mismatch(name, "unsafe path in the manifest"))
            continue
        data = found.get(name)
        if data is None:
            out.append(Mismatch(name, "missing"))
        elif len(data) != int(entry["bytes"]):
            out.append(Mismatch(name, f"{len(data)} bytes, the manifest says {entry['bytes']}"))
        elif hashlib.sha256(data).hexdigest() != entry["sha256"]:
            out.append(Mismatch(name, "sha256 differs from the manifest"))
    for name in sorted(set(found) - listed - extra_ok):
        out.append(Mismatch(name, "not in the manifest"))
    return out


def _verify_folder(folder: Path) -> VerifyResult:
    manifest = _manifest(read_file(folder / MANIFEST), str(folder / MANIFEST))
    edition = str(manifest.get("edition", ""))
    archive_name = edition + ARCHIVE_SUFFIX
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    mismatches = _compare(manifest, found, {MANIFEST, archive_name})
    if archive_name in found:
        members = _archive_members(folder / archive_name, found[archive_name])
        inner = _check_archive(folder / archive_name, members)
        mismatches += [Mismatch(f"{archive_name}:{m.path}", m.problem) for m in inner.mismatches]
        if found.get(MANIFEST) != members.get(MANIFEST):
            mismatches.append(Mismatch(archive_name, f"holds another {MANIFEST} than the folder"))
    return VerifyResult(str(folder), edition, len(manifest["files"]), tuple(mismatches))


def _archive_members(path: Path, data: bytes | None = None) -> dict[str, bytes]:
    """The archive's files by bundle path (`data`: its bytes, when they were read already)."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:*", fileobj=io.BytesIO(data) if data is not None else None) as tar:
            for info in tar.getmembers():
                if not info.isfile():
                    continue
                handle = tar.extractfile(info)
                if handle is None:
                    continue
                name = PurePosixPath(info.name)
                # Entries sit under one folder named after the edition.
                inner = PurePosixPath(*name.parts[1:]).as_posix() if len(name.parts) > 1 else name.as_posix()
                members[inner] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(str(path), None, f"cannot read the archive: {exc}") from None
    return members


def _verify_archive(path: Path) -> VerifyResult:
    return _check_archive(path, _archive_members(path))


def _check_archive(path: Path, members: dict[str, bytes]) -> VerifyResult:
    manifest = _manifest(members.get(MANIFEST), f"{path}:{MANIFEST}")
    mismatches = _compare(manifest, members, {MANIFEST})
    return VerifyResult(str(path), str(manifest.get("edition", "")), len(manifest["files"]), tuple(mismatches))
