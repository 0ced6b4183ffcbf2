"""The report as an A4 PDF: a cover and one page per area, typeset from the HTML fragments with fpdf2 (pure Python).

Each page is first typeset on a scratch document; when it would run onto a second page the text and the chart
are made smaller until it fits, so every area is exactly one page. Every page has 'Pagina N van M' at the foot.
fpdf2 and matplotlib's DejaVu font are imported only here, lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from toolkit.board.images import font_path

FAMILY = "dejavu"
# (body size in pt, chart width in HTML pixels): tried in order until a page fits; the chart shrinks before the text
SIZES = ((12, 620), (12, 480), (11, 420), (11, 340), (10, 340), (10, 280), (10, 220), (9, 220), (8, 200), (7, 180))


def _document(footer_text: str) -> Any:
    from fpdf import FPDF

    class Document(FPDF):  # type: ignore[misc]
        def footer(self) -> None:
            self.set_y(-13)
            self.set_font(FAMILY, size=8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 8, f"{footer_text} – pagina {self.page_no()} van {{nb}}", align="C")

    pdf = Document(format="A4", unit="mm")
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    for style in ("", "B", "I"):
        pdf.add_font(FAMILY, style=style, fname=str(font_path(style)))
    pdf.set_title(footer_text)
    pdf.set_creator("integriteitstoolkit")
    return pdf


def _styles(size: int) -> dict[str, Any]:
    from fpdf.fonts import TextStyle

    colour = (31, 95, 139)
    return {
        "h1": TextStyle(font_size_pt=size + 7, color=colour, t_margin=0, b_margin=2),
        "h2": TextStyle(font_size_pt=size + 1, color=(40, 40, 40), t_margin=3, b_margin=1),
        "p": TextStyle(t_margin=1, b_margin=1),
    }


def _write(pdf: Any, html: str, size: int) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(30, 30, 30)
    pdf.write_html(html, font_family=FAMILY, tag_styles=_styles(size), table_line_separators=True)


def _close(pdf: Any) -> None:
    """fpdf2 keeps each font file open through fontTools: close them (no file handle left behind)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _fits(scratch: Any, html: str, size: int) -> bool:
    """Typeset on the scratch document: does it take exactly one page?"""
    first = scratch.page_no() + 1
    _write(scratch, html, size)
    return scratch.page_no() == first


def build_pdf(pages: list[Callable[[int], str]], footer_text: str) -> bytes:
    """One page per entry; each entry renders its HTML for a chart width, and is fitted to one page."""
    pdf, scratch = _document(footer_text), _document("")
    try:
        for page in pages:
            for size, width in SIZES:
                html = page(width)
                if _fits(scratch, html, size):
                    break
            _write(pdf, html, size)
        return bytes(pdf.output())
    finally:
        _close(pdf)
        _close(scratch)
