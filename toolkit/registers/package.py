"""The .xlsx package around one worksheet: find its part, add a number format, widen a table, rewrite the zip.

Only three kinds of part are ever changed: the worksheet the toolkit writes, `xl/styles.xml` (one cell format
appended when a date or amount needs one that is not there) and the sheet's own tables (when a missing toolkit
column is added at their right edge). Every other part is copied with exactly the bytes it had.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree

from toolkit.registers.xmltext import attributes, column_index, column_letter, xml_escape, xml_unescape

Parts = Mapping[str, bytes | bytearray]  # zip part name -> its new content (a patched sheet is a bytearray)

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved target) for a part's relationships."""
    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if name not in archive.NameToInfo:
        return []
    root = ElementTree.fromstring(archive.read(name))
    return [
        (rel.get("Id", ""), rel.get("Type", ""), _target(part, rel.get("Target", "")))
        for rel in root.iter(_PKG_REL)
        if rel.get("TargetMode") != "External"
    ]


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part that holds the worksheet with this name (None if there is no such sheet)."""
    workbook = "xl/workbook.xml"
    for rel in _rels(archive, ""):  # _rels/.rels names the workbook part
        if rel[1].endswith("/officeDocument"):
            workbook = rel[2]
    root = ElementTree.fromstring(archive.read(workbook))
    targets = {rid: target for rid, _, target in _rels(archive, workbook)}
    for element in root.iter():
        if element.tag.endswith("}sheet") and element.get("name") == sheet:
            return targets.get(element.get(f"{_REL_NS}id", ""))
    return None


def table_parts(archive: zipfile.ZipFile, sheet: str) -> list[str]:
    return [target for _, kind, target in _rels(archive, sheet) if kind.endswith("/table")]


def styles_part(archive: zipfile.ZipFile) -> str | None:
    name = "xl/styles.xml"
    return name if name in archive.NameToInfo else None


class Styles:
    """Cell formats of xl/styles.xml: which are dates, and a format with a given number format added when needed."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data or b""
        self.changed = False
        root = re.search(rb"<(?:([\w.-]+):)?styleSheet\b[^>]*>", self.data)
        self.prefix = (root.group(1) + b":") if root and root.group(1) else b""
        p = re.escape(self.prefix)
        self._numfmt_re = re.compile(b"<" + p + rb"numFmt\b([^>]*?)/?>")
        self._xfs_re = re.compile(b"<" + p + rb"cellXfs\b[^>]*>(.*?)</" + p + b"cellXfs>", re.S)
        self._xf_re = re.compile(b"<" + p + rb"xf\b([^>]*?)(?:/>|>.*?</" + p + b"xf>)", re.S)
        self._derived: dict[tuple[str | None, str], str] = {}
        self._formats: dict[tuple[int, str | None], tuple[int, str]] = {}

    def _codes(self) -> dict[int, str]:
        found = {}
        for match in self._numfmt_re.finditer(self.data):
            attrs = attributes(match.group(1))
            if b"numFmtId" in attrs:
                found[int(attrs[b"numFmtId"])] = xml_unescape(attrs.get(b"formatCode", b"").decode())
        return found

    def _xfs(self) -> list[re.Match[bytes]]:
        block = self._xfs_re.search(self.data)
        return list(self._xf_re.finditer(self.data, block.start(1), block.end(1))) if block else []

    def number_format(self, style: str | None) -> tuple[int, str]:
        """(numFmtId, format code) of a cell format; remembered until the styles change."""
        key = (len(self.data), style)  # the styles only ever grow: a new length is a new stylesheet
        known = self._formats.get(key)
        if known is None:
            known = self._formats[key] = self._number_format(style)
        return known

    def _number_format(self, style: str | None) -> tuple[int, str]:
        xfs = self._xfs()
        index = int(style) if style and style.isdigit() else 0
        if index >= len(xfs):
            return 0, ""
        fmt = int(attributes(xfs[index].group(1)).get(b"numFmtId", b"0"))
        return fmt, self._codes().get(fmt, "")

    def is_date(self, style: str | None) -> bool:
        fmt, code = self.number_format(style)
        if fmt in DATE_IDS:
            return True
        bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
        return fmt >= 164 and any(ch in bare for ch in "dy")

    def is_amount(self, style: str | None) -> bool:
        """A number format for money or numbers (not General, not a date, not text '@')."""
        fmt, code = self.number_format(style)
        return fmt not in (0, 49) and code != "@" and not self.is_date(style)

    def with_format(self, style: str | None, code: str) -> str | None:
        """A cell format like `style` but with number format `code` (appended once); None when styles are absent."""
        key = (style, code)
        if key in self._derived:
            return self._derived[key]
        xfs = self._xfs()
        if not xfs:
            return None
        fmt_id = next((i for i, c in self._codes().items() if c == code), None)
        if fmt_id is None:
            fmt_id = self._add_number_format(code)
        index = int(style) if style and style.isdigit() and int(style) < len(xfs) else 0
        for i, xf in enumerate(self._xfs()):  # an existing identical format is reused
            if int(attributes(xf.group(1)).get(b"numFmtId", b"0")) == fmt_id and i == index:
                return str(i)
        xf = self._xfs()[index]
        clone = re.sub(rb'\snumFmtId="\d+"', b"", xf.group(0), count=1)
        clone = re.sub(rb'\sapplyNumberFormat="\w+"', b"", clone, count=1)
        clone = re.sub(rb'\squotePrefix="(?:1|true)"', b"", clone, count=1)  # a number is no text to protect
        head = b"<" + self.prefix + b"xf"
        clone = head + f' numFmtId="{fmt_id}" applyNumberFormat="1"'.encode() + clone[len(head) :]
        same = next((i for i, other in enumerate(xfs) if _same_xf(other.group(0), clone)), None)
        if same is not None:  # a cell format that only differs in flags is there already: no new one
            self._derived[key] = str(same)
            return self._derived[key]
        self.data = self._append_to(self.data, b"cellXfs", clone)
        self.changed = True
        self._derived[key] = str(len(xfs))
        return self._derived[key]

    def bold(self) -> str | None:
        """A cell format like the default one (xf 0) with its font made bold (appended once); None without fonts."""
        if ("bold", "") in self._derived:
            return self._derived[("bold", "")]
        p = re.escape(self.prefix)
        fonts = re.search(b"<" + p + rb"fonts\b[^>]*>(.*?)</" + p + b"fonts>", self.data, re.S)
        xfs = self._xfs()
        if fonts is None or not xfs:
            return None
        font_re = re.compile(b"<" + p + rb"font\b[^>]*?(?:/>|>.*?</" + p + b"font>)", re.S)
        existing = font_re.findall(fonts.group(1))
        if not existing:
            return None
        first = existing[0]
        opened = re.match(b"<" + p + rb"font\b[^>]*?(/?)>", first)
        assert opened is not None
        b = b"<" + self.prefix + b"b/>"
        if opened.group(1):  # <font/>
            clone = first[:-2].rstrip() + b">" + b + b"</" + self.prefix + b"font>"
        else:
            clone = first[: opened.end()] + b + first[opened.end() :]
        self.data = self._append_to(self.data, b"fonts", clone)
        xf = self._xfs()[0].group(0)
        xf = re.sub(rb'\s(?:fontId|applyFont)="\w+"', b"", xf)
        head = b"<" + self.prefix + b"xf"
        xf = head + f' fontId="{len(existing)}" applyFont="1"'.encode() + xf[len(head) :]
        self.data = self._append_to(self.data, b"cellXfs", xf)
        self.changed = True
        self._derived[("bold", "")] = str(len(xfs))
        return self._derived[("bold", "")]

    def _add_number_format(self, code: str) -> int:
        new_id = max([163, *self._codes()]) + 1
        element = (
            b"<" + self.prefix + f'numFmt numFmtId="{new_id}" formatCode="{xml_escape(code, quotes=True)}"/>'.encode()
        )
        if re.search(b"<" + re.escape(self.prefix) + rb"numFmts\b", self.data):
            self.data = self._append_to(self.data, b"numFmts", element)
        else:
            root = re.search(rb"<(?:[\w.-]+:)?styleSheet\b[^>]*>", self.data)
            assert root is not None
            block = b"<" + self.prefix + b'numFmts count="1">' + element + b"</" + self.prefix + b"numFmts>"
            self.data = self.data[: root.end()] + block + self.data[root.end() :]
        self.changed = True
        return new_id

    def _append_to(self, data: bytes, name: bytes, element: bytes) -> bytes:
        p = re.escape(self.prefix)
        close = data.find(b"</" + self.prefix + name + b">")
        opening = re.search(b"<" + p + name + rb"\b[^>]*>", data)
        assert opening is not None and close >= 0
        tag = opening.group(0)
        count = re.search(rb'count="(\d+)"', tag)
        if count:
            tag = tag[: count.start(1)] + str(int(count.group(1)) + 1).encode() + tag[count.end(1) :]
        data = data[:close] + element + data[close:]
        return data[: opening.start()] + tag + data[opening.end() :]


