"""Figures for the foundation: status and update on synthetic repositories, beside msgmerge, po4a and mdpo.

    python bench/bench_foundation.py [--sizes 1000,5000] [--runs 3] [--sample 300] [--workdir DIR]

For each size N it generates a repository (bench/generate.py), then times, as
separate processes, with the peak memory (max RSS) of each:

- `status` cold (no .trilingual/cache) and warm;
- `update` from nothing: only the originals, no catalogs; the update writes
  both target catalogs of every briefing;
- `update` after a light edit of 10% of the body paragraphs of the originals;
- a no-op `update`.

and, on the same files, where the programs are installed: GNU msgmerge over
the same catalogs (one process per catalog, old catalog + POT of the changed
source), po4a extracting the sources (po4a-updatepo per source file) and
po4a's no-op run (a po4a configuration over the sources, run a second time),
and mdpo's md2po over the sources (one process per file). The external tools
run one process per file, so they are timed on a fixed random sample of the
files and scaled to the whole repository; the output says so.

The machine this runs on may be shared and noisy: figures are medians of
--runs runs, and every target is checked as a ratio of figures taken in the
same run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the generator beside this script
from trilingual.catalogs import Catalog, read_catalog, write_catalog


@dataclass(frozen=True)
class Figure:
    seconds: float
    rss_mb: float
    note: str = ""


@dataclass
class Results:
    ours: dict[tuple[str, int], Figure] = field(default_factory=dict)
    theirs: dict[tuple[str, int], Figure | str] = field(default_factory=dict)


def timed(cmd: Sequence[str], cwd: Path, check: bool = True) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}) in {cwd}:\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def trilingual(root: Path, *args: str) -> tuple[float, float]:
    return timed([sys.executable, "-m", "trilingual", *args], root)


def median_of(runs: int, prepare: Callable[[], None] | None, measure: Callable[[], tuple[float, float]]) -> Figure:
    times, peaks = [], []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        t, rss = measure()
        times.append(t)
        peaks.append(rss)
    return Figure(statistics.median(times), max(peaks))


def fresh_copy(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)


def drop_cache(root: Path) -> None:
    (root / ".trilingual" / "cache").unlink(missing_ok=True)


# --- the external tools ---------------------------------------------------------


def sample(items: Sequence[Path], size: int, seed: int) -> list[Path]:
    items = sorted(items)
    return items if size >= len(items) else sorted(random.Random(seed).sample(items, size))


def per_file(cmds: list[list[str]], cwd: Path, total: int) -> Figure:
    """Run one process per file of a sample; the time is scaled to `total` files."""
    elapsed = 0.0
    peak = 0.0
    for cmd in cmds:
        t, rss = timed(cmd, cwd, check=False)
        elapsed += t
        peak = max(peak, rss)
    scale = total / len(cmds)
    note = f"{len(cmds)} of {total} files, x{scale:.1f}" if scale > 1 else ""
    return Figure(elapsed * scale, peak, note)


def pot_of(catalog: Catalog) -> Catalog:
    """A POT of the catalog: its active entries with no translation."""
    entries = tuple(
        replace(e, msgstr="", fuzzy=False, previous_msgid=None, previous_msgctxt=None, engine=None)
        for e in catalog.entries
        if not e.obsolete
    )
    return Catalog(catalog.header, entries, catalog.header_comment)


def bench_msgmerge(before: Path, after: Path, work: Path, size: int, seed: int) -> Figure | str:
    """msgmerge --previous of every catalog before the edit with the POT of the edited source."""
    if shutil.which("msgmerge") is None:
        return "not installed"
    catalogs = [p for p in (before / "locale").glob("*/*.po")]
    chosen = sample(catalogs, size, seed)
    cmds = []
    for old in chosen:
        lang, name = old.parent.name, old.name
        new = after / "locale" / lang / name
        pot = work / f"{lang}-{name}t"
        pot.write_bytes(write_catalog(pot_of(read_catalog(new.read_bytes(), new, lang))))
        cmds.append(["msgmerge", "-q", "--previous", "-o", str(work / f"{lang}-{name}"), str(old), str(pot)])
    return per_file(cmds, work, len(catalogs))


def originals(root: Path) -> list[Path]:
    return [p for p in (root / "content").glob("*/*.md") if f"\noriginal: {p.parent.name}\n" in p.read_text("utf-8")]


# po4a 0.69's po4a-gettextize wants a translation beside each master; this one only extracts.
PO4A_EXTRACT = ["po4a-updatepo", "-q", "-f", "text", "-o", "markdown", "-M", "UTF-8"]


def bench_po4a_extract(root: Path, work: Path, size: int, seed: int) -> Figure | str:
    if shutil.which("po4a-updatepo") is None:
        return "not installed"
    sources = originals(root)
    cmds = [
        [*PO4A_EXTRACT, "-m", str(src), "-p", str(work / f"{i}.pot")]
        for i, src in enumerate(sample(sources, size, seed))
    ]
    return per_file(cmds, root, len(sources))


def bench_po4a_noop(root: Path, work: Path, size: int, seed: int, runs: int) -> Figure | str:
    """po4a's second run over a configuration of the sources (one per original language)."""
    if shutil.which("po4a") is None:
        return "not installed"
    sources = originals(root)
    chosen = sample(sources, size, seed)
    configs = []
    for lang in generate.LANGUAGES:
        mine = [p for p in chosen if p.parent.name == lang]
        if not mine:
            continue
        targets = " ".join(x for x in generate.LANGUAGES if x != lang)
        lines = [
            f"[po4a_langs] {targets}",
            f"[po4a_paths] po4a/{lang}/$master.pot $lang:po4a/$lang/$master.po",
            '[options] opt:"-o markdown" --keep 0 -M UTF-8 -L UTF-8',
        ]
        lines += [f"[type: text] {p} $lang:{work}/out/$lang/{p.name}" for p in mine]
        config = work / f"po4a-{lang}.cfg"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        configs.append(config)
    for config in configs:  # the first run writes the POT, PO and translated files
        timed(["po4a", "-q", str(config)], work, check=False)

    def noop() -> tuple[float, float]:
        total, peak = 0.0, 0.0
        for config in configs:
            t, rss = timed(["po4a", "-q", str(config)], work, check=False)
            total, peak = total + t, max(peak, rss)
        return total, peak

    figure = median_of(runs, None, noop)
    scale = len(sources) / len(chosen)
    if scale <= 1:
        return figure
    return Figure(figure.seconds * scale, figure.rss_mb, f"{len(chosen)} of {len(sources)} files, x{scale:.1f}")


