"""Our merge against GNU `msgmerge --previous` on simple edits of a source.

Each case starts from a translated catalog, edits the original, and runs both
`trilingual update` and msgmerge (old catalog + a template of the new source);
the resulting entries must agree on msgid, msgstr, the fuzzy flag, the
previous msgid and what turned obsolete, except where a test says why not.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

from tests.conftest import CliFn
from tests.programs import need

HEAD = """---
title: Trade figures
period:
  start: 2023-03-06
  end: 2023-03-12
section: economy
situation: unchanged
lede: What the ministry published this week.
original: en
---
"""

P1 = "Exports to China grew by 10 percent in January, the ministry said on Monday."
P2 = "Potash shipments now go through Russian ports, at a considerably higher cost per tonne."
P3 = "The central bank kept its refinancing rate unchanged for the third month in a row."
P4 = "Analysts expect the trade deficit to widen once the spring sowing campaign begins."
NEW = "Officials did not comment on the reports of a new credit line."
LONG = (
    "The government presented its plan for the second quarter on Thursday. It promises to keep prices under "
    "control, to support exporters who lost access to European markets, and to speed up the construction of "
    "logistics hubs near the border with Russia; independent economists doubt that the budget can pay for all "
    "of it at once, and point out that similar plans in the past were quietly revised within months."
)

Summary = tuple[dict[tuple[str | None, str], tuple[str, bool, str | None]], set[tuple[str, str]]]


def write_source(repo: Path, paragraphs: list[str], head: str = HEAD) -> None:
    body = "\n" + "\n\n".join(paragraphs) + "\n"
    (repo / "content" / "en" / "trade.md").write_text(head + body, encoding="utf-8")


def translated_repo(tmp_path: Path, cli: CliFn, paragraphs: list[str]) -> Path:
    """A repository whose Russian catalog translates every unit of `paragraphs`, as a translator left it."""
    repo = tmp_path / "repo"
    (repo / "content" / "en").mkdir(parents=True)
    (repo / "trilingual.toml").write_text('[project]\nname = "merge"\nlanguages = ["ru", "en"]\n', encoding="utf-8")
    write_source(repo, paragraphs)
    assert cli(repo, "update").exit_code == 0
    po = polib.pofile(str(catalog_path(repo)), wrapwidth=78)
    for entry in po:
        entry.msgstr = "RU " + entry.msgid
    po.save()
    assert cli(repo, "update").exit_code == 0
    return repo


def catalog_path(repo: Path) -> Path:
    return repo / "locale" / "ru" / "trade.po"


def summary(path: Path) -> Summary:
    po = polib.pofile(str(path))
    active = {(e.msgctxt, e.msgid): (e.msgstr, "fuzzy" in e.flags, e.previous_msgid) for e in po if not e.obsolete}
    return active, {(e.msgid, e.msgstr) for e in po.obsolete_entries()}


def both_merges(
    repo: Path, cli: CliFn, tmp_path: Path, new_paragraphs: list[str], head: str = HEAD
) -> tuple[Summary, Summary]:
    """(ours, msgmerge's) after the source changed to `new_paragraphs`."""
    msgmerge = need("msgmerge")
    old = tmp_path / "old.po"
    old.write_bytes(catalog_path(repo).read_bytes())
    write_source(repo, new_paragraphs, head)
    result = cli(repo, "update")
    assert result.exit_code == 0, result.stderr

    # The template of the new source: our catalog's entries, without any translation.
    pot = polib.pofile(str(catalog_path(repo)))
    template = polib.POFile()
    template.metadata = dict(pot.metadata)
    for e in pot:
        if not e.obsolete:
            template.append(polib.POEntry(msgid=e.msgid, msgctxt=e.msgctxt, msgstr="", occurrences=e.occurrences))
    template.save(str(tmp_path / "new.pot"))
    out = tmp_path / "msgmerge.po"
    subprocess.run(
        [msgmerge, "--previous", "--quiet", "-o", str(out), str(old), str(tmp_path / "new.pot")],
        check=True,
        capture_output=True,
    )
    return summary(catalog_path(repo)), summary(out)


def test_simple_edits_agree_with_msgmerge(tmp_path: Path, cli: CliFn) -> None:
    repo = translated_repo(tmp_path, cli, [P1, P2, P3, P4])
    changed = P3.replace("third", "fourth")
    # P1 changed lightly, P2 removed, P4 moved to the front, NEW added.
    ours, theirs = both_merges(repo, cli, tmp_path, [P4, P1.replace("10", "12"), changed, NEW])
    assert ours == theirs

    active, obsolete = ours
    assert active[(None, P4)] == ("RU " + P4, False, None)  # moved: still an exact match
    assert active[(None, P1.replace("10", "12"))] == ("RU " + P1, True, P1)
    assert active[(None, changed)] == ("RU " + P3, True, P3)
    assert active[(None, NEW)] == ("", False, None)
    assert obsolete == {(P2, "RU " + P2)}


def test_front_matter_edit_agrees_with_msgmerge(tmp_path: Path, cli: CliFn) -> None:
    repo = translated_repo(tmp_path, cli, [P1, P2])
    head = HEAD.replace("this week.", "this week and last.")
    ours, theirs = both_merges(repo, cli, tmp_path, [P1, P2], head)
    assert ours == theirs
    lede = "What the ministry published this week and last."
    assert ours[0][(None, lede)] == (
        "RU What the ministry published this week.",
        True,
        "What the ministry published this week.",
    )


def test_lightly_edited_long_paragraph_stays_fuzzy(tmp_path: Path, cli: CliFn) -> None:
    # Babel's catalog update long sent such an entry to the obsolete ones, a
    # known complaint of its users: difflib's "autojunk" heuristic rates texts
    # over 200 characters as near-unrelated after an edit like this one (a ratio
    # of about 0.01), and the translator had to start over. Recent Babel turns
    # autojunk off. Like msgmerge, we keep the translation, fuzzy, with the text
    # it was made from; our similarity measure has no such heuristic.
    repo = translated_repo(tmp_path, cli, [P1, LONG, P3])
    edited = LONG.replace(
        "The government presented its plan for the second quarter on Thursday.",
        "On Thursday, the cabinet presented its plan for the second quarter.",
    ).replace("all of it", "all of this")
    ours, theirs = both_merges(repo, cli, tmp_path, [P1, edited, P3])
    assert ours == theirs
    assert ours[0][(None, edited)] == ("RU " + LONG, True, LONG)
    assert ours[1] == set()
    text = catalog_path(repo).read_text(encoding="utf-8")
    assert "#| msgid" in text and "#, fuzzy" in text
    # The translated Markdown still shows the translation made from the old text.
    assert "RU The government presented" in (repo / "content" / "ru" / "trade.md").read_text(encoding="utf-8")


def test_place_in_the_document_counts(tmp_path: Path, cli: CliFn) -> None:
    """Two similar paragraphs; the second is edited so that it now resembles the first more.

    msgmerge looks for the closest old text anywhere and attaches the first
    paragraph's translation to the edited second one (a common complaint:
    a translation appears on an unrelated paragraph that merely looks alike).
    We pair the edited paragraph with the old one in the same place, whose
    translation is the one the translator has to revise; the first paragraph
    is unchanged and keeps its own.
    """
    first = P1
    second = "Exports to Russia fell by 4 percent in February, the ministry said on Friday."
    edited = "Exports to China grew by 4 percent in January, the ministry said on Friday."
    repo = translated_repo(tmp_path, cli, [first, P2, second])
    ours, theirs = both_merges(repo, cli, tmp_path, [first, P2, edited])

    assert ours[0][(None, first)] == theirs[0][(None, first)] == ("RU " + first, False, None)
    assert ours[0][(None, edited)] == ("RU " + second, True, second)
    assert ours[1] == set()
    # Where msgmerge differs, by design:
    assert theirs[0][(None, edited)] == ("RU " + first, True, first)
    assert theirs[1] == {(second, "RU " + second)}


def test_edited_and_moved_far_needs_a_near_identical_text(tmp_path: Path, cli: CliFn) -> None:
    """A paragraph moved elsewhere and lightly edited keeps its translation, as with msgmerge."""
    repo = translated_repo(tmp_path, cli, [P1, P2, P3, P4])
    moved = P2.replace("considerably", "much")
    ours, theirs = both_merges(repo, cli, tmp_path, [P1, P3, P4, moved])
    assert ours == theirs
    assert ours[0][(None, moved)] == ("RU " + P2, True, P2)
