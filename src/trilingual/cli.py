"""The command line: parse options, call the core, render its results.

Exit codes: 0 success; 1 a check or gate found problems (or a conflict was
kept); 2 usage or input error. Every reporting command has --json.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from trilingual import __version__
from trilingual.errors import InputError, TrilingualError

app = typer.Typer(
    name="trilingual",
    help=(
        "Keep briefings in Belarusian, Russian and English in step: catalogs, status, "
        "stale translations and diffs, machine drafts, translators' files, releases."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JSON_SCHEMA = 1

Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Slugs = Annotated[
    list[str] | None, typer.Argument(help="Briefing slugs (default: all).", show_default=False, metavar="[SLUG]...")
]
Langs = Annotated[
    list[str] | None,
    typer.Option("--lang", "-l", help="Only this language (repeatable).", show_default=False, metavar="LANG"),
]
States = Annotated[
    list[str] | None,
    typer.Option(
        "--state", "-s", help="Only this state (repeatable, or comma-separated).", show_default=False, metavar="STATE"
    ),
]
Edition = Annotated[
    str | None,
    typer.Option(
        "--edition", "-e", help="Only this edition (ISO week, e.g. 2023-W09).", show_default=False, metavar="WEEK"
    ),
]

_root_dir: Path = Path(".")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"trilingual {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    directory: Annotated[
        Path, typer.Option("--directory", "-C", help="Run as if started in this folder.", metavar="DIR")
    ] = Path("."),
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)
    ] = False,
) -> None:
    global _root_dir
    _root_dir = directory


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def reporting() -> Iterator[None]:
    """Turn the core's errors into one line on stderr and the documented exit code."""
    try:
        yield
    except InputError as exc:
        fail(f"{_shown(exc.path)}:{exc.line}: {exc.message}" if exc.line else f"{_shown(exc.path)}: {exc.message}")
    except TrilingualError as exc:
        fail(f"trilingual: {exc}", exc.exit_code)
    except KeyboardInterrupt:
        fail("trilingual: interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the folder the command runs in."""
    if path.is_absolute():
        base = _root_dir.resolve()
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def _selection(
    slugs: list[str] | None, lang: list[str] | None, edition: str | None = None, states: tuple[str, ...] = ()
) -> Any:
    """The briefings and languages a command's arguments select."""
    from trilingual.repository import Selection

    return Selection(tuple(slugs or ()), tuple(lang or ()), states, edition)


def _under_root(path: Path) -> Path:
    """A path the user typed, taken as relative to the folder given by -C (like git -C)."""
    return path if path.is_absolute() else _root_dir / path


def _config() -> Any:
    from trilingual.config import load_config

    return load_config(_root_dir)


def emit_json(data: dict[str, Any]) -> None:
    """Print a JSON document, "schema" first, then a field per line and each list item on a line of its own.

    A status of thousands of rows prints several times faster than with every
    level indented, and a row per line reads, greps and diffs well.
    """
    fields = []
    for key, value in {"schema": JSON_SCHEMA, **data}.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            fields.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            fields.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    typer.echo("{\n" + ",\n".join(fields) + "\n}")


def _table(headers: list[str], rows: list[list[str]], right: Collection[int] = ()) -> str:
    return "\n".join(_table_lines(headers, rows, right))


def _table_lines(headers: list[str], rows: list[list[str]], right: Collection[int] = ()) -> Iterator[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    # One format string for every row: a status table may have tens of thousands.
    fmt = "  ".join(f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths))
    yield fmt.format(*headers).rstrip()
    for r in rows:
        yield fmt.format(*r).rstrip()


def _echo_lines(lines: Iterable[str], chunk: int = 2000) -> None:
    """Print many lines a few thousand at a time: one write per line is slow, one string of all is big."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == chunk:
            typer.echo("\n".join(batch))
            batch.clear()
    if batch:
        typer.echo("\n".join(batch))


# --- init ------------------------------------------------------------------


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new content repository.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="Project name (default: the folder's name).")] = None,
    languages: Annotated[str, typer.Option(help="Comma-separated language codes.")] = "be,ru,en",
) -> None:
    """Create a content repository: trilingual.toml, content/ and locale/ folders."""
    from trilingual.scaffold import init as do_init

    with reporting():
        langs = tuple(x.strip() for x in languages.split(",") if x.strip())
        target = _under_root(directory)
        created = do_init(target, name, langs)
    for path in created:
        typer.echo(f"created {path.relative_to(target.resolve()) if path != target.resolve() else path}")
    typer.echo("Write briefings under content/<lang>/<slug>.md, then run 'trilingual update'.")


# --- update ----------------------------------------------------------------


@app.command()
def update(slugs: Slugs = None, lang: Langs = None, edition: Edition = None, as_json: Json = False) -> None:
    """Bring catalogs and translated Markdown in step with the originals.

    Hand edits to translated Markdown are taken into the catalogs as human
    translations; where the catalog changed the same unit too, both texts are
    kept and the conflict is reported (exit 1). A second run changes nothing.
    """
    from trilingual.updating import update as do_update

    with reporting():
        config = _config()
        report = do_update(config, _selection(slugs, lang, edition))
    if as_json:
        emit_json(
            {
                "translations": report.translations,
                "changed": report.changed,
                "written": list(report.written),
                "adopted": report.adopted,
                "conflicts": [c.__dict__ for c in report.conflicts],
            }
        )
    else:
        for path in report.written:
            typer.echo(f"wrote {path}")
        summary = f"{report.changed} of {report.translations} translations updated, {len(report.written)} files written"
        if report.adopted:
            summary += f", {report.adopted} unit{'s' if report.adopted != 1 else ''} taken from hand-edited Markdown"
        typer.echo(summary if report.written else f"{report.translations} translations up to date, nothing written")
        for c in report.conflicts:
            typer.echo(
                f"{c.path}:{c.line}: conflict: the catalog and this file both changed the unit since the last "
                f"update; both kept (catalog: {_short(c.catalog_text)!r}, Markdown: {_short(c.markdown_text)!r})",
                err=True,
            )
    if report.conflicts:
        raise typer.Exit(1)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- status / check ----------------------------------------------------------

_STATE_COLOURS = {
    "source": "blue",
    "missing": "red",
    "partial": "yellow",
    "draft": "cyan",
    "stale": "magenta",
    "complete": "green",
    "published": "bright_green",
}


def _collect(
    slugs: list[str] | None, lang: list[str] | None, state: list[str] | None, edition: str | None
) -> tuple[Any, list[Any]]:
    """The configuration, and the status rows of the selection."""
    from trilingual.status import collect, parse_states

    config = _config()
    return config, collect(config, _selection(slugs, lang, edition, parse_states(state or [])))


@app.command()
def status(
    slugs: Slugs = None,
    lang: Langs = None,
    state: States = None,
    edition: Edition = None,
    as_json: Json = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write the table as one self-contained HTML page here.", show_default=False),
    ] = None,
) -> None:
    """One table, briefing x language: state, segments and words done, original, edition."""
    from trilingual.status import State

    with reporting():
        config, rows = _collect(slugs, lang, state, edition)
        if html is not None:
            from trilingual.statushtml import write as write_html

            write_html(config, rows, _under_root(html))
    if html is not None and not as_json:
        typer.echo(f"wrote {html} ({len(rows)} translations)")
        return
    counts = Counter(r.state.value for r in rows)
    if as_json:
        emit_json(
            {
                "translations": [r.to_json() for r in rows],
                "summary": dict(sorted(counts.items())),
            }
        )
        return
    if not rows:
        typer.echo("no briefings match")
        return
    colour = sys.stdout.isatty()
    table_rows = [
        [
            r.slug,
            r.lang,
            r.state.value,
            f"{r.units.done}/{r.units.total}",
            f"{r.words.done}/{r.words.total}",
            r.original,
            r.edition,
            r.notes(),
        ]
        for r in rows
    ]
    headers = ["BRIEFING", "LANG", "STATE", "SEGMENTS", "WORDS", "ORIGINAL", "EDITION", "NOTES"]
    lines = _table_lines(headers, table_rows, {3, 4})
    if colour:
        header = next(lines)
        styled = {state: typer.style(state, fg=colour) for state, colour in _STATE_COLOURS.items()}
        lines = itertools.chain(
            [header],
            (
                line.replace(f"  {r.state.value}", "  " + styled[r.state.value], 1)
                for r, line in zip(rows, lines, strict=True)
            ),
        )
    order = [s.value for s in State]
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: order.index(kv[0])))
    _echo_lines(itertools.chain(lines, ["", summary]))


@app.command()
def check(
    slugs: Slugs = None,
    lang: Langs = None,
    state: States = None,
    edition: Edition = None,
    as_json: Json = False,
) -> None:
    """Exit 0 when every selected translation is complete (or published), 1 otherwise."""
    from trilingual.status import FINISHED

    with reporting():
        _, rows = _collect(slugs, lang, state, edition)
    blocking = [r for r in rows if r.state not in FINISHED or r.conflicts]
    if as_json:
        emit_json({"ok": not blocking, "blocking": [r.to_json() for r in blocking]})
    else:
        for r in blocking:
            detail = f"{r.units.done}/{r.units.total} segments"
            if r.notes():
                detail += "; " + r.notes()
            typer.echo(f"{r.slug} {r.lang}: {r.state.value} ({detail})")
        checked = sum(1 for r in rows if r.state.value != "source")
        typer.echo(
            f"{len(blocking)} of {checked} translations not finished"
            if blocking
            else f"all {checked} translations finished"
        )
    if blocking:
        raise typer.Exit(1)


# --- diff ------------------------------------------------------------------


@app.command()
def diff(
    slug: Annotated[str, typer.Argument(help="Briefing slug.")],
    lang: Langs = None,
    as_json: Json = False,
) -> None:
    """Show what changed in the original since each stale unit was translated."""
    from trilingual.changes import stale_units

    with reporting():
        units = stale_units(_config(), slug, tuple(lang or ()))
    if as_json:
        emit_json(
            {
                "slug": slug,
                "stale": [
                    {
                        "lang": u.lang,
                        "kind": u.kind,
                        "path": u.path,
                        "line": u.line,
                        "old_source": u.old_source,
                        "new_source": u.new_source,
                        "translation": u.translation,
                        "changes": [{"op": c.op, "text": c.text} for c in u.changes],
                    }
                    for u in units
                ],
            }
        )
        return
    if not units:
        typer.echo(f"{slug}: no stale units")
        return
    colour = sys.stdout.isatty()
    for u in units:
        typer.echo(f"{u.path}:{u.line}: {u.kind}, stale in {u.lang}")
        typer.echo("  " + _render_changes(u.changes, colour).replace("\n", "\n  "))
        typer.echo(f"  translation ({u.lang}, made from the old text):")
        typer.echo("    " + u.translation.replace("\n", "\n    "))
        typer.echo("")


def _render_changes(changes: Any, colour: bool) -> str:
    out = []
    style: dict[str, Callable[[str], str]] = {
        "equal": lambda t: t,
        "delete": (lambda t: typer.style(t, fg="red", strikethrough=True)) if colour else (lambda t: f"[-{t}-]"),
        "insert": (lambda t: typer.style(t, fg="green", underline=True)) if colour else (lambda t: f"{{+{t}+}}"),
    }
    for c in changes:
        out.append(style[c.op](c.text))
    return "".join(out)


# --- release / verify / site ------------------------------------------------


@app.command()
def release(
    edition: Annotated[str, typer.Argument(help="The edition to release, an ISO week such as 2023-W09.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Bundle folder (default: dist/ in the repository).")
    ] = None,
    allow: Annotated[
        list[str] | None,
        typer.Option(
            "--allow",
            help="Release translations in these states with a notice: missing, partial, stale, draft "
            "(repeatable, or comma-separated).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and build, but write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Bundle a finished edition: pages, feeds and newsletters in every language, manifest, archive.

    Exit 1, writing nothing, when a translation of the edition is not finished
    (unless --allow lets its state through) or a UI string lacks a translation.
    """
    from trilingual.release import parse_allow
    from trilingual.release import release as do_release

    with reporting():
        config = _config()
        target = None if output is None else _under_root(output)
        result = do_release(config, edition, target, parse_allow(allow or []), dry_run)
    shown = str(output) if output is not None else "dist"
    if as_json:
        emit_json(
            {
                "edition": result.edition,
                "ok": result.ok,
                "dry_run": result.dry_run,
                "blocking": [b.__dict__ for b in result.blocking],
                "allowed": [b.__dict__ for b in result.allowed],
                "untranslated_ui": [u.__dict__ for u in result.untranslated],
                "output": shown if result.ok else None,
                "archive": result.archive or None,
                "record": result.record or None,
                "files": [f.__dict__ for f in result.files],
            }
        )
    else:
        for b in result.blocking:
            typer.echo(str(b))
        for u in result.untranslated:
            typer.echo(str(u))
        for b in result.allowed:
            typer.echo(f"notice: {b} released with a notice on its page", err=True)
        if not result.ok:
            reasons = []
            if result.blocking:
                reasons.append(f"{len(result.blocking)} translations not finished")
            if result.untranslated:
                reasons.append(f"{len(result.untranslated)} UI strings untranslated")
            hint = " (--allow STATE lets a state through with a notice)" if result.blocking else ""
            typer.echo(f"release of {result.edition} refused: {', '.join(reasons)}{hint}", err=True)
        else:
            verb = "would write" if result.dry_run else "wrote"
            size = sum(f.bytes for f in result.files)
            typer.echo(f"{verb} {shown}/: {len(result.files)} files ({size:,} bytes), manifest.json, {result.archive}")
            if result.record_changed:
                typer.echo(f"{'would record' if result.dry_run else 'recorded'} {result.record}")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def verify(
    target: Annotated[Path, typer.Argument(help="A bundle folder or its .tar.gz archive.")],
    as_json: Json = False,
) -> None:
    """Check a release bundle against its manifest (exit 1 naming each file that differs)."""
    from trilingual.release import verify as do_verify

    with reporting():
        result = do_verify(_under_root(target))
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "edition": result.edition,
                "checked": result.checked,
                "mismatches": [m.__dict__ for m in result.mismatches],
            }
        )
    else:
        for m in result.mismatches:
            typer.echo(f"{target}: {m}")
        if result.ok:
            typer.echo(f"{target}: {result.checked} files match the manifest of {result.edition}")
    if not result.ok:
        raise typer.Exit(1)