_FLAGS = re.compile(rb'\s(?:apply\w+|pivotButton|quotePrefix)="(?:0|false)"|\sapply\w+="(?:1|true)"')


def _same_xf(a: bytes, b: bytes) -> bool:
    """Two <xf> elements that give a cell the same look (apply* flags and default attributes aside)."""

    def normal(xf: bytes) -> tuple[dict[bytes, bytes], bytes]:
        xf = _FLAGS.sub(b"", xf)
        tag_end = xf.find(b">")
        head = xf[:tag_end].rstrip(b"/")
        body = xf[tag_end + 1 :].rsplit(b"</", 1)[0] if not xf[: tag_end + 1].endswith(b"/>") else b""
        return attributes(head), re.sub(rb">\s+<", b"><", body.strip())

    return normal(a) == normal(b)


def widen_table(data: bytes, header_row: int, new_column: int, header: str) -> bytes | None:
    """A table ending just left of `new_column` on the header row gains that column; None when it doesn't touch it."""
    match = re.search(rb'<(?:[\w.-]+:)?table\b[^>]*?\sref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', data)
    if match is None or int(match.group(2)) != header_row or column_index(match.group(3)) != new_column - 1:
        return None
    new_ref = f"{match.group(1).decode()}{match.group(2).decode()}:{column_letter(new_column)}{match.group(4).decode()}"
    old_ref = b"%s%s:%s%s" % (match.group(1), match.group(2), match.group(3), match.group(4))
    data = data.replace(b'ref="' + old_ref + b'"', b'ref="' + new_ref.encode() + b'"')
    columns = re.search(rb"<((?:[\w.-]+:)?)tableColumns\b[^>]*>", data)
    if columns is None:
        return data
    prefix = columns.group(1)
    ids = [int(i) for i in re.findall(rb'<(?:[\w.-]+:)?tableColumn\b[^>]*?\sid="(\d+)"', data)]
    name = xml_escape(header, quotes=True)
    element = b"<" + prefix + f'tableColumn id="{max(ids, default=0) + 1}" name="{name}"/>'.encode()
    close = data.find(b"</" + prefix + b"tableColumns>")
    tag = columns.group(0)
    count = re.search(rb'count="(\d+)"', tag)
    if count:
        tag = tag[: count.start(1)] + str(int(count.group(1)) + 1).encode() + tag[count.end(1) :]
    data = data[:close] + element + data[close:]
    return data[: columns.start()] + tag + data[columns.end() :]


