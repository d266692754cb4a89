"""Files for translators: pull them out, push them back (PO, XLIFF 1.2, XLIFF 2.0).

Formats form a registry, one class each behind `Format`; `get_format` finds
one by name, `format_of` by a file's name and content.
"""

from __future__ import annotations

from pathlib import Path

from trilingual.errors import InputError, UsageError
from trilingual.exchange.model import Document, ExchangeUnit, Format, base_of
from trilingual.exchange.po import PoFormat
from trilingual.exchange.xliff import Xliff12Format, Xliff20Format

FORMATS: dict[str, Format] = {f.name: f for f in (PoFormat(), Xliff12Format(), Xliff20Format())}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def format_of(path: Path, data: bytes) -> Format:
    for fmt in FORMATS.values():
        if fmt.claims(path, data):
            return fmt
    raise InputError(path, 1, "not a PO (.po) or XLIFF 1.2/2.0 (.xlf, .xliff) file")


def read_document(path: Path, data: bytes) -> Document:
    return format_of(path, data).load(data, path)


__all__ = ["FORMATS", "Document", "ExchangeUnit", "Format", "base_of", "format_of", "get_format", "read_document"]
