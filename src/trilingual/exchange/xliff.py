"""XLIFF 1.2 and 2.0 as exchange formats, for CAT tools (OmegaT, Trados, memoQ).

Both are written with lxml and hold the unit's Markdown as plain text, which
is what a CAT tool shows and gives back. XLIFF 1.2 keeps trilingual's own
data in context groups with `x-` context types (valid under the strict OASIS
schema, which forbids foreign attributes it cannot check); XLIFF 2.0 keeps it
in the metadata module. Machine drafts are unreviewed: 1.2 marks them
`needs-review-translation` with the `mt-suggestion` qualifier and
approved="no", 2.0 leaves them `initial`, and the engine is named in a note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from trilingual import __version__
from trilingual.config import base_language
from trilingual.errors import InputError
from trilingual.exchange.model import TOOL, Document, ExchangeUnit, Format, source_lang_of

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_SPACE = f"{{{XML_NS}}}space"
XML_LANG = f"{{{XML_NS}}}lang"
PREFIX = "x-trilingual-"
MT_NOTE = "machine translation"
# Review states a CAT tool sets once a translator confirms a segment.
DONE_STATES_12 = {"translated", "final", "signed-off"}
DONE_STATES_20 = {"translated", "reviewed", "final"}


def _parse(data: bytes, path: Path) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else 1
        raise InputError(path, line, f"malformed XLIFF: {exc.msg}") from None


def _text(element: Any) -> str:
    # A CAT tool may wrap segments in <mrk>; the text is what counts.
    return "" if element is None else "".join(element.itertext())


def _version(data: bytes) -> str | None:
    head = data[:2048]
    if XLIFF20.encode() in head:
        return "2.0"
    if XLIFF12.encode() in head or b"<xliff" in head:
        return "1.2"
    return None


def _serialize(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _slug_of(source_path: str) -> str:
    name = source_path.rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".md") else name


def _own_fields(unit: ExchangeUnit) -> dict[str, str]:
    """trilingual's own data of a unit, by name, as both versions keep it (1.2 adds PREFIX)."""
    fields = {
        "base": unit.base,
        "kind": unit.kind,
        "msgctxt": unit.context,
        "previous-source": unit.previous_source if unit.fuzzy else None,
        "engine": unit.engine,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _read_unit(
    own: dict[str, str],
    source: str,
    target: str,
    fuzzy: bool,
    reference: tuple[str, str] | None,  # the original's file, and its line as written
    glossary: tuple[str, ...],
    line: int,
) -> ExchangeUnit:
    """A unit read back: what the format itself holds, and `_own_fields`."""
    return ExchangeUnit(
        source=source,
        target=target,
        context=own.get("msgctxt"),
        fuzzy=fuzzy,
        base=own.get("base", ""),
        kind=own.get("kind", ""),
        reference=(reference[0], int(reference[1]) if reference[1].isdigit() else 0) if reference else None,
        previous_source=own.get("previous-source"),
        engine=own.get("engine"),
        glossary=glossary,
        line=line,
    )


def _only_file(root: Any, q: str, path: Path) -> Any:
    files = root.findall(q + "file")
    if len(files) != 1:
        raise InputError(path, root.sourceline or 1, f"expected one <file> element, found {len(files)}")
    return files[0]


def _document(
    file: Any, lang: str, source_lang: str, units: list[ExchangeUnit], project: str, lang_line: int
) -> Document:
    original = file.get("original", "")
    return Document(
        slug=_slug_of(original),
        lang=lang,
        source_lang=source_lang or source_lang_of(original),
        source_path=original,
        units=tuple(units),
        project=project,
        lang_line=lang_line,
        slug_line=file.sourceline or 1,
    )


class Xliff12Format(Format):
    name = "xliff"
    label = "XLIFF 1.2"
    extension = ".xlf"

    def claims(self, path: Path, data: bytes) -> bool:
        return path.suffix in (".xlf", ".xliff") and _version(data) == "1.2"

    def dump(self, doc: Document) -> bytes:
        q = f"{{{XLIFF12}}}"
        root = etree.Element(q + "xliff", {"version": "1.2"}, nsmap={None: XLIFF12})
        file = etree.SubElement(
            root,
            q + "file",
            {
                "original": doc.source_path,
                "source-language": doc.source_lang,
                "target-language": doc.lang,
                "datatype": "x-markdown",
                "tool-id": TOOL,
                "product-name": doc.project or TOOL,
            },
        )
        header = etree.SubElement(file, q + "header")
        etree.SubElement(header, q + "tool", {"tool-id": TOOL, "tool-name": TOOL, "tool-version": __version__})
        body = etree.SubElement(file, q + "body")
        for number, unit in enumerate(doc.units, start=1):
            tu = etree.SubElement(body, q + "trans-unit", {"id": f"u{number}", XML_SPACE: "preserve"})
            if unit.kind:
                tu.set("restype", "x-" + unit.kind.replace(" ", "-"))
            etree.SubElement(tu, q + "source", {XML_LANG: doc.source_lang}).text = unit.source
            if unit.target:
                target = etree.SubElement(tu, q + "target", {XML_LANG: doc.lang})
                target.text = unit.target
                if unit.fuzzy:
                    tu.set("approved", "no")
                    target.set("state", "needs-review-translation")
                    target.set("state-qualifier", "mt-suggestion" if unit.engine else "fuzzy-match")
                else:
                    tu.set("approved", "yes")
                    target.set("state", "translated")
            if unit.reference:
                group = etree.SubElement(tu, q + "context-group", {"purpose": "location"})
                etree.SubElement(group, q + "context", {"context-type": "sourcefile"}).text = unit.reference[0]
                etree.SubElement(group, q + "context", {"context-type": "linenumber"}).text = str(unit.reference[1])
            own = etree.SubElement(tu, q + "context-group", {"purpose": PREFIX + "pull"})
            for field, value in _own_fields(unit).items():
                etree.SubElement(own, q + "context", {"context-type": PREFIX + field}).text = value
            if unit.kind:
                etree.SubElement(tu, q + "note", {"from": TOOL}).text = f"Unit: {unit.kind}"
            if unit.engine:
                etree.SubElement(
                    tu, q + "note", {"from": MT_NOTE}
                ).text = f"Machine draft by {unit.engine}, not reviewed"
            if unit.previous_source is not None and unit.fuzzy:
                etree.SubElement(tu, q + "note", {"from": TOOL}).text = (
                    "The source changed; the translation was made from: " + unit.previous_source
                )
            for line in unit.glossary:
                etree.SubElement(tu, q + "note", {"from": "glossary"}).text = line
        return _serialize(root)

    def load(self, data: bytes, path: Path) -> Document:
        root = _parse(data, path)
        q = f"{{{XLIFF12}}}"
        if root.tag != q + "xliff":
            raise InputError(path, root.sourceline or 1, f"not XLIFF 1.2 (root element {root.tag!r})")
        file = _only_file(root, q, path)
        lang = base_language(file.get("target-language") or "")
        if not lang:
            raise InputError(path, file.sourceline or 1, "no target-language on <file>")
        units = []
        for tu in file.iter(q + "trans-unit"):
            source = tu.find(q + "source")
            if source is None:
                raise InputError(path, tu.sourceline or 1, "trans-unit without <source>")
            target = tu.find(q + "target")
            text = _text(target)
            state = target.get("state") if target is not None else None
            approved = tu.get("approved")
            if not text or approved == "yes" or state in DONE_STATES_12:
                fuzzy = False
            else:
                fuzzy = state is not None or approved == "no"
            own: dict[str, str] = {}
            location: dict[str, str] = {}
            for group in tu.findall(q + "context-group"):
                for context in group.findall(q + "context"):
                    kind = context.get("context-type", "")
                    if kind.startswith(PREFIX):
                        own[kind[len(PREFIX) :]] = context.text or ""
                    else:
                        location[kind] = context.text or ""
            units.append(
                _read_unit(
                    own,
                    source=_text(source),
                    target=text,
                    fuzzy=fuzzy,
                    reference=(location["sourcefile"], location.get("linenumber", ""))
                    if "sourcefile" in location
                    else None,
                    glossary=tuple(n.text or "" for n in tu.findall(q + "note") if n.get("from") == "glossary"),
                    line=tu.sourceline or 0,
                )
            )
        source_lang = file.get("source-language", "")
        return _document(file, lang, source_lang, units, file.get("product-name", ""), file.sourceline or 1)


class Xliff20Format(Format):
    name = "xliff2"
    label = "XLIFF 2.0"
    extension = ".xlf"

    def claims(self, path: Path, data: bytes) -> bool:
        return path.suffix in (".xlf", ".xliff") and _version(data) == "2.0"

    def dump(self, doc: Document) -> bytes:
        q = f"{{{XLIFF20}}}"
        m = f"{{{MDA}}}"
        root = etree.Element(
            q + "xliff",
            {"version": "2.0", "srcLang": doc.source_lang, "trgLang": doc.lang},
            nsmap={None: XLIFF20, "mda": MDA},
        )
        file = etree.SubElement(root, q + "file", {"id": "f1", "original": doc.source_path, XML_SPACE: "preserve"})
        if doc.project:
            meta = etree.SubElement(etree.SubElement(file, m + "metadata"), m + "metaGroup", {"category": TOOL})
            etree.SubElement(meta, m + "meta", {"type": "project"}).text = doc.project
        for number, unit in enumerate(doc.units, start=1):
            u = etree.SubElement(file, q + "unit", {"id": f"u{number}"})
            if unit.kind:
                u.set("type", "trilingual:" + unit.kind.replace(" ", "-"))
            group = etree.SubElement(etree.SubElement(u, m + "metadata"), m + "metaGroup", {"category": TOOL})
            fields = _own_fields(unit)
            if unit.reference:
                fields["reference"] = f"{unit.reference[0]}:{unit.reference[1]}"
            for field, value in fields.items():
                etree.SubElement(group, m + "meta", {"type": field}).text = value
            notes = []
            if unit.engine:
                notes.append(("machine-translation", f"Machine draft by {unit.engine}, not reviewed"))
            if unit.previous_source is not None and unit.fuzzy:
                notes.append(("previous-source", unit.previous_source))
            notes.extend(("glossary", line) for line in unit.glossary)
            if notes:
                holder = etree.SubElement(u, q + "notes")
                for category, text in notes:
                    etree.SubElement(holder, q + "note", {"category": category}).text = text
            state = "initial" if unit.fuzzy or not unit.target else "translated"
            segment = etree.SubElement(u, q + "segment", {"state": state})
            etree.SubElement(segment, q + "source").text = unit.source
            if unit.target:
                etree.SubElement(segment, q + "target").text = unit.target
        return _serialize(root)

    def load(self, data: bytes, path: Path) -> Document:
        root = _parse(data, path)
        q = f"{{{XLIFF20}}}"
        m = f"{{{MDA}}}"
        if root.tag != q + "xliff":
            raise InputError(path, root.sourceline or 1, f"not XLIFF 2.0 (root element {root.tag!r})")
        lang = base_language(root.get("trgLang") or "")
        if not lang:
            raise InputError(path, root.sourceline or 1, "no trgLang on <xliff>")
        file = _only_file(root, q, path)
        project = ""
        for meta in file.findall(f"{m}metadata/{m}metaGroup/{m}meta"):
            if meta.get("type") == "project":
                project = meta.text or ""
        units = []
        for u in file.iter(q + "unit"):
            segments = u.findall(q + "segment")
            if not segments:
                raise InputError(path, u.sourceline or 1, "unit without <segment>")
            # A tool that splits a unit into sentences keeps them in order; join them back.
            source = "".join(_text(s.find(q + "source")) for s in segments)
            target = "".join(_text(s.find(q + "target")) for s in segments)
            states = {s.get("state", "initial") for s in segments}
            fuzzy = bool(target) and not states <= DONE_STATES_20
            own = {
                meta.get("type", ""): meta.text or ""
                for meta in u.findall(f"{m}metadata/{m}metaGroup/{m}meta")
                if meta.getparent().get("category") == TOOL
            }
            ref_path, _, ref_line = own.get("reference", "").rpartition(":")
            units.append(
                _read_unit(
                    own,
                    source=source,
                    target=target,
                    fuzzy=fuzzy,
                    reference=(ref_path, ref_line) if ref_path else None,
                    glossary=tuple(
                        n.text or "" for n in u.findall(f"{q}notes/{q}note") if n.get("category") == "glossary"
                    ),
                    line=u.sourceline or 0,
                )
            )
        return _document(file, lang, root.get("srcLang", ""), units, project, root.sourceline or 1)