site_app = typer.Typer(help="The site's own UI strings (locale/<lang>/LC_MESSAGES/site.po).", no_args_is_help=True)
app.add_typer(site_app, name="site")


@site_app.command("extract")
def site_extract(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change, write nothing.")] = False,
) -> None:
    """Extract the UI strings of the templates into locale/site.pot and merge them into each language."""
    from trilingual.sitecatalog import refresh

    with reporting():
        written = refresh(_config(), dry_run=dry_run)
    for path in written:
        typer.echo(f"{'would write' if dry_run else 'wrote'} {path}")
    if not written:
        typer.echo("site catalog up to date, nothing written")


# --- draft / engines / tm ------------------------------------------------------


@app.command()
def draft(
    slugs: Slugs = None,
    lang: Langs = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine", help="Use only this engine (pivoting through ru where it lacks the pair).", show_default=False
        ),
    ] = None,
    edition: Edition = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Send nothing; show what each engine would be sent.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Fill untranslated units with machine drafts: fuzzy, attributed, never over human work.

    Exit 1 when some units could not be translated (every other unit is
    saved); 130 on Ctrl-C, after saving what was done.
    """
    from trilingual.drafting import draft as do_draft

    bar: Any = None

    def on_total(total: int) -> None:
        nonlocal bar
        if not as_json and not dry_run and total and sys.stderr.isatty():
            bar = typer.progressbar(length=total, label="drafting", file=sys.stderr)
            bar.__enter__()

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        with reporting():
            config = _config()
            sel = _selection(slugs, lang, edition)
            report = do_draft(config, sel, engine, dry_run, progress, on_total=on_total)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        emit_json(
            {
                "dry_run": report.dry_run,
                "translations": report.translations,
                "untranslated": report.untranslated,
                "drafted": report.drafted,
                "from_memory": report.from_memory,
                "engines": [e.__dict__ for e in report.engines],
                "drafted_per_translation": [{"slug": s, "lang": lg, "units": n} for s, lg, n in report.per_translation],
                "written": list(report.written),
                "failures": [f.__dict__ for f in report.failures],
                "interrupted": report.interrupted,
                "unroutable": report.unroutable,
            }
        )
    elif report.dry_run:
        rows = [[e.engine, str(e.units), str(e.characters), "yes" if e.third_party else "no"] for e in report.engines]
        if rows:
            typer.echo(_table(["ENGINE", "UNITS", "CHARACTERS", "SENT AWAY"], rows, {1, 2}))
        memory = f", {report.from_memory} from the translation memory" if report.from_memory else ""
        typer.echo(f"dry run: {report.untranslated} untranslated units{memory}; nothing sent, nothing written")
        if report.unroutable:
            typer.echo(
                f"{report.unroutable} of them would stay untranslated: the translation memory has no match and "
                "no other engine on their route serves the pair (set routes in trilingual.toml, or use --engine)"
            )
    else:
        for slug, lg, n in report.per_translation:
            typer.echo(f"drafted {n} units of {slug} {lg}")
        for path in report.written:
            typer.echo(f"wrote {path}")
        used = ", ".join(
            f"{e.engine} {e.requests} requests" + (f" ({e.retries} retries)" if e.retries else "")
            for e in report.engines
        )
        typer.echo(
            f"{report.drafted} of {report.untranslated} untranslated units drafted"
            f" ({report.from_memory} from the translation memory)" + (f"; {used}" if used else "")
        )
    for f in report.failures:
        typer.echo(f"{f.path}:{f.line}: {f.slug} {f.lang}: not drafted: {f.reason}", err=True)
    if report.interrupted:
        fail("trilingual: interrupted; the drafts made so far were saved", 130)
    if report.failures:
        raise typer.Exit(1)


@app.command()
def engines(as_json: Json = False) -> None:
    """Every machine-translation engine, its language pairs, and whether it can run now."""
    import os

    from trilingual.engines import survey

    with reporting():
        config = _config()
        infos = survey(config.settings, os.environ)
    if as_json:
        emit_json({"engines": [i.__dict__ | {"pairs": list(i.pairs)} for i in infos]})
        return
    rows = [
        [i.name, "yes" if i.ready else "no", ", ".join(i.pairs) or "-", "yes" if i.third_party else "no", i.detail]
        for i in infos
    ]
    typer.echo(_table(["ENGINE", "READY", "PAIRS", "SENT AWAY", "DETAIL"], rows))


tm_app = typer.Typer(help="The translation memory, as TMX 1.4.", no_args_is_help=True)
app.add_typer(tm_app, name="tm")


@tm_app.command("export")
def tm_export(file: Annotated[Path, typer.Argument(help="TMX file to write.")]) -> None:
    """Write the translation memory (refreshed from the catalogs) as TMX 1.4."""
    from trilingual.memory import Memory, export_tmx, refresh

    with reporting():
        config = _config()
        with Memory.of(config) as memory:
            refresh(memory, config)
            target = _under_root(file)
            n = export_tmx(memory, target)
    typer.echo(f"wrote {n} translation units to {file}")


@tm_app.command("import")
def tm_import(file: Annotated[Path, typer.Argument(help="TMX file to read.")]) -> None:
    """Add a TMX file's units to the translation memory."""
    from trilingual.memory import Memory, import_tmx

    with reporting():
        config = _config()
        source = _under_root(file)
        with Memory.of(config) as memory:
            n = import_tmx(memory, source)
    typer.echo(f"imported {n} translation units from {file}")


