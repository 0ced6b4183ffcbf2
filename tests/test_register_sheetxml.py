"""The sheet patcher on the XML shapes real writers produce: prefixes, rows without `r`, empty sheets."""

from __future__ import annotations

from xml.etree import ElementTree

from toolkit.registers.sheetxml import NewValue, Sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cells(xml: bytes) -> dict[str, str]:
    """Cell reference -> text of its value, read with ElementTree (an independent reader)."""
    found = {}
    for cell in ElementTree.fromstring(xml).iter(f"{{{MAIN}}}c"):
        value = cell.find(f"{{{MAIN}}}v")
        text = cell.find(f"{{{MAIN}}}is/{{{MAIN}}}t")
        node = value if value is not None else text
        found[cell.get("r", "?")] = node.text or "" if node is not None else ""
    return found


def test_prefixed_namespace_keeps_its_prefix() -> None:
    """A sheet written with an x: prefix gets x:c / x:is / x:t elements, and stays well-formed."""
    xml = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:dimension ref="A1:B2"/><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Nr</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    ).encode()
    out = Sheet(xml).patched({(2, 3): NewValue(text="OK & klaar"), (2, 1): NewValue(number="7")})
    assert cells(out) == {"A1": "Nr", "A2": "7", "C2": "OK & klaar"}
    assert b'<x:dimension ref="A1:C2"/>' in out


def test_rows_and_cells_without_references_are_counted() -> None:
    """Rows and cells may leave out `r` (they are then numbered in order): the right cell is replaced."""
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c><v>1</v></c><c><v>2</v></c></row>'
        "<row><c><v>3</v></c><c><v>4</v></c></row></sheetData></worksheet>"
    ).encode()
    out = Sheet(xml).patched({(2, 2): NewValue(number="40")})
    values = [v.text for v in ElementTree.fromstring(out).iter(f"{{{MAIN}}}v")]
    assert values == ["1", "2", "3", "40"]


def test_empty_sheet_and_missing_rows_are_created_in_order() -> None:
    """An empty <sheetData/> gets rows; a row between existing ones is inserted in its place."""
    empty = f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()
    out = Sheet(empty).patched({(1, 1): NewValue(text="Nr"), (3, 1): NewValue(number="2")})
    assert cells(out) == {"A1": "Nr", "A3": "2"}
    again = Sheet(out).patched({(2, 1): NewValue(number="1")})
    rows = [row.get("r") for row in ElementTree.fromstring(again).iter(f"{{{MAIN}}}row")]
    assert rows == ["1", "2", "3"]


def test_self_closing_row_and_cell_keep_their_style() -> None:
    """<row r="2" spans="1:1"/> and <c r="B3" s="4"/> become full elements; the style stays, spans widen."""
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2" spans="1:1"/>'
        '<row r="3" spans="1:2"><c r="B3" s="4"/></row></sheetData></worksheet>'
    ).encode()
    out = Sheet(xml).patched({(2, 3): NewValue(number="5"), (3, 2): NewValue(text="x")})
    assert b'<row r="2" spans="1:3"><c r="C2"><v>5</v></c></row>' in out
    assert b'<c r="B3" s="4" t="inlineStr">' in out


def test_a_cell_inserted_before_a_replaced_one_keeps_both() -> None:
    """A new A2 (an Nr) inserted right before a replaced B2 (a typed date) gives A2 and the new B2, in order,
    whatever order the edits come in."""
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>15-01-2027</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>Anna</t></is></c></row></sheetData></worksheet>'
    ).encode()
    for edits in ({(2, 2): NewValue(number="46402"), (2, 1): NewValue(number="6")},
                  {(2, 1): NewValue(number="6"), (2, 2): NewValue(number="46402")}):  # fmt: skip
        out = Sheet(xml).patched(edits)
        assert cells(out) == {"A2": "6", "B2": "46402", "C2": "Anna"}
        assert out.index(b'r="A2"') < out.index(b'r="B2"') < out.index(b'r="C2"') and b"15-01-2027" not in out


def test_cells_whose_reference_is_not_first_are_still_found() -> None:
    """`<c s="2" r="B2">` (reference after the style): the cell is replaced with its style, not added twice."""
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c>'
        '<c s="2" r="B2"><v>2</v></c><c r="D2"><v>4</v></c></row></sheetData></worksheet>'
    ).encode()
    sheet = Sheet(xml)
    assert sheet.info(2, 2).style == "2"
    out = sheet.patched({(2, 2): NewValue(number="20"), (2, 3): NewValue(number="30")})
    assert cells(out) == {"A2": "1", "B2": "20", "C2": "30", "D2": "4"}
    assert b'r="B2" s="2"' in out


def test_rich_text_in_a_row_does_not_hide_a_cell() -> None:
    """A rich-text run's `<color>` starts with `<c` too: the row is then read cell by cell and B3 found."""
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="3"><c r="A3" t="inlineStr"><is><r><rPr><color rgb="FF0000"/>'
        '</rPr><t>rood</t></r></is></c><c t="n" r="C3"><v>3</v></c></row></sheetData></worksheet>'
    ).encode()
    out = Sheet(xml).patched({(3, 3): NewValue(number="33"), (3, 2): NewValue(text="nieuw")})
    assert cells(out)["C3"] == "33"
    order = [c.get("r") for c in ElementTree.fromstring(out).iter(f"{{{MAIN}}}c")]
    assert order == ["A3", "B3", "C3"]


def test_new_cells_at_the_end_of_a_row_go_in_column_order() -> None:
    """Two new cells right of the last one, asked for in reverse order, are written left to right."""
    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>'
    out = Sheet(xml.encode()).patched({(2, 5): NewValue(number="5"), (2, 4): NewValue(number="4")})
    order = [c.get("r") for c in ElementTree.fromstring(out).iter(f"{{{MAIN}}}c")]
    assert order == ["A2", "D2", "E2"]


def test_an_unclosed_cell_is_refused() -> None:
    """A cell element that never closes is no sheet the patcher knows: it refuses instead of guessing."""
    import pytest

    from toolkit.registers.sheetxml import SheetXmlError

    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></row></sheetData></worksheet>'
    with pytest.raises(SheetXmlError):
        Sheet(xml.encode()).patched({(2, 1): NewValue(number="5")})


def test_xml_escape_matches_the_standard_library() -> None:
    """The patcher's own escape gives what xml.sax.saxutils gives (with and without quotes), and unescape undoes it."""
    from xml.sax.saxutils import escape, unescape

    from toolkit.registers.xmltext import xml_escape, xml_unescape

    for text in ("a & b < c > d \"e\" 'f'", "&amp; al geëscaped", "=SUM(A1)", "", "<script>&lt;</script>"):
        assert xml_escape(text) == escape(text)
        assert xml_escape(text, quotes=True) == escape(text, {'"': "&quot;"})
        assert xml_unescape(xml_escape(text, quotes=True)) == text
        assert xml_unescape(escape(text)) == unescape(escape(text))
