"""Patch single cells in a worksheet's XML, leaving every other byte of it as it was.

The sheet is handled as bytes: rows and cells are found with small regular expressions, a changed cell is
replaced in place (its style kept), a new cell is inserted in column order. Strings are written as inline
strings (`t="inlineStr"`), so the shared-string table is never touched and no text can become a formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, cast

from toolkit.registers.xmltext import (
    attributes,
    cached_column_index,
    column_index,
    column_letter,
    printable,
    xml_escape,
)

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_REF = re.compile(rb"([A-Z]+)([0-9]+)")
_LETTERS = re.compile(rb"[A-Z]+")
_ONE_ATTR: dict[bytes, re.Pattern[bytes]] = {}
DIRECT_SEARCHES = 200


class SheetXmlError(ValueError):
    """The worksheet XML is not laid out as the patcher expects (it then refuses; nothing is written)."""


@dataclass(frozen=True, slots=True)
class NewValue:
    """What a cell becomes: `text` (inline string), `number` (with an optional style index), or empty."""

    text: str | None = None
    number: str | None = None
    style: str | None = None  # replaces the cell's own style (a date or amount format); None keeps it


class Cell(NamedTuple):
    """One cell element: where it is in the sheet, the text of its start tag's attributes, and the whole element."""

    start: int
    end: int
    tag: bytes
    element: bytes

    @property
    def attrs(self) -> dict[bytes, bytes]:
        return attributes(self.tag)

    def attr(self, name: bytes) -> bytes | None:
        """One attribute's value (a cheap search: most cells are looked at for their style only)."""
        pattern = _ONE_ATTR.get(name)
        if pattern is None:
            pattern = _ONE_ATTR[name] = re.compile(
                rb"(?:^|\s)" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')"""
            )
        match = pattern.search(self.tag)
        if match is None:
            return None
        return match.group(1) if match.group(1) is not None else match.group(2)


@dataclass(frozen=True, slots=True)
class CellInfo:
    """What the patcher found in a cell it may change."""

    style: str | None
    has_formula: bool