def lengthen_table(data: bytes, header_row: int, last_row: int) -> bytes | None:
    """A table whose header is on `header_row` and that ends above `last_row` grows down to it (its own filter
    too); None when the table starts elsewhere or already reaches that row."""
    match = re.search(rb'<(?:[\w.-]+:)?table\b[^>]*?\sref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', data)
    if match is None or int(match.group(2)) != header_row or int(match.group(4)) >= last_row:
        return None
    old = b"%s%s:%s%s" % (match.group(1), match.group(2), match.group(3), match.group(4))
    new = b"%s%s:%s%d" % (match.group(1), match.group(2), match.group(3), last_row)
    return data.replace(b'ref="' + old + b'"', b'ref="' + new + b'"')


def changed_parts(source: Path, temp: Path, replaced: Parts) -> str | None:
    """What is wrong with a rewritten package (None: nothing): the same parts in the same order, the replaced
    ones with exactly the intended bytes, every other one with the CRC and size it had; every entry opens."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(temp) as new:
        if [i.filename for i in old.infolist()] != [i.filename for i in new.infolist()]:
            return "de lijst met onderdelen van het bestand is veranderd"
        for info in old.infolist():
            entry = new.getinfo(info.filename)
            if info.filename in replaced:
                intended = replaced[info.filename]
                if zlib.crc32(intended) != entry.CRC or len(intended) != entry.file_size:
                    return f"{info.filename} is niet goed weggeschreven"
            elif entry.CRC != info.CRC or entry.file_size != info.file_size:
                return f"{info.filename} is onderweg veranderd"
        for info in new.infolist():  # every entry can be opened: local headers and offsets are right
            with new.open(info) as stream:
                stream.read(1)
    return None


def rewrite(source: Path, target: Path, replaced: Parts) -> None:
    """Copy the package part by part in the same order; replaced parts get their new bytes, the rest are copied
    as the compressed bytes they were (never decompressed and compressed again)."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            if info.filename in replaced:
                data = replaced[info.filename]
                if len(data) < LARGE_PART or not _append_compressed(out, _deflated_info(info, data), deflate(data)):
                    out.writestr(_fresh_info(info), data, compress_type=zipfile.ZIP_DEFLATED)
            else:
                raw = _compressed_bytes(archive, info)
                if raw is None or not _append_compressed(out, _copied_info(info), raw):
                    out.writestr(info, archive.read(info), compress_type=info.compress_type)


