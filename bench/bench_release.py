"""Figures for `release`: an edition of 50 briefings, alone and inside a repository of 1,000.

    python bench/bench_release.py [--edition-size 50] [--repository 1000] [--runs 3] [--workdir DIR]

Synthetic content comes from bench/generate.py; the first N briefings are moved
into one week, so one edition holds N briefings in every language. The site
catalog of the shipped repository is copied in (the release needs its UI
translations). Each release runs as its own process into a fresh output
folder; the figures are medians of --runs runs, cold (no .trilingual/cache)
and warm. Target: an edition in under 2 seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TARGET_SECONDS = 2.0


def build(root: Path, briefings: int, edition_size: int) -> str:
    """A repository of `briefings`, the first `edition_size` of them in one edition; returns that edition."""
    shapes = generate.generate(root, briefings)
    week = generate.FIRST_WEEK
    for s in shapes[:edition_size]:
        moved = dataclasses.replace(s, start=week)
        for lang in generate.LANGUAGES:
            (root / "content" / lang / f"{s.slug}.md").write_text(generate.render(moved, lang, 1), encoding="utf-8")
    for lang in generate.LANGUAGES:
        target = root / "locale" / lang / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "locale" / lang / "LC_MESSAGES" / "site.po", target / "site.po")
    shutil.copy(ROOT / "locale" / "site.pot", root / "locale" / "site.pot")
    generate.update(root)
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"


def release(root: Path, edition: str, out: Path, cold: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one release process; CPU time does not count waiting for a busy machine."""
    if cold:
        shutil.rmtree(root / ".trilingual" / "cache", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "trilingual", "release", edition, "-o", str(out)],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(label: str, root: Path, edition: str, runs: int) -> float:
    out = root.parent / (root.name + "-dist")
    figures = {}
    for cold in (True, False):
        taken = [release(root, edition, out, cold) for _ in range(runs)]
        figures[cold] = (statistics.median(t[0] for t in taken), statistics.median(t[1] for t in taken))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    (cw, cc), (ww, wc) = figures[True], figures[False]
    print(
        f"{label:<44} cold {cw:5.2f} s ({cc:4.2f} s CPU)   warm {ww:5.2f} s ({wc:4.2f} s CPU)   "
        f"{files} files, {size / 1e6:.1f} MB"
    )
    return ww


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edition-size", type=int, default=50)
    parser.add_argument("--repository", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-release-"))
    try:
        print(f"generating repositories of {args.edition_size} and {args.repository} briefings ...", flush=True)
        small = work / "edition"
        edition = build(small, args.edition_size, args.edition_size)
        large = work / "repository"
        build(large, args.repository, args.edition_size)
        print(f"release {edition}, median of {args.runs} runs each:")
        alone = measure(f"edition of {args.edition_size} briefings", small, edition, args.runs)
        inside = measure(f"same size edition in a repository of {args.repository}", large, edition, args.runs)
        verdict = "met" if max(alone, inside) < TARGET_SECONDS else "MISSED"
        print(f"target: an edition in under {TARGET_SECONDS:.0f} s (warm): {verdict}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
