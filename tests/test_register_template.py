"""The registers `integrity init` makes are good Excel templates: wrap, colours, legend, print setup, dropdowns."""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import toolkit.gifts.rules as gift_rules
import toolkit.housing.rules as housing_rules
import toolkit.sidejobs.rules as side_rules
from toolkit.gifts.service import UNJUDGEABLE as GIFT_UNJUDGED
from toolkit.init import create_registers
from toolkit.registers import template
from toolkit.registers.create import REQUIRED_MARK, VALIDATION_ROWS, create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import (
    GIFT_DECISIONS,
    GIFT_KINDS,
    GIFTS,
    HOUSING,
    REGISTERS,
    SIDEJOBS,
    STAFF,
    Kind,
    Register,
)
from toolkit.sidejobs.service import NOT_JUDGED as SIDE_UNJUDGED
from toolkit.values import NO, YES, parse_cell

TODAY = date(2026, 11, 26)
KINDS = ("demo", "empty")


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The registers `init` writes, with and without demo rows."""
    root = tmp_path_factory.mktemp("template")
    create_registers(root / "demo", demo=True, today=TODAY)
    create_registers(root / "empty", demo=False, today=TODAY)
    return {"demo": root / "demo", "empty": root / "empty"}


def _open(folder: Path, register: Register) -> Any:
    return openpyxl.load_workbook(folder / register.filename)


def _letter(register: Register, header: str) -> str:
    return openpyxl.utils.get_column_letter(register.headers.index(header) + 1)


def _uitleg_rows(book: Any) -> list[tuple[Any, ...]]:
    return [tuple(c.value for c in row) for row in book["Uitleg"].iter_rows()]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("register", list(REGISTERS.values()), ids=list(REGISTERS))
def test_header_row_wraps_and_is_high_enough(workspaces: dict[str, Path], kind: str, register: Register) -> None:
    """Every header cell wraps and row 1 is high enough for the longest wrapped header."""
    sheet = _open(workspaces[kind], register)[register.sheet]
    lines = max(template.wrapped_lines(c.header, template.column_width(c)) for c in register.columns)
    if register in (GIFTS, SIDEJOBS):  # e.g. 'Relatie in onderhandeling of toezicht' takes more than one line
        assert lines >= 2
    assert sheet.row_dimensions[1].height >= template.HEADER_LINE_HEIGHT * lines
    for index, column in enumerate(register.columns, start=1):
        assert sheet.cell(1, index).value == column.header
        assert sheet.cell(1, index).alignment.wrap_text, column.header
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width * 0.9 >= max(len(word) for word in column.header.split()), column.header  # no word broken


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("register", [GIFTS, SIDEJOBS], ids=["gifts", "sidejobs"])
def test_beoordeling_wraps_and_is_coloured(workspaces: dict[str, Path], kind: str, register: Register) -> None:
    """`Beoordeling` wraps and carries red, amber and green conditional formats (stop if true) down the column."""
    sheet = _open(workspaces[kind], register)[register.sheet]
    letter = _letter(register, template.VERDICT)
    assert sheet.column_dimensions[letter].alignment.wrap_text
    for row in range(2, sheet.max_row + 1):
        assert sheet[f"{letter}{row}"].alignment.wrap_text
    ranges = {str(cf.sqref): cf.rules for cf in sheet.conditional_formatting}
    rules = ranges[f"{letter}2:{letter}{VALIDATION_ROWS}"]
    codes = template.verdict_codes(register)
    assert codes is not None
    wanted = template.formulas(f"{letter}2", codes)
    assert [r.formula[0] for r in rules] == [wanted[template.RED], wanted[template.AMBER], wanted[template.GREEN]]
    assert all(r.stopIfTrue for r in rules)
    fills = [r.dxf.fill.bgColor.rgb[-6:] for r in rules]
    assert fills == [template.FILLS[c][0] for c in (template.RED, template.AMBER, template.GREEN)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("register", list(REGISTERS.values()), ids=list(REGISTERS))
def test_print_setup(workspaces: dict[str, Path], kind: str, register: Register) -> None:
    """Landscape, one page wide, header row repeated, sheet name and page number in the footer."""
    sheet = _open(workspaces[kind], register)[register.sheet]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$1:$1"
    footer = "".join(p.text or "" for p in (sheet.oddFooter.left, sheet.oddFooter.center, sheet.oddFooter.right))
    assert "&A" in footer and "&P" in footer


def _codes_in_source(module: Any, pattern: str) -> set[str]:
    return set(re.findall(pattern, Path(module.__file__).read_text("utf-8")))


def test_rule_codes_tables_match_what_the_rules_write() -> None:
    """Every code the rules modules construct is in their CODES table, and every table code is constructed."""
    gifts = _codes_in_source(gift_rules, r'Violation\(\s*"([A-Z][A-Z0-9-]*)"')
    sides = _codes_in_source(side_rules, r'SideJobFinding\(\s*"([A-Z][A-Z0-9-]*)"')
    assert gifts == set(gift_rules.CODES) == set(gift_rules.RULES)
    assert sides == set(side_rules.CODES)
    assert _codes_in_source(housing_rules, r'append\(\("([A-Z][0-9]+)"') == set(housing_rules.CODES)
    assert set(side_rules.CODES) >= side_rules.IN_BREACH_CODES


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("register", "module", "pattern"),
    [
        (GIFTS, gift_rules, r'Violation\(\s*"([A-Z][A-Z0-9-]*)"'),
        (SIDEJOBS, side_rules, r'SideJobFinding\(\s*"([A-Z][A-Z0-9-]*)"'),
        (HOUSING, housing_rules, r'append\(\("([A-Z][0-9]+)"'),
    ],
    ids=["gifts", "sidejobs", "housing"],
)
def test_uitleg_legend_lists_every_code(
    workspaces: dict[str, Path], kind: str, register: Register, module: Any, pattern: str
) -> None:
    """The Uitleg sheet's legend names every code the rules can write (read from the rules' source), OK too."""
    rows = _uitleg_rows(_open(workspaces[kind], register))
    start = next(i for i, r in enumerate(rows) if r[:2] == ("Code", "Gewicht"))
    legend = {r[0]: r for r in rows[start + 1 :] if r[0]}
    for code in _codes_in_source(module, pattern) | {"OK", "Niet te beoordelen"}:
        assert code in legend, f"{code} ontbreekt op Uitleg van {register.filename}"
        assert legend[code][3], code  # a meaning
    if register is GIFTS:
        assert "ter beoordeling" in legend["G5"][1] and "niet te beoordelen" in legend["G2"][1]


@pytest.mark.parametrize("register", list(REGISTERS.values()), ids=list(REGISTERS))
def test_uitleg_says_who_fills_in_and_what_is_required(workspaces: dict[str, Path], register: Register) -> None:
    """'Wie vult in' names medewerker, leidinggevende, HR, Inkoop or toolkit per column; required ones are marked."""
    rows = _uitleg_rows(_open(workspaces["empty"], register))
    tables = [
        i for i, r in enumerate(rows) if r == ("Kolom", "Wie vult in", "Verplicht", "Uitleg", "Toegestane waarden")
    ]
    start = tables[1] if register.key == "dilemma_meetings" else tables[0]  # the workbook's second sheet
    table = {r[0]: r for r in rows[start + 1 : start + 1 + len(register.columns)]}
    for column in register.columns:
        assert table[column.header][1] == ("toolkit" if column.owned else register.filler(column))
        assert (table[column.header][2] == REQUIRED_MARK) == column.required
    expected = {"gifts": {"Besluit": "medewerker"}, "suppliers": {"Naam": "Inkoop"}, "staff": {"Naam": "HR"}}
    expected["sidejobs"] = {"Status": "leidinggevende", "Vastgelegd in personeelsdossier op": "HR"}
    expected["interests"] = {"Omschrijving": "medewerker", "Besluit": "leidinggevende"}
    expected["dilemmas"] = {"Dilemma": "medewerker", "Besluit": "leidinggevende"}
    expected["dilemma_meetings"] = {"Datum": "leidinggevende"}
    expected["housing"] = {"Korting (€)": "HR", "Beoordeling": "toolkit"}
    for header, who in expected[register.key].items():
        assert table[header][1] == who


def _accepted(column: Any) -> set[str]:
    """Texts the reader accepts for a dropdown column (all spellings of yes/no, choices in other capitals)."""
    if column.kind is Kind.YESNO:
        return set(YES | NO)
    return {c for choice in column.choices for c in (choice, choice.upper(), choice.capitalize())}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("register", list(REGISTERS.values()), ids=list(REGISTERS))
def test_dropdowns_accept_what_the_reader_accepts(workspaces: dict[str, Path], kind: str, register: Register) -> None:
    """Every list item parses, and every value the reader accepts is in the list or let through by a warning."""
    sheet = _open(workspaces[kind], register)[register.sheet]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        by_column[letter] = validation
    for column in register.columns:
        if not column.dropdown or column.owned:
            continue
        validation = by_column[_letter(register, column.header)]
        assert validation.type == "list"
        assert validation.showErrorMessage and validation.showInputMessage  # else Excel shows neither
        items = validation.formula1.strip('"').split(",")
        for item in items:
            parse_cell(item, column)  # raises if the reader would refuse a value the dropdown offers
        for value in _accepted(column):
            parse_cell(value, column)
            assert value in items or validation.errorStyle in ("warning", "information"), (column.header, value)


def test_medewerker_picker_lists_the_staff_register(workspaces: dict[str, Path]) -> None:
    """Gifts and side functions offer the names of medewerkers.xlsx from a hidden list sheet: everyone still in
    service on the day the registers are made (the demo has someone who left a month before)."""
    staff = read_register(workspaces["demo"] / STAFF.filename, STAFF)
    everyone = {row.get("Naam") for row in staff.rows}
    gone = {row.get("Naam") for row in staff.rows if row.get("Uit dienst per") and row.get("Uit dienst per") < TODAY}
    names = sorted(everyone - gone, key=str.casefold)
    assert len(names) > 5 and len(gone) == 1
    for register in (GIFTS, SIDEJOBS):
        book = _open(workspaces["demo"], register)
        lists = book[template.LIST_SHEET]
        assert lists.sheet_state == "hidden"
        listed = [lists.cell(r, 1).value for r in range(2, lists.max_row + 1)]
        assert listed == names
        letter = _letter(register, "Medewerker")
        pickers = [
            v for v in book[register.sheet].data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:")
        ]
        assert [p.formula1 for p in pickers] == [f"{template.LIST_SHEET}!$A$2:$A${len(names) + 1}"]
        assert pickers[0].errorStyle == "warning"  # a visitor or new colleague can still be typed
        assert pickers[0].showErrorMessage  # but Excel does say the name is not in medewerkers.xlsx
        used = {row.get("Medewerker") for row in read_register(workspaces["demo"] / register.filename, register).rows}
        assert used <= everyone


def _gifts() -> list[gift_rules.Gift]:
    values = (None, Decimal("10"), Decimal("30"), Decimal("900"))
    flags = (None, True, False)
    combos = itertools.product(GIFT_KINDS, GIFT_DECISIONS, values, flags, flags, flags)
    return [
        gift_rules.Gift(TODAY, "Anna", "Loodgieter Snel", k, "fles wijn", v, p, n, d, c) for k, d, v, p, n, c in combos
    ]


def _side_jobs() -> list[side_rules.SideJob]:
    day = date(2026, 11, 1)
    combos = itertools.product(
        ("gemeld", "goedgekeurd", "afgewezen"),
        (None, True, False),
        (None, "hoog"),
        (None, day),
        ("medewerker", "directeur-bestuurder"),
        ("Loodgieter Snel", "Voetbalclub"),
    )
    return [
        side_rules.SideJob(
            "Anna",
            role,
            "bestuurder",
            org,
            paid,
            4,
            None,
            None,
            date(2026, 10, 1),
            status,
            None,
            decided,
            risk,
            decided,
        )  # fmt: skip
        for status, paid, risk, decided, role, org in combos
    ]


def test_colours_follow_the_weight_of_real_findings() -> None:
    """Red when any finding is in strijd, amber for only review/unjudgeable/actions, green for OK: on real texts."""
    codes = template.verdict_codes(GIFTS)
    assert codes is not None
    policy = gift_rules.GiftPolicy(active_suppliers=frozenset({"Loodgieter Snel"}))
    expected = {gift_rules.IN_BREACH: template.RED, "OK": template.GREEN}
    seen = set()
    for gift in _gifts():
        judgement = gift_rules.judge_gift(gift, policy)
        want = expected.get(judgement.weight, template.AMBER)
        assert template.colour_of(judgement.text(), codes) == want, judgement.text()
        seen.add(want)
    assert seen == {template.RED, template.AMBER, template.GREEN}
    assert template.colour_of(f"{GIFT_UNJUDGED}: Waarde (€) onleesbaar", codes) == template.AMBER
    side = template.verdict_codes(SIDEJOBS)
    assert side is not None
    side_policy = side_rules.SideJobPolicy(suppliers=("Loodgieter Snel",))
    seen = set()
    for job in _side_jobs():
        review = side_rules.review_side_job(job, side_policy, TODAY)
        breach = any(f.code in side_rules.IN_BREACH_CODES for f in review.findings)
        want = template.RED if breach else template.AMBER if review.findings else template.GREEN
        assert template.colour_of(review.text(), side) == want, review.text()
        seen.add(want)
    assert seen == {template.RED, template.AMBER, template.GREEN}
    assert template.colour_of(f"{SIDE_UNJUDGED}: kolom Status is leeg", side) == template.AMBER


def _sample_texts() -> list[str]:
    policy = gift_rules.GiftPolicy(active_suppliers=frozenset({"Loodgieter Snel"}))
    texts = {gift_rules.judge_gift(g, policy).text() for g in _gifts()[::7]}
    return sorted(texts)[:40] + ["OK", f"{GIFT_UNJUDGED}: Waarde (€) onleesbaar ('ongeveer dertig')"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_colours_beoordeling_like_the_twin(tmp_path: Path) -> None:
    """LibreOffice evaluates the conditional formats: each verdict cell's exported colour is the twin's colour."""
    texts = _sample_texts()
    path = tmp_path / GIFTS.filename
    create_register(path, GIFTS, [{"Nr": n, "Beoordeling": t} for n, t in enumerate(texts, 1)], staff_names=["Anna"])
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "html", "--outdir", str(tmp_path / "out"), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    page = (tmp_path / "out" / "geschenken.html").read_text("utf-8", "replace")
    cells = {}
    for attrs, body in re.findall(r"<td([^>]*)>(.*?)</td>", page, re.S):
        colour = re.search(r'bgcolor="#(\w+)"', attrs)
        cells[html.unescape(re.sub(r"<[^>]+>", "", body)).strip()] = colour.group(1).upper() if colour else None
    codes = template.verdict_codes(GIFTS)
    assert codes is not None
    for text in texts:
        wanted = template.colour_of(text, codes)
        assert wanted is not None
        assert cells[text] == template.FILLS[wanted][0], text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_demo_gifts_register_one_page_wide(workspaces: dict[str, Path], tmp_path: Path) -> None:
    """LibreOffice opens the demo gifts register and prints it landscape in a few pages (it was 8 portrait)."""
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(workspaces["demo"] / GIFTS.filename)],
        check=True,
        capture_output=True,
        timeout=180,
    )  # fmt: skip
    pdf = (tmp_path / "geschenken.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box and float(box.group(1)) > float(box.group(2))  # landscape


def test_verdict_written_in_a_row_staff_added_later_wraps(tmp_path: Path) -> None:
    """A `Beoordeling` cell the writer adds in a new row takes the column's wrap style, as Excel would."""
    from toolkit.registers.writer import CellUpdate, write_updates

    path = tmp_path / GIFTS.filename
    create_register(path, GIFTS, [{"Nr": 1, "Medewerker": "Anna", "Gever": "Loodgieter Snel"}])
    book = openpyxl.load_workbook(path)
    sheet = book[GIFTS.sheet]
    sheet["A3"], sheet["C3"], sheet["D3"] = 2, "Bram", "Ventilatie Frisse Lucht"  # typed by staff
    book.save(path)
    result = write_updates(
        path, GIFTS, [CellUpdate("Beoordeling", "G2: waarde te hoog", nr=2)], backups_dir=tmp_path / "backups"
    )
    assert result.written
    cell = openpyxl.load_workbook(path)[GIFTS.sheet][f"{_letter(GIFTS, 'Beoordeling')}3"]
    assert cell.value == "G2: waarde te hoog"
    assert cell.alignment.wrap_text