# --- pull / push / conflicts / glossary / qa -----------------------------------


@app.command()
def pull(
    slugs: Slugs = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the translation.")] = "",
    fmt: Annotated[str, typer.Option("--format", "-f", help="po, xliff (XLIFF 1.2) or xliff2 (XLIFF 2.0).")] = "po",
    edition: Edition = None,
    everything: Annotated[bool, typer.Option("--all", help="Every unit, not only those that need work.")] = False,
    out: Annotated[Path, typer.Option("--output", "-o", help="Folder for the files.")] = Path("."),
    as_json: Json = False,
) -> None:
    """Write one file per briefing for a translator: untranslated, fuzzy and stale units, with context."""
    from trilingual.errors import UsageError
    from trilingual.exchange.pull import pull as do_pull

    with reporting():
        if not lang:
            raise UsageError("pull needs --lang")
        report = do_pull(_config(), lang, fmt, _under_root(out), tuple(slugs or ()), edition, everything)
    if as_json:
        emit_json(
            {
                "lang": report.lang,
                "format": report.format,
                "files": [{"slug": f.slug, "path": str(f.path), "units": f.units} for f in report.files],
                "nothing_to_do": list(report.skipped),
            }
        )
        return
    for f in report.files:
        typer.echo(f"wrote {f.path} ({f.units} unit{'s' if f.units != 1 else ''})")
    units = sum(f.units for f in report.files)
    typer.echo(
        f"{len(report.files)} files, {units} units to translate into {report.lang}"
        + (f"; {len(report.skipped)} briefings need no work" if report.skipped else "")
    )