class Sheet:
    """One worksheet's XML with the positions of its rows; edits are collected, then applied in one pass."""

    def __init__(self, data: bytes | bytearray) -> None:
        root = _ROOT.search(data)
        if root is None:
            raise SheetXmlError("geen <worksheet>-element")
        self.data = cast(bytes, data)  # a patched sheet (a bytearray) is read the same way
        self.prefix = (root.group(1) + b":") if root.group(1) else b""
        p = re.escape(self.prefix)
        self._row_re = re.compile(b"<" + p + rb"row\b([^>]*?)(/?)>")
        self._cell_re = re.compile(b"<" + p + rb"c\b([^>]*?)(/?)>")
        self._whole_cell_re = re.compile(b"<" + p + rb'c\s+r="([A-Z]+)[0-9]+"([^>]*?)(?:/>|>.*?</' + p + b"c>)", re.S)
        self._cell_end = b"</" + self.prefix + b"c>"
        self._cell_open = b"<" + self.prefix + b'c r="'
        self._row_end = b"</" + self.prefix + b"row>"
        self._found: dict[int, tuple[int, int, int] | None] = {}
        self._all: dict[int, tuple[int, int, int]] | None = None
        self._col_styles: list[tuple[int, int, bytes]] | None = None
        self._last_cells: tuple[int, dict[int, Cell]] | None = None
        self._last_answer: tuple[int, bool] = (-1, False)  # (row start, _references_first) of the last row asked
        start = re.search(b"<" + p + rb"sheetData\b[^>]*?(/?)>", data)  # near the top: found at once
        if start is not None and start.group(1):  # <sheetData/>: no rows at all
            self._all = {}
            self._data_start, self._data_end, self._empty_data = start.start(), start.end(), True
            return
        end = data.rfind(b"</" + self.prefix + b"sheetData>")  # near the end: searched from there
        if start is None or end < 0:
            raise SheetXmlError("geen <sheetData>-element")
        self._data_start, self._data_end, self._empty_data = start.end(), end, False

    def span(self, row: int) -> tuple[int, int, int] | None:
        """(start of <row>, end of its start tag, end of the row) or None. Rows are found by a direct search for
        their `r` attribute (one C-speed scan, no work per other row); a sheet whose rows carry no `r` is
        indexed row by row once."""
        if self._all is not None:
            return self._all.get(row)
        if len(self._found) > DIRECT_SEARCHES:  # many rows change: one pass over all rows is cheaper
            self._all = self._index_rows()
            return self._all.get(row)
        if row not in self._found:
            self._found[row] = self._search(row)
            if self._found[row] is None and not self._has_row_numbers():
                self._all = self._index_rows()
                return self._all.get(row)
        return self._found[row]

    def _search(self, row: int) -> tuple[int, int, int] | None:
        pattern = b"<" + re.escape(self.prefix) + rb'row\b[^>]*?\sr="' + str(row).encode() + rb'"[^>]*?(/?)>'
        below = [where[0] for number, where in self._found.items() if where is not None and number < row]
        start = max(below, default=self._data_start)
        found = self.data.find(b"<" + self.prefix + b'row r="' + str(row).encode() + b'"', start, self._data_end)
        if found >= 0:  # every writer we know puts r first: a plain byte search (memchr speed)
            match = re.compile(pattern).match(self.data, found, self._data_end)
        else:
            match = re.compile(pattern).search(self.data, start, self._data_end)
        if match is None and below:  # rows out of order (the format forbids it, but be safe)
            match = re.compile(pattern).search(self.data, self._data_start, self._data_end)
        if match is None:
            return None
        if match.group(1):
            return match.start(), match.end(), match.end()
        close = self.data.find(self._row_end, match.end(), self._data_end)
        if close < 0:
            raise SheetXmlError(f"rij {row} is niet afgesloten")
        return match.start(), match.end(), close + len(self._row_end)

    def _has_row_numbers(self) -> bool:
        first = self._row_re.search(self.data, self._data_start, self._data_end)
        return first is None or b"r" in attributes(first.group(1))

    @property
    def rows(self) -> dict[int, tuple[int, int, int]]:
        """Every row's span (built once, only when a row has to be inserted)."""
        if self._all is None:
            self._all = self._index_rows()
        return self._all

    def _index_rows(self) -> dict[int, tuple[int, int, int]]:
        """Row number -> (start of <row>, end of its start tag, end of </row>)."""
        rows: dict[int, tuple[int, int, int]] = {}
        number = 0
        pos = self._data_start
        while True:
            match = self._row_re.search(self.data, pos, self._data_end)
            if match is None:
                return rows
            r = attributes(match.group(1)).get(b"r")
            number = int(r) if r else number + 1
            if match.group(2):
                rows[number] = (match.start(), match.end(), match.end())
                pos = match.end()
                continue
            close = self.data.find(self._row_end, match.end(), self._data_end)
            if close < 0:
                raise SheetXmlError(f"rij {number} is niet afgesloten")
            rows[number] = (match.start(), match.end(), close + len(self._row_end))
            pos = close + len(self._row_end)

    def cells(self, row: int) -> dict[int, Cell]:
        """Column -> Cell for the cells of one row (absolute offsets). The last row asked is remembered: its cells
        are usually asked for again at once (a row's cells are judged, then patched)."""
        if self._last_cells is not None and self._last_cells[0] == row:
            return self._last_cells[1]
        found = self._scan_cells(row)
        self._last_cells = (row, found)
        return found

    def _scan_cells(self, row: int) -> dict[int, Cell]:
        """One regular-expression scan over the row for cells whose reference comes first (every writer we know
        writes them so); anything else between or after them and the row is read cell by cell instead."""
        found: dict[int, Cell] = {}
        where = self.span(row)
        if where is None:
            return found
        _, inner, end = where
        pos = inner
        for match in self._whole_cell_re.finditer(self.data, inner, end):
            if match.start() != pos and self.data[pos : match.start()].strip():
                return self._scan_cells_in_order(row)
            found[cached_column_index(match.group(1))] = Cell(
                match.start(), match.end(), self.data[match.start() : match.end(2)], match.group(0)
            )
            pos = match.end()
        if inner < end and self.data[pos : end - len(self._row_end)].strip():
            return self._scan_cells_in_order(row)
        return found

    def _scan_cells_in_order(self, row: int) -> dict[int, Cell]:
        found: dict[int, Cell] = {}
        where = self.span(row)
        assert where is not None
        _, inner, end = where
        column = 0
        pos = inner
        while True:
            match = self._cell_re.search(self.data, pos, end)
            if match is None:
                return found
            ref = _REF.fullmatch(attributes(match.group(1)).get(b"r", b""))
            column = column_index(ref.group(1)) if ref else column + 1
            if match.group(2):
                stop = match.end()
            else:
                close = self.data.find(self._cell_end, match.end(), end)
                if close < 0:
                    raise SheetXmlError(f"cel in rij {row} is niet afgesloten")
                stop = close + len(self._cell_end)
            found[column] = Cell(match.start(), stop, match.group(1), self.data[match.start() : stop])
            pos = stop

    def cell(self, row: int, column: int) -> Cell | None:
        """The cell at (row, column). When every cell of the row starts `<c r="` (as every writer we know writes
        them), it is found by its reference with one byte search; otherwise the row is read cell by cell."""
        where = self.span(row)
        if where is None:
            return None
        _, inner, end = where
        if inner == end or not self._references_first(inner, end):
            return self.cells(row).get(column)
        ref = self._cell_open + column_letter(column).encode() + str(row).encode() + b'"'
        at = self.data.find(ref, inner, end)
        if at < 0:
            return None
        match = self._whole_cell_re.match(self.data, at, end)
        if match is None:
            raise SheetXmlError(f"cel {column_letter(column)}{row} is niet afgesloten")
        return Cell(at, match.end(), self.data[at : match.end(2)], match.group(0))

    def _references_first(self, inner: int, end: int) -> bool:
        """Does every tag in this row that starts with `<c` start `<c r="`? Then a cell not found by its reference
        is not there. (Rich text may hold `<color>` and the like: then the answer is no, and the row is read.)"""
        if self._last_answer[0] != inner:
            tags = self.data.count(self._cell_open[:-4], inner, end)
            self._last_answer = (inner, tags == self.data.count(self._cell_open, inner, end))
        return self._last_answer[1]

    def _insertion_point(self, row: int, column: int, inner: int, end: int) -> int:
        """Where a new cell in `column` goes: before the first cell to its right, else before `</row>`."""
        if self._references_first(inner, end):
            last = self.data.rfind(self._cell_open, inner, end)
            letters = _LETTERS.match(self.data, last + len(self._cell_open)) if last >= 0 else None
            if last < 0 or (letters is not None and cached_column_index(letters.group(0)) < column):
                return end - len(self._row_end)  # every cell is to its left (the usual case: a column at the end)
        existing = self.cells(row)
        after = next((c for c in sorted(existing) if c > column), None)
        return existing[after].start if after is not None else end - len(self._row_end)

    def info(self, row: int, column: int) -> CellInfo:
        cell = self.cell(row, column)
        if cell is None:
            return CellInfo(None, False)
        style = cell.attr(b"s")
        body = cell.element
        return CellInfo(style.decode() if style else None, b"<" + self.prefix + b"f" in body)

    def patched(self, edits: Mapping[tuple[int, int], NewValue]) -> bytearray:
        """The sheet with these cells replaced or inserted; every other byte unchanged."""
        by_row: dict[int, dict[int, NewValue]] = {}
        for (row, column), value in edits.items():
            by_row.setdefault(row, {})[column] = value
        pieces: list[tuple[int, int, bytes]] = []
        missing_rows: list[int] = []
        for row, changes in by_row.items():
            if self.span(row) is not None:
                pieces += self._patch_row(row, changes)
            else:
                missing_rows.append(row)
        if missing_rows:
            pieces += self._insert_rows(sorted(missing_rows), by_row)
        pieces += self._widen_dimension(edits)
        pieces.sort(key=lambda piece: (piece[0], piece[1]))  # an insert before a cell goes before its replacement
        size = len(self.data) + sum(len(text) - (end - start) for start, end, text in pieces)
        out = bytearray(size)  # filled in place: the new sheet is allocated once, beside the old one (memory)
        whole = memoryview(self.data)
        pos = at = 0
        for start, end, text in pieces:
            out[at : at + start - pos] = whole[pos:start]
            at += start - pos
            out[at : at + len(text)] = text
            at += len(text)
            pos = end
        out[at:] = whole[pos:]
        return out

    def _patch_row(self, row: int, changes: dict[int, NewValue]) -> list[tuple[int, int, bytes]]:
        where = self.span(row)
        assert where is not None
        start, inner, end = where
        pieces: list[tuple[int, int, bytes]] = []
        if inner == end:  # <row .../>: becomes <row ...>cells</row>
            tag = self.data[start:inner]
            body = b"".join(self.cell_xml(row, c, changes[c], self.column_style(c)) for c in sorted(changes))
            opened = tag[:-2].rstrip() + b">"
            return [(start, end, self._fix_spans(opened, changes) + body + self._row_end)]
        inserts: dict[int, list[bytes]] = {}
        for column, value in sorted(changes.items()):  # new cells at one place go in column order
            cell = self.cell(row, column)
            if cell is not None:
                pieces.append((cell.start, cell.end, self.cell_xml(row, column, value, cell.attr(b"s"))))
                continue
            at = self._insertion_point(row, column, inner, end)
            inserts.setdefault(at, []).append(self.cell_xml(row, column, value, self.column_style(column)))
        pieces += [(at, at, b"".join(xml)) for at, xml in inserts.items()]
        new_tag = self._fix_spans(self.data[start:inner], changes)
        if new_tag != self.data[start:inner]:
            pieces.append((start, inner, new_tag))
        return pieces

    def _insert_rows(self, rows: list[int], by_row: dict[int, dict[int, NewValue]]) -> list[tuple[int, int, bytes]]:
        pieces: list[tuple[int, int, bytes]] = []
        ordered = sorted(self.rows)
        for row in rows:
            body = b"".join(self.cell_xml(row, c, by_row[row][c], self.column_style(c)) for c in sorted(by_row[row]))
            xml = b"<" + self.prefix + b'row r="' + str(row).encode() + b'">' + body + self._row_end
            after = next((r for r in ordered if r > row), None)
            at = self.rows[after][0] if after is not None else self._data_end
            pieces.append((at, at, xml))
        if self._empty_data:
            name = self.prefix + b"sheetData"
            merged = b"".join(p[2] for p in pieces)
            return [(self._data_start, self._data_end, b"<" + name + b">" + merged + b"</" + name + b">")]
        return pieces

    def _fix_spans(self, tag: bytes, changes: Mapping[int, NewValue]) -> bytes:
        """`spans` is only a hint, but it must cover the row's cells: widen it when a cell is added outside."""
        match = re.search(rb'spans="(\d+):(\d+)"', tag)
        if match is None:
            return tag
        low, high = int(match.group(1)), int(match.group(2))
        new_low, new_high = min([low, *changes]), max([high, *changes])
        if (new_low, new_high) == (low, high):
            return tag
        return tag[: match.start()] + f'spans="{new_low}:{new_high}"'.encode() + tag[match.end() :]

    def _widen_dimension(self, edits: Mapping[tuple[int, int], NewValue]) -> list[tuple[int, int, bytes]]:
        """The piece that widens `<dimension ref>` to cover the edited cells (none when it already does)."""
        head = self.data[: self._data_start]
        match = re.search(b"<" + re.escape(self.prefix) + rb'dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', head)
        if match is None or not edits:
            return []
        first_col, first_row = column_index(match.group(1)), int(match.group(2))
        last_col = column_index(match.group(3)) if match.group(3) else first_col
        last_row = int(match.group(4)) if match.group(4) else first_row
        rows = [r for r, _ in edits]
        cols = [c for _, c in edits]
        box = (min(first_col, *cols), min(first_row, *rows), max(last_col, *cols), max(last_row, *rows))
        if box == (first_col, first_row, last_col, last_row):
            return []
        ref = f"{column_letter(box[0])}{box[1]}:{column_letter(box[2])}{box[3]}".encode()
        return [(match.start(1), match.end(match.lastindex or 1), ref)]

    def column_style(self, column: int) -> bytes | None:
        """The style a new cell in this column gets, as Excel gives it: the column's own (`<col style>`), if any."""
        if self._col_styles is None:
            self._col_styles = []
            p = re.escape(self.prefix)
            cols = re.search(b"<" + p + rb"cols>(.*?)</" + p + b"cols>", self.data[: self._data_start], re.S)
            for tag in re.findall(b"<" + p + rb"col\b[^>]*>", cols.group(1) if cols else b""):
                attrs = attributes(tag)
                if attrs.get(b"style", b"0") != b"0" and attrs.get(b"min", b"").isdigit():
                    low, high = int(attrs[b"min"]), int(attrs.get(b"max", attrs[b"min"]))
                    self._col_styles.append((low, high, attrs[b"style"]))
        return next((style for low, high, style in self._col_styles if low <= column <= high), None)

    def cell_xml(self, row: int, column: int, value: NewValue, style: bytes | None) -> bytes:
        ref = f"{column_letter(column)}{row}".encode()
        s = value.style.encode() if value.style is not None else style
        head = b"<" + self.prefix + b'c r="' + ref + b'"' + (b' s="' + s + b'"' if s else b"")
        if value.text is not None:
            text = xml_escape(printable(value.text)).encode("utf-8")
            p = self.prefix
            return (
                head
                + b' t="inlineStr"><'
                + p
                + b"is><"
                + p
                + b't xml:space="preserve">'
                + text
                + b"</"
                + p
                + b"t></"
                + p
                + b"is>"
                + self._cell_end
            )
        if value.number is not None:
            p = self.prefix
            return head + b"><" + p + b"v>" + value.number.encode() + b"</" + p + b"v>" + self._cell_end
        return head + b"/>"