def find_md2po(given: str | None) -> str | None:
    """mdpo's md2po (translate-toolkit ships a different program of the same name)."""
    for candidate in (given, shutil.which("md2po")):
        if not candidate:
            continue
        try:
            out = subprocess.run([candidate, "--help"], capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if "--po-filepath" in out:
            return candidate
    return None


def bench_md2po(md2po: str | None, root: Path, work: Path, size: int, seed: int) -> Figure | str:
    if md2po is None:
        return "not installed"
    sources = originals(root)
    cmds = [
        [md2po, str(src), "-q", "-s", "-p", str(work / f"{i}.po")] for i, src in enumerate(sample(sources, size, seed))
    ]
    return per_file(cmds, root, len(sources))


# --- one size -------------------------------------------------------------------


def bench_size(n: int, args: argparse.Namespace, work: Path, results: Results, log: Callable[[str], None]) -> None:
    base = work / f"n{n}"
    adopted, bare = base / "adopted", base / "originals"
    log(f"N={n}: generating")
    shapes = generate.generate(adopted, n, args.seed)
    generate.copy_originals(adopted, bare, shapes)
    t, rss = trilingual(adopted, "update")
    results.ours[("adopt", n)] = Figure(t, rss)
    runs = args.runs
    repo = base / "repo"
    fresh_copy(adopted, repo)

    log(f"N={n}: status")
    results.ours[("status cold", n)] = median_of(runs, lambda: drop_cache(repo), lambda: trilingual(repo, "status"))
    results.ours[("status warm", n)] = median_of(runs, None, lambda: trilingual(repo, "status"))
    log(f"N={n}: no-op update")
    trilingual(repo, "update")  # the cold status above left no record of the last update's plans
    results.ours[("update no-op", n)] = median_of(runs, None, lambda: trilingual(repo, "update"))

    log(f"N={n}: update from nothing")
    scratch = base / "scratch"
    results.ours[("update from nothing", n)] = median_of(
        runs, lambda: fresh_copy(bare, scratch), lambda: trilingual(scratch, "update")
    )

    log(f"N={n}: update after a 10% change")
    edited: list[int] = []

    def edit() -> None:
        fresh_copy(repo, scratch)
        edited.append(generate.edit_paragraphs(scratch, 0.10, args.seed))

    figure = median_of(runs, edit, lambda: trilingual(scratch, "update"))
    results.ours[("update 10% changed", n)] = replace(figure, note=f"{edited[0]} paragraphs")

    with tempfile.TemporaryDirectory(dir=work) as tmp:
        log(f"N={n}: msgmerge")
        results.theirs[("msgmerge", n)] = bench_msgmerge(repo, scratch, Path(tmp), args.sample, args.seed)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        log(f"N={n}: po4a")
        results.theirs[("po4a extract", n)] = bench_po4a_extract(bare, Path(tmp), args.sample, args.seed)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        results.theirs[("po4a no-op", n)] = bench_po4a_noop(bare, Path(tmp), args.po4a_sample, args.seed, runs)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        log(f"N={n}: md2po")
        results.theirs[("md2po", n)] = bench_md2po(args.md2po, bare, Path(tmp), args.sample, args.seed)
    shutil.rmtree(base)


# --- the report -------------------------------------------------------------------

OURS = [
    ("adopt", "update adopting existing translations (setup, 1 run)"),
    ("status cold", "status, cold (no cache)"),
    ("status warm", "status, warm"),
    ("update from nothing", "update from nothing (writes 2 catalogs per briefing)"),
    ("update 10% changed", "update after changing 10% of paragraphs"),
    ("update no-op", "update, no-op"),
]
THEIRS = [
    ("msgmerge", "msgmerge --previous, one per catalog (same catalogs)"),
    ("po4a extract", "po4a-updatepo, extraction, one per source"),
    ("po4a no-op", "po4a no-op run (split-mode config)"),
    ("md2po", "mdpo md2po, extraction, one per source"),
]


def cell(f: Figure | str | None) -> tuple[str, str]:
    if f is None:
        return "-", "-"
    if isinstance(f, str):
        return f, ""
    return f"{f.seconds:8.2f} s", f"{f.rss_mb:6.0f} MB"


def report(results: Results, sizes: list[int], args: argparse.Namespace) -> str:
    head = ["measurement"]
    for n in sizes:
        head += [f"N={n} time", "peak RSS"]
    rows: list[list[str]] = []
    notes: list[str] = []
    for group, names in (("trilingual", OURS), ("other tools", THEIRS)):
        rows.append([f"[{group}]"] + [""] * (2 * len(sizes)))
        for key, label in names:
            row = [label]
            for n in sizes:
                f = (results.ours if group == "trilingual" else results.theirs).get((key, n))
                row += list(cell(f))
                if isinstance(f, Figure) and f.note:
                    notes.append(f"{label}, N={n}: {f.note}")
            rows.append(row)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in [head, *rows]
    ]
    lines.insert(1, "-" * len(lines[0]))
    out = [f"medians of {args.runs} runs; peak RSS is the largest of the runs (per process)", "", *lines]
    if notes:
        out += ["", "sampled (external tools run one process per file; time scaled to all files):"]
        out += [f"  {note}" for note in notes]
    out += ["", "targets:", *targets(results, sizes)]
    return "\n".join(out)