@app.command()
def push(
    files: Annotated[list[Path], typer.Argument(help="Files from translators (.po, .xlf, .xliff).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Say what would happen; write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Take translators' files back, unit by unit; never overwrite newer work (conflicts: exit 1)."""
    from trilingual.exchange.push import APPLIED, CONFLICT, REVIEWED, SAME, STALE, UNCHANGED
    from trilingual.exchange.push import push as do_push

    with reporting():
        report = do_push(_config(), [_under_root(f) for f in files], dry_run)
    names = (REVIEWED, APPLIED, STALE, CONFLICT, SAME, UNCHANGED)
    if as_json:
        emit_json(
            {
                "dry_run": report.dry_run,
                "counts": {n: report.count(n) for n in names},
                "units": [o.__dict__ for o in report.outcomes],
                "conflicts": [c.__dict__ for c in report.conflicts],
                "written": list(report.written),
            }
        )
    else:
        for path in report.written:
            typer.echo(f"{'would write' if dry_run else 'wrote'} {path}")
        for c in report.conflicts:
            typer.echo(
                f"{c.file}:{c.line}: conflict: {c.slug} {c.lang} changed in the repository since the pull; "
                f"the pushed text is kept in {c.conflict_file}",
                err=True,
            )
        typer.echo(
            ", ".join(f"{report.count(n)} {n}" for n in names) + (" (dry run, nothing written)" if dry_run else "")
        )
    if report.conflicts:
        raise typer.Exit(1)


@app.command()
def conflicts(slugs: Slugs = None, lang: Langs = None, as_json: Json = False) -> None:
    """List open conflicts: pushed texts waiting in conflict files, hand edits that met catalog changes (exit 1)."""
    from trilingual.exchange.conflicts import open_conflicts

    with reporting():
        found = open_conflicts(_config(), _selection(slugs, lang))
    if as_json:
        emit_json({"conflicts": [c.to_json() for c in found]})
    else:
        for c in found:
            what = "pushed text waits here" if c.origin == "push" else "hand edit differs from the catalog"
            typer.echo(f"{c.path}:{c.line}: {c.slug} {c.lang}: {what}")
            typer.echo(f"  source:     {_short(c.source)}")
            typer.echo(f"  repository: {_short(c.repository_text) or '(none)'}")
            typer.echo(f"  {'pushed' if c.origin == 'push' else 'markdown'}:     {_short(c.other_text)}")
        typer.echo(f"{len(found)} open conflict{'s' if len(found) != 1 else ''}" if found else "no open conflicts")
    if found:
        raise typer.Exit(1)


@app.command()
def glossary(
    tbx: Annotated[Path | None, typer.Option("--tbx", help="Write the glossary as TBX to this file.")] = None,
    as_json: Json = False,
) -> None:
    """List the glossary (how names and terms are rendered in each language), or export it as TBX."""
    from trilingual.files import atomic_write
    from trilingual.glossary import load_glossary, to_tbx

    with reporting():
        config = _config()
        gloss = load_glossary(config)
        if tbx is not None:
            atomic_write(_under_root(tbx), to_tbx(gloss, config.languages[0] if "en" not in config.languages else "en"))
    if tbx is not None:
        typer.echo(f"wrote {tbx} ({len(gloss.terms)} terms)")
        return
    if as_json:
        emit_json({"path": config.relative(gloss.path), "terms": [t.to_json() for t in gloss.terms]})
        return
    if not gloss.terms:
        typer.echo(f"no glossary ({config.relative(gloss.path)} does not exist or is empty)")
        return
    langs = list(config.languages)
    rows = [
        [t.form(lang) or "" for lang in langs] + [("do not translate; " if not t.translate else "") + t.note]
        for t in gloss.terms
    ]
    typer.echo(_table([lang.upper() for lang in langs] + ["NOTE"], rows))


@app.command()
def qa(
    slugs: Slugs = None,
    lang: Langs = None,
    edition: Edition = None,
    as_json: Json = False,
) -> None:
    """Check translations against their sources: markup, numbers, glossary, language, whitespace (errors: exit 1)."""
    from trilingual.qa import run_checks

    with reporting():
        report = run_checks(_config(), _selection(slugs, lang, edition))
    if as_json:
        emit_json(
            {
                "checked": report.checked,
                "errors": report.errors,
                "warnings": report.warnings,
                "problems": [p.to_json() for p in report.problems],
            }
        )
    else:
        for p in report.problems:
            typer.echo(f"{p.path}:{p.line}: {p.check}: {p.message}")
        typer.echo(
            f"{report.checked} translated units checked: {report.errors} error{'s' if report.errors != 1 else ''}, "
            f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
        )
    if report.errors:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
