"""Small text helpers for worksheet XML: column letters, attributes, escaping, characters a sheet can't hold."""

from __future__ import annotations

import re

_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*("[^"]*"|\'[^\']*\')')
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    index = 0
    for char in text:
        index = index * 26 + ord(char) - 64
    return index


_COLUMNS: dict[bytes, int] = {}


def cached_column_index(letters: bytes) -> int:
    """column_index, remembered: a sheet has few distinct column letters and very many cells."""
    index = _COLUMNS.get(letters)
    if index is None:
        index = _COLUMNS[letters] = column_index(letters)
    return index


def xml_escape(text: str, *, quotes: bool = False) -> str:
    """&, < and > (with `quotes` also ") as XML entities: what xml.sax.saxutils.escape does, without importing it
    (it pulls in urllib, http.client and ssl: some 30 ms at every start)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quotes else text


def xml_unescape(text: str) -> str:
    """The five predefined XML entities back to their characters (&amp; last, so "&amp;lt;" stays "&lt;")."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def printable(text: str) -> str:
    """Control characters (from an e-mail subject, say) can't be stored in a worksheet: they are dropped."""
    return _ILLEGAL.sub("", text)


def attributes(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2)[1:-1] for m in _ATTR.finditer(tag)}
