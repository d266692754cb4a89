"""The released edition pages, opened in headless Chromium."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import CliFn
from tests.programs import need

TITLES = {
    "be": "Штотыднёвы агляд па Беларусі · 27 лютага – 5 сакавіка 2023\u202fг.",
    "ru": "Еженедельный обзор по Беларуси · 27 февраля – 5 марта 2023\u202fг.",
    "en": "Belarus Weekly Briefing · February 27 – March 5, 2023",
}


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    browser = need("chromium")
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = depth = colour = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            corner = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


@pytest.mark.parametrize("lang", ["be", "ru", "en"])
def test_the_edition_page_renders_in_chromium(sample_repo: Path, tmp_path: Path, cli: CliFn, lang: str) -> None:
    need("chromium")
    assert cli(sample_repo, "release", "2023-W09").exit_code == 0
    url = (sample_repo / "dist" / lang / "index.html").as_uri()

    dom = chromium(tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    assert re.search(rf'<html lang="{lang}"', text)
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    assert title is not None and title.group(1) == TITLES[lang]
    assert text.count('class="summary"') == 3

    shot = tmp_path / f"{lang}.png"
    taken = chromium(tmp_path / "profile", "--window-size=1000,1200", f"--screenshot={shot}", url)
    assert taken.returncode == 0 and shot.is_file(), taken.stderr.decode(errors="replace")[-2000:]
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 1200)
    colours = {row[i : i + 3] for row in rows[::8] for i in range(0, len(row), 3 * 8)}
    assert len(colours) > 20, "the screenshot is blank"
    # The masthead rule is drawn in the accent colour, not left white.
    assert any(b"\x1f\x3a\x5f" in row for row in rows[:120])


def test_the_status_page_filters_in_chromium(sample_repo: Path, tmp_path: Path, cli: CliFn) -> None:
    need("chromium")
    assert cli(sample_repo, "status", "--html", "status.html").exit_code == 0
    url = (sample_repo / "status.html").as_uri()
    views = (("", 27), ("#state=stale", 2), ("#lang=en&edition=2023-W12", 3), ("#lang=be&state=draft", 1))
    for fragment, shown in views:
        dom = chromium(tmp_path / "profile", "--dump-dom", url + fragment)
        assert dom.returncode == 0
        rows = re.findall(r"<tr data-lang[^>]*>", dom.stdout.decode("utf-8"))
        visible = [r for r in rows if "hidden" not in r]
        assert len(rows) == 27 and len(visible) == shown, fragment
