"""Benchmark of `draft`: 2,000 units through a LibreTranslate-compatible server on 127.0.0.1
that answers each request after 50 ms, a second run, and translation-memory lookups over
100,000 stored units.

Run: python3 bench/bench_draft.py [--units 2000] [--delay 0.05] [--tm-units 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.loopback import Behaviour, serve  # noqa: E402
from trilingual.config import load_config  # noqa: E402
from trilingual.drafting import draft  # noqa: E402
from trilingual.memory import Memory, TMUnit  # noqa: E402
from trilingual.repository import Selection  # noqa: E402

WORDS = [
    "цены",
    "рост",
    "экспорт",
    "граница",
    "министр",
    "бюджет",
    "калий",
    "завод",
    "санкции",
    "выборы",
    "армия",
    "рубль",
]
PER_BRIEFING = 50


def sentence(rng: random.Random, i: int) -> str:
    return f"Абзац {i}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + "."


def make_repo(folder: Path, units: int, url: str) -> None:
    rng = random.Random(4)
    (folder / "trilingual.toml").write_text(
        '[project]\nname = "bench"\nlanguages = ["be", "ru", "en"]\n'
        f'[engines.libre]\nurl = "{url}"\n[routes]\n"ru>en" = ["tm", "libre"]\n',
        encoding="utf-8",
    )
    (folder / "content" / "ru").mkdir(parents=True)
    n = 0
    for b in range(0, units, PER_BRIEFING):
        body = "\n\n".join(sentence(rng, n + i) for i in range(min(PER_BRIEFING, units - b) - 2))
        n += PER_BRIEFING
        text = (
            f"---\ntitle: Брифинг {b}\nperiod:\n  start: 2023-03-06\n  end: 2023-03-12\nsection: economy\n"
            f"situation: unchanged\nlede: Лид брифинга {b}.\noriginal: ru\n---\n\n{body}\n"
        )
        (folder / "content" / "ru" / f"b{b:05d}.md").write_text(text, encoding="utf-8")


def bench_draft(units: int, delay: float) -> None:
    with serve(Behaviour(delay=delay)) as server, tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        make_repo(repo, units, server.url)
        config = load_config(repo)
        start = time.perf_counter()
        report = draft(config, Selection((), ("en",)))
        wall = time.perf_counter() - start
        sent = len(server.translate_requests)
        serial = report.untranslated * delay
        print(f"draft: {report.drafted} of {report.untranslated} units drafted in {wall:.2f} s")
        print(f"  requests sent: {sent} (texts per request up to the engine's batch size)")
        print(
            f"  serial time (units x {delay * 1000:.0f} ms): {serial:.1f} s; ratio serial / wall: {serial / wall:.1f}x"
        )
        again = draft(config, Selection((), ("en",)))
        print(f"second run: {len(server.translate_requests) - sent} requests, {again.drafted} units drafted")
        shutil.rmtree(repo / ".trilingual")
        for path in (repo / "locale" / "en").glob("*.po"):
            path.unlink()
        shutil.rmtree(repo / "locale" / "en" / ".sync")
        shutil.rmtree(repo / "content" / "en")
        start = time.perf_counter()
        path = repo / "trilingual.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("[routes]", "batch_size = 1\n[routes]"))
        report = draft(load_config(repo), Selection((), ("en",)), engine="libre")
        wall = time.perf_counter() - start
        requests = len(server.translate_requests) - sent
        print(
            f"one text per request (fresh state, default 8 workers): {report.drafted} units, "
            f"{requests} requests in {wall:.2f} s, ratio {serial / wall:.1f}x"
        )


def bench_memory(n: int, lookups: int = 1000) -> None:
    rng = random.Random(7)
    memory = Memory(None)
    start = time.perf_counter()
    memory.add(
        TMUnit("ru", "en", f"{i} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40))), f"t{i}")
        for i in range(n)
    )
    print(f"memory: {len(memory)} units stored in {time.perf_counter() - start:.1f} s")
    sources = [u.source for u in memory.units()]
    exact = [rng.choice(sources) for _ in range(lookups // 2)]
    near = [q[:-3] + "xyz" for q in (rng.choice(sources) for _ in range(lookups // 2))]  # near misses
    start = time.perf_counter()
    memory.lookup("ru", "en", near[0])  # builds the pair's index once
    print(f"memory: fuzzy index of the pair built in {time.perf_counter() - start:.2f} s (once per run)")
    timings = []
    for name, queries in (("exact", exact), ("fuzzy", near)):
        start = time.perf_counter()
        hits = sum(memory.lookup("ru", "en", q, 75) is not None for q in queries)
        per = (time.perf_counter() - start) / len(queries) * 1000
        timings.append(per)
        print(f"memory lookup, {name}: {per:.2f} ms per unit over {n} units ({hits} of {len(queries)} found)")
    print(f"memory lookup, mean: {sum(timings) / 2:.2f} ms per unit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--tm-units", type=int, default=100_000)
    args = parser.parse_args()
    bench_draft(args.units, args.delay)
    bench_memory(args.tm_units)


if __name__ == "__main__":
    main()
