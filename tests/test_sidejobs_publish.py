"""Publication of the board's side functions (S3): who is in it, who is not, and how the page and workbook are made."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl

from tests.test_sidejobs_service import make_registers, side_job

BASENAME = "nevenfuncties-bestuur-en-rvc"


class PageParser(HTMLParser):
    """Collects the table's rows (cell texts), the tags seen and their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.caption = ""
        self._cell: list[str] | None = None
        self._in_caption = False
        self._in_tbody = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_tbody:
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption:
            self.caption += data


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def xlsx_rows(path: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    try:
        return [[cell.value for cell in row] for row in book["Nevenfuncties"].iter_rows()]
    finally:
        book.close()


def publish(run_cli, root: Path, out: Path, as_of: str = "2026-06-01") -> Any:
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, "sidejobs", "publish", "--out", str(out))


def test_publication_has_only_current_functions_of_director_and_rvc(bare_workspace: Path, run_cli) -> None:
    """Staff and managers, ended (by date or status) and refused functions stay out of both the page and the xlsx."""
    make_registers(
        bare_workspace,
        [
            side_job("Dirk Bestuurder", Rol="directeur-bestuurder", Betaald="ja", Organisatie="Stichting Wonen"),
            side_job("Rita Commissaris", Rol="RvC-lid", Status="gemeld", Besluitdatum=None),
            side_job("Ended Yesterday", Rol="RvC-lid", Einddatum="31-5-2026"),
            side_job("Ended Status", Rol="RvC-lid", Status="beëindigd"),
            side_job("Refused Board", Rol="RvC-lid", Status="afgewezen"),
            side_job("Staff Member", Rol="medewerker"),
            side_job("Team Manager", Rol="leidinggevende"),
        ],
    )
    out = bare_workspace / "publicatie"
    result = publish(run_cli, bare_workspace, out)
    assert result.exit_code == 0, result.output
    expected = [
        ["Dirk Bestuurder", "Directeur-bestuurder", "penningmeester", "Stichting Wonen", "ja"],
        ["Rita Commissaris", "Lid Raad van Commissarissen", "penningmeester", "Voetbalvereniging Oranje", "nee"],
    ]
    assert parse(out / f"{BASENAME}.html").rows == expected
    assert xlsx_rows(out / f"{BASENAME}.xlsx") == [["Naam", "Rol", "Nevenfunctie", "Organisatie", "Betaald"], *expected]


def test_page_is_accessible_and_printable(bare_workspace: Path, run_cli) -> None:
    """lang=nl, a caption, column and row header cells, the publication date, print CSS and no script at all."""
    make_registers(bare_workspace, [side_job("Dirk Bestuurder", Rol="directeur-bestuurder")])
    out = bare_workspace / "publicatie"
    assert publish(run_cli, bare_workspace, out).exit_code == 0
    page = parse(out / f"{BASENAME}.html")
    assert ("html", {"lang": "nl"}) in page.tags
    assert "1 juni 2026" in page.caption
    assert [attrs.get("scope") for tag, attrs in page.tags if tag == "th"] == ["col"] * 5 + ["row"]
    assert ("time", {"datetime": "2026-06-01"}) in page.tags
    assert not any(tag == "script" for tag, _ in page.tags)
    assert "@media print" in (out / f"{BASENAME}.html").read_text(encoding="utf-8")


def test_names_are_escaped_and_kept_as_text(bare_workspace: Path, run_cli) -> None:
    """A name like '<script>' is shown as text on the page, and '=SUM(…)' stays text in the xlsx."""
    make_registers(
        bare_workspace,
        [side_job("<script>alert(1)</script>", Rol="RvC-lid", Organisatie="=SUM(1,2)")],
    )
    out = bare_workspace / "publicatie"
    assert publish(run_cli, bare_workspace, out).exit_code == 0
    page = parse(out / f"{BASENAME}.html")
    assert not any(tag == "script" for tag, _ in page.tags)
    assert page.rows[0][0] == "<script>alert(1)</script>"
    book = openpyxl.load_workbook(out / f"{BASENAME}.xlsx")
    cell = book["Nevenfuncties"]["D2"]
    assert (cell.value, cell.data_type) == ("=SUM(1,2)", "s")
    book.close()


def test_unreadable_board_row_is_left_out_and_named(bare_workspace: Path, run_cli) -> None:
    """A board member's row with an unreadable end date is not published but named, so HR can correct it."""
    make_registers(
        bare_workspace,
        [
            side_job("Clear Member", Rol="RvC-lid"),
            side_job("Unclear Member", Rol="RvC-lid", Einddatum="binnenkort"),
            side_job("Unclear Staff", Rol="medewerker", Einddatum="binnenkort"),
        ],
    )
    out = bare_workspace / "publicatie"
    result = publish(run_cli, bare_workspace, out)
    assert result.exit_code == 0, result.output
    assert [row[0] for row in parse(out / f"{BASENAME}.html").rows] == ["Clear Member"]
    assert "Unclear Member" in result.output and "Einddatum" in result.output
    assert "Unclear Staff" not in result.output


def test_republish_replaces_files_and_leaves_no_temp_files(bare_workspace: Path, run_cli) -> None:
    """Publishing again replaces both files with the new state; nothing else is left in the folder."""
    make_registers(bare_workspace, [side_job("Dirk Bestuurder", Rol="directeur-bestuurder", Einddatum="30-6-2026")])
    out = bare_workspace / "publicatie"
    assert publish(run_cli, bare_workspace, out, "2026-06-01").exit_code == 0
    assert len(parse(out / f"{BASENAME}.html").rows) == 1
    assert publish(run_cli, bare_workspace, out, "2026-07-01").exit_code == 0
    assert parse(out / f"{BASENAME}.html").rows == []
    assert xlsx_rows(out / f"{BASENAME}.xlsx") == [["Naam", "Rol", "Nevenfunctie", "Organisatie", "Betaald"]]
    assert sorted(p.name for p in out.iterdir()) == [f"{BASENAME}.html", f"{BASENAME}.xlsx"]


def test_out_must_be_a_folder(bare_workspace: Path, run_cli) -> None:
    """--out naming an existing file is refused as a usage error that names it; the file is untouched."""
    make_registers(bare_workspace, [side_job("Dirk Bestuurder", Rol="directeur-bestuurder")])
    target = bare_workspace / "bestand.txt"
    target.write_text("x", encoding="utf-8")
    result = publish(run_cli, bare_workspace, target)
    assert result.exit_code == 2
    assert "bestand.txt" in result.stderr
    assert target.read_text(encoding="utf-8") == "x"
