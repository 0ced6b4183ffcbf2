"""Where things are in a TOML file, for messages that name a line: a key's line, and tomllib's errors in Dutch.

tomllib gives values, not positions; this small scan gives each key (dotted, with its table) the line it is written
on, which is all a config message needs. It follows tables (`[a.b]`), arrays of tables (`[[a]]`, by name), dotted
and quoted keys, and skips multi-line strings and arrays. It never decides what the file means: tomllib does.
"""

from __future__ import annotations

import re
import tomllib

_KEY = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_TABLE = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_PART = re.compile(_KEY)

# tomllib's messages (Python 3.11-3.13) in Dutch; anything else keeps its own words after a Dutch lead.
TOML_MESSAGES = {
    "Cannot overwrite a value": "deze sleutel heeft al een waarde (staat hij er twee keer?)",
    "Expected '=' after a key in a key/value pair": "na een sleutel hoort '=' en dan de waarde",
    "Expected ']' at the end of a table declaration": "een sectienaam moet eindigen met ']'",
    "Expected ']]' at the end of an array declaration": "een lijst-sectie moet eindigen met ']]'",
    "Expected newline or end of document after a statement": "na de waarde mag op dezelfde regel niets meer staan "
    "(zet uitleg achter een #)",
    "Invalid date or datetime": "ongeldige datum of tijd",
    "Invalid initial character for a key part": "een sleutel begint met een letter, cijfer, _ of -",
    "Invalid statement": "deze regel is geen sleutel = waarde en geen [sectie]",
    "Invalid value": "ongeldige waarde (een tekst hoort tussen aanhalingstekens)",
    "Unclosed array": "een lijst is niet gesloten met ']'",
    "Unclosed inline table": "een tabel op één regel is niet gesloten met '}'",
    "Unterminated string": "een tekst is niet afgesloten met een aanhalingsteken",
    "Unescaped '\\' in a string": "een '\\' in een tekst tussen \"…\": schrijf '\\\\' of gebruik '…'",
}
_POSITION = re.compile(r"^(?P<what>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")


def key_lines(text: str) -> dict[str, int]:
    """Each dotted key (and each table) of a TOML text with its 1-based line number; the first one wins."""
    lines: dict[str, int] = {}
    table: list[str] = []
    closing: str | None = None  # inside a multi-line string or array: what ends it
    for number, line in enumerate(text.splitlines(), start=1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        stripped = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
        header = _TABLE.match(stripped)
        if header:
            table = _parts(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        assign = _ASSIGN.match(stripped)
        if not assign:
            continue
        key = ".".join([*table, *_parts(assign.group(1))])
        lines.setdefault(key, number)
        closing = _opens_block(assign.group(2))
    return lines


def _parts(dotted: str) -> list[str]:
    return [part.strip("\"'") for part in _PART.findall(dotted)]


def _opens_block(value: str) -> str | None:
    """What closes a value that goes on past its line ('\"\"\"', "'''" or ']'), else None."""
    for quote in ('"""', "'''"):
        if value.startswith(quote) and value.count(quote) == 1:
            return quote
    if value.startswith("[") and value.split("#", 1)[0].count("[") > value.split("#", 1)[0].count("]"):
        return "]"
    return None


def line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of `key`, else of the nearest table it belongs to (a missing key: where its section starts)."""
    parts = key.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def syntax_error(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line of a TOML syntax error and what is wrong, in Dutch."""
    message = str(error)
    match = _POSITION.match(message)
    what = match.group("what") if match else message
    line = int(match.group("line")) if match and match.group("line") else None
    column = match.group("column") if match else None
    dutch = TOML_MESSAGES.get(what)
    if dutch is None:
        dutch = f"ongeldige TOML ({what})"
    return line, dutch + (f" (kolom {column})" if column else "")