def targets(results: Results, sizes: list[int]) -> list[str]:
    ours, theirs = results.ours, results.theirs
    big, small = max(sizes), min(sizes)
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for key, label in (("update no-op", "no-op update"), ("status warm", "warm status")):
        f = ours.get((key, big))
        if f is not None:
            lines.append(f"  {label} on {big}: {f.seconds:.2f} s (target < 1 s): {verdict(f.seconds < 1.0)}")
    for n in sizes:
        f, m = ours.get(("update 10% changed", n)), theirs.get(("msgmerge", n))
        if f is not None and isinstance(m, Figure):
            ratio = m.seconds / f.seconds
            lines.append(
                f"  update after a 10% change vs msgmerge, N={n}: {ratio:.1f}x faster "
                f"(target >= 3x): {verdict(ratio >= 3)}"
            )
    f, p = ours.get(("update from nothing", 1000)), theirs.get(("po4a extract", 1000))
    if f is not None and isinstance(p, Figure):
        ratio = p.seconds / f.seconds
        lines.append(
            f"  first update of 1000 vs po4a extraction: {ratio:.1f}x faster (target >= 1x): {verdict(ratio >= 1)}"
        )
    for n in sizes:
        f, p = ours.get(("update no-op", n)), theirs.get(("po4a no-op", n))
        if f is not None and isinstance(p, Figure):
            ratio = p.seconds / f.seconds
            lines.append(
                f"  no-op update vs po4a no-op, N={n}: {ratio:.0f}x faster (target >= 30x): {verdict(ratio >= 30)}"
            )
    if big != small:
        for key, label in (
            ("status warm", "warm status"),
            ("update no-op", "no-op update"),
            ("update 10% changed", "10% update"),
            ("update from nothing", "update from nothing"),
        ):
            a, b = ours.get((key, small)), ours.get((key, big))
            if a is not None and b is not None:
                lines.append(
                    f"  peak RSS of {label}: {a.rss_mb:.0f} MB at {small}, {b.rss_mb:.0f} MB at {big} "
                    f"({b.rss_mb / a.rss_mb:.2f}x for {big / small:.0f}x the briefings)"
                )
        a, b = ours.get(("status warm", small)), ours.get(("status warm", big))
        if a is not None and b is not None:
            # The status table has a row per briefing and language; memory may grow with it, not with the content.
            rows = 3 * (big - small)
            lines.append(
                f"  warm status memory growth: {(b.rss_mb - a.rss_mb) * 1024 / rows:.2f} KB per added row of the "
                f"status table ({rows} rows added)"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated numbers of briefings")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=200, help="files per external tool (one process per file)")
    parser.add_argument("--po4a-sample", type=int, default=60, help="sources in the po4a configuration")
    parser.add_argument("--md2po", help="mdpo's md2po program (default: md2po on PATH, if it is mdpo's)")
    parser.add_argument("--workdir", type=Path, help="where to generate the repositories (default: a temporary folder)")
    args = parser.parse_args()
    args.md2po = find_md2po(args.md2po)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    results = Results()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for n in sizes:
            bench_size(n, args, Path(tmp), results, log)
    print(report(results, sizes, args))


if __name__ == "__main__":
    main()