LARGE_PART = 1 << 20  # a worksheet of thousands of rows: deflated and inflated with ISA-L, about 3x zlib's speed


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes. A large deflated part (a worksheet) is inflated with ISA-L and checked against its CRC-32
    and size, as zipfile checks what it inflates itself."""
    info = archive.getinfo(name)
    large = info.file_size >= LARGE_PART and info.compress_type == zipfile.ZIP_DEFLATED
    raw = _compressed_bytes(archive, info) if large else None
    if raw is None:
        return archive.read(info)
    data = inflate(raw)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
    return data


def deflate(data: bytes | bytearray) -> bytes:
    """Raw deflate (as a zip entry holds it) with ISA-L: smaller than zlib's fastest level and about 3x quicker."""
    from isal import isal_zlib

    return isal_zlib.compress(data, 1, wbits=-15)


def inflate(raw: bytes) -> bytes:
    from isal import isal_zlib

    return isal_zlib.decompress(raw, wbits=-15)


def _fresh_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, info.date_time)
    fresh.external_attr, fresh.create_system, fresh.comment = info.external_attr, info.create_system, info.comment
    return fresh


def _deflated_info(info: zipfile.ZipInfo, data: bytes | bytearray) -> zipfile.ZipInfo:
    fresh = _fresh_info(info)
    fresh.compress_type, fresh.CRC, fresh.file_size = zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)
    return fresh


def _copied_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for attribute in ("compress_type", "comment", "create_system", "create_version", "extract_version"):
        setattr(copy, attribute, getattr(info, attribute))
    copy.flag_bits, copy.external_attr, copy.internal_attr = info.flag_bits, info.external_attr, info.internal_attr
    copy.CRC, copy.file_size = info.CRC, info.file_size
    return copy


def _compressed_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """An entry's compressed bytes as they are in the file; None for anything unusual (zip64, encryption, a data
    descriptor), which zipfile then reads the slow way."""
    import struct

    if info.flag_bits & 0x09 or info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF:
        return None
    source = archive.fp
    if source is None:
        return None
    source.seek(info.header_offset)
    header = source.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    source.seek(info.header_offset + 30 + name_length + extra_length)
    raw = source.read(info.compress_size)
    return raw if len(raw) == info.compress_size else None


def _append_compressed(out: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> bool:
    """Write an entry whose bytes are already compressed (`info` holds its CRC and size). Uses zipfile's writer
    internals (stable since Python 3.6); False when it can't (zip64 sizes), and nothing is written."""
    if out.fp is None or info.file_size >= 0xFFFFFFFF or len(raw) >= 0xFFFFFFFF:
        return False
    info.compress_size = len(raw)
    out.fp.seek(out.start_dir)
    info.header_offset = out.start_dir
    out.fp.write(info.FileHeader())
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    setattr(out, "_didModify", True)  # noqa: B010 - a private flag of zipfile, see the docstring
    return True
