"""Figures for the translators' round trip: pull and push a whole language in each format.

    python bench/bench_exchange.py [--briefings 1000] [--lang be] [--workdir DIR]

Generates a translated repository of N briefings (bench/generate.py), then
for each format (po, xliff, xliff2), as separate `trilingual` processes:

- `pull --all` of every briefing into the language (N files, every unit);
- `push` of those files untouched (every unit unchanged, nothing written);
- `push` after a translator edited one unit in every file (N catalogs and
  N translated Markdown files rewritten).

Target: under 5 s each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from generate import generate, update
from trilingual.exchange import get_format, read_document

TARGET_SECONDS = 5.0


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(["trilingual", *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"trilingual {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def edit_one_unit(folder: Path, step: int) -> int:
    """What a translator does to each file: rewrite its first unit and mark it reviewed."""
    edited = 0
    for path in sorted(folder.iterdir()):
        doc = read_document(path, path.read_bytes())
        if not doc.units:
            continue
        first = doc.units[0]
        units = (first.__class__(**{**first.__dict__, "target": f"{first.target} ({step})", "fuzzy": False}),)
        fmt = next(f for f in ("po", "xliff", "xliff2") if get_format(f).claims(path, path.read_bytes()))
        doc = doc.__class__(**{**doc.__dict__, "units": units + doc.units[1:]})
        path.write_bytes(get_format(fmt).dump(doc))
        edited += 1
    return edited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--briefings", type=int, default=1000)
    parser.add_argument("--lang", default="be")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    repo = work / "repo"
    if not (repo / "trilingual.toml").exists():
        print(f"generating {args.briefings} briefings in {repo} ...", flush=True)
        generate(repo, args.briefings)
        update(repo)
    rows = []
    for step, fmt in enumerate(("po", "xliff", "xliff2"), start=1):
        out = work / f"pulled-{fmt}"
        pull_s = timed(["pull", "--lang", args.lang, "--all", "--format", fmt, "-o", str(out)], repo)
        files = sorted(str(p) for p in out.iterdir())
        units = sum(len(read_document(Path(f), Path(f).read_bytes()).units) for f in files)
        noop_s = timed(["push", *files], repo)
        edited = edit_one_unit(out, step)
        push_s = timed(["push", *files], repo)
        rows.append((fmt, len(files), units, pull_s, noop_s, push_s, edited))
    print(f"\n{args.briefings} briefings, language {args.lang}; seconds (target under {TARGET_SECONDS:.0f} s each)")
    print(f"{'FORMAT':8} {'FILES':>6} {'UNITS':>7} {'PULL':>7} {'PUSH (no change)':>17} {'PUSH (1 edit/file)':>19}")
    for fmt, n, units, pull_s, noop_s, push_s, _ in rows:
        print(f"{fmt:8} {n:>6} {units:>7} {pull_s:>7.2f} {noop_s:>17.2f} {push_s:>19.2f}")
    worst = max(max(r[3:6]) for r in rows)
    print(f"\nslowest: {worst:.2f} s ({'within' if worst < TARGET_SECONDS else 'OVER'} the target)")


if __name__ == "__main__":
    main()
