"""Bad input: one line `path:line: what is wrong`, exit 2, and every file as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliFn, snapshot

SLUG = "2023-w09-airfield-attack"  # original ru; its front matter, line by line:
# 1 ---, 2 title, 3 period:, 4 start, 5 end, 6 section, 7 situation, 8 authors:,
# 9 - name, 10 lede, 11 original, 12 ---, 13 blank, 14 the first paragraph.
SOURCE = f"content/ru/{SLUG}.md"
TRANSLATION = f"content/be/{SLUG}.md"
CATALOG = f"locale/be/{SLUG}.po"


def replace(repo: Path, rel: str, old: bytes, new: bytes) -> None:
    path = repo / rel
    data = path.read_bytes()
    assert data.count(old) == 1, f"{old!r} must occur once in {rel}"
    path.write_bytes(data.replace(old, new))


def broken_yaml(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, b"situation: worsened\n", b"situation: worsened: badly\n")
    return SOURCE, 7, "broken YAML front matter"


def missing_field(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, b"section: security\n", b"")
    return SOURCE, 1, "missing required field 'section'"


def invalid_date(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, b"start: 2023-02-27", b"start: 2023-02-30")
    return SOURCE, 4, "invalid date '2023-02-30'"


def period_backwards(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, b"end: 2023-03-05", b"end: 2023-02-20")
    return SOURCE, 3, "period ends (2023-02-20) before it starts (2023-02-27)"


def unknown_original(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, b"original: ru", b"original: de")
    return SOURCE, 11, "unknown language 'de' in 'original'"


def unconfigured_folder(repo: Path) -> tuple[str, int, str]:
    (repo / "content" / "de").mkdir()
    (repo / "content" / "de" / "x.md").write_bytes((repo / SOURCE).read_bytes())
    return "content/de/x.md", 1, "language folder 'de' is not configured"


def two_originals(repo: Path) -> tuple[str, int, str]:
    replace(repo, TRANSLATION, b"original: ru", b"original: be")
    # Reported on the second of them in the configured order (be, ru, en).
    return SOURCE, 11, f"two originals of '{SLUG}': {TRANSLATION} and {SOURCE}"


def invalid_utf8(repo: Path) -> tuple[str, int, str]:
    replace(repo, SOURCE, "Утром 26 февраля".encode(), "Утром 26 ".encode() + b"\xff" + " февраля".encode())
    return SOURCE, 14, "invalid UTF-8"


def malformed_po(repo: Path) -> tuple[str, int, str]:
    replace(repo, CATALOG, 'msgstr "Інцыдэнт на аэрадроме Мачулішчы"'.encode(), 'msgstr "Інцыдэнт'.encode())
    return CATALOG, 15, "malformed PO file"


def po_of_another_language(repo: Path) -> tuple[str, int, str]:
    replace(repo, CATALOG, b'"Language: be\\n"', b'"Language: ru\\n"')
    return CATALOG, 5, "catalog is for language 'ru', expected 'be'"


def original_disagrees(repo: Path) -> tuple[str, int, str]:
    replace(repo, TRANSLATION, b"original: ru", b"original: en")
    return TRANSLATION, 11, f"records original 'en', but the original of '{SLUG}' is {SOURCE}"


def broken_translation_yaml(repo: Path) -> tuple[str, int, str]:
    replace(repo, TRANSLATION, b"section: security\n", b"section: [security\n")
    return TRANSLATION, 7, "broken YAML front matter"


def po_invalid_utf8(repo: Path) -> tuple[str, int, str]:
    replace(repo, CATALOG, 'Мачулішчы"'.encode(), b'\xc0"')
    return CATALOG, 15, "invalid UTF-8"


def translation_breaks_structure(repo: Path) -> tuple[str, int, str]:
    # A list item translated as "## ..." would turn into a heading in the Markdown.
    replace(repo, CATALOG, '"у раёне аэрадрома'.encode(), '"## у раёне аэрадрома'.encode())
    return CATALOG, 67, "would change the Markdown structure"


def broken_config(repo: Path) -> tuple[str, int, str]:
    replace(repo, "trilingual.toml", b'name = "belarus-briefings"', b"name = belarus-briefings")
    return "trilingual.toml", 3, "invalid TOML"


def unknown_configured_language(repo: Path) -> tuple[str, int, str]:
    replace(repo, "trilingual.toml", b'languages = ["be", "ru", "en"]', b'languages = ["be", "ru", "xx"]')
    return "trilingual.toml", 6, "unknown language 'xx'"


CASES: dict[str, Callable[[Path], tuple[str, int, str]]] = {
    "broken-yaml": broken_yaml,
    "missing-field": missing_field,
    "invalid-date": invalid_date,
    "period-ends-before-start": period_backwards,
    "unknown-original": unknown_original,
    "unconfigured-language-folder": unconfigured_folder,
    "two-originals": two_originals,
    "invalid-utf8": invalid_utf8,
    "malformed-po": malformed_po,
    "po-of-another-language": po_of_another_language,
    "original-disagrees": original_disagrees,
    "broken-translation-yaml": broken_translation_yaml,
    "po-invalid-utf8": po_invalid_utf8,
    "translation-breaks-structure": translation_breaks_structure,
    "broken-config": broken_config,
    "unknown-configured-language": unknown_configured_language,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_one_line(sample_repo: Path, cli: CliFn, case: str) -> None:
    rel, line, message = CASES[case](sample_repo)
    before = snapshot(sample_repo)
    for command in (("update",), ("status",), ("check",), ("update", SLUG)):
        result = cli(sample_repo, *command)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert lines[0].startswith(f"{rel}:{line}: "), (command, lines[0])
        assert message in lines[0], (command, lines[0])
        assert snapshot(sample_repo) == before, command
