"""The integrity code as a typeset A4 PDF, made from its text (templates/bijlagen/integriteitscode.txt) with fpdf2.

The source is plain text with a little structure (see its header): chapters, headings, bullets, kept lines and a
footnote. Every line is set by fpdf2's own line breaking inside the margins, each page has 'pagina N van M' in its
footer, and the output is byte-for-byte the same for the same text (fixed creation date and file identifier), so
the committed PDF can be checked against its source. fpdf2 and the DejaVu font are imported only here, lazily.

    python -m toolkit.codepdf [SOURCE [PDF]]      (or: make code-pdf)
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SOURCE = Path("templates/bijlagen/integriteitscode.txt")
OUTPUT = Path("templates/bijlagen/integriteitscode.pdf")
FAMILY = "dejavu"
MARGIN = 22.0  # mm, left and right
BODY = 10.5  # pt
ACCENT = (31, 78, 121)
INK = (31, 41, 51)
MUTED = (82, 96, 109)
FIXED_DATE = datetime(2021, 12, 1, tzinfo=UTC)  # the code's own date: the PDF does not change with the clock


@dataclass(frozen=True)
class Block:
    kind: str  # title, chapter, heading, subheading, paragraph, bullet, lines, footnote
    text: str


def parse(source: str) -> list[Block]:
    """The blocks of the code's text (the format is described in the source's own header)."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    kept: list[str] = []

    def flush() -> None:
        if paragraph:
            text = " ".join(paragraph)
            kind = "footnote" if text.startswith("¹") else "paragraph"
            blocks.append(Block(kind, text))
            paragraph.clear()
        if kept:
            blocks.append(Block("lines", "\n".join(kept)))
            kept.clear()

    for raw in source.splitlines():
        line = raw.strip()
        if line.startswith("%"):
            continue
        if not line:
            flush()
            continue
        for prefix, kind in (
            ("= ", "title"),
            ("### ", "subheading"),
            ("## ", "heading"),
            ("# ", "chapter"),
            ("- ", "bullet"),
        ):
            if line.startswith(prefix):
                flush()
                blocks.append(Block(kind, line[len(prefix) :].strip()))
                break
        else:
            if line.startswith(">"):
                if paragraph:
                    flush()
                kept.append(line[1:].strip())
            elif blocks and blocks[-1].kind == "bullet" and not paragraph and not kept and raw.startswith("  "):
                blocks[-1] = Block("bullet", f"{blocks[-1].text} {line}")
            else:
                paragraph.append(line)
    flush()
    return blocks


def build(blocks: list[Block]) -> bytes:
    """The PDF: a title, the blocks in order, page numbers in the footer; the same bytes for the same blocks."""
    from fpdf import FPDF

    from toolkit.board.images import font_path

    title = next((b.text for b in blocks if b.kind == "title"), "Integriteitscode")

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(FAMILY, size=8)
            self.set_text_color(*MUTED)
            self.cell(0, 6, f"{title} – pagina {self.page_no()} van {{nb}}", align="C")

    pdf = Document(format="A4", unit="mm")
    for style in ("", "B", "I"):
        pdf.add_font(FAMILY, style=style, fname=str(font_path(style)))
    pdf.set_margins(MARGIN, 20, MARGIN)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_title(title)
    pdf.set_author(title.rsplit(" ", 1)[-1])
    pdf.set_creator("integriteitstoolkit")
    pdf.set_producer("integriteitstoolkit (fpdf2)")
    pdf.set_creation_date(FIXED_DATE)
    pdf.file_id = lambda: _file_id(blocks)  # type: ignore[method-assign]
    pdf.set_lang("nl")
    pdf.add_page()
    try:
        previous = ""
        for block in blocks:
            if previous == "bullet" and block.kind != "bullet":
                pdf.ln(2)  # room under a list
            _block(pdf, block)
            previous = block.kind
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()


def _file_id(blocks: list[Block]) -> str:
    digest = hashlib.md5(repr(blocks).encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    return f"<{digest}><{digest}>"


def _block(pdf: Any, block: Block) -> None:
    width = pdf.w - 2 * MARGIN
    if block.kind == "title":
        pdf.set_font(FAMILY, "B", 22)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(width, 10, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.6)
        pdf.line(MARGIN, pdf.get_y() + 2, pdf.w - MARGIN, pdf.get_y() + 2)
        pdf.ln(8)
    elif block.kind == "chapter":
        if pdf.get_y() > 60 and (block.text.lower().startswith("bijlage") or pdf.get_y() > pdf.h - 70):
            pdf.add_page()  # an appendix starts on its own page, a chapter never at the foot of one
        elif pdf.get_y() > 60:
            pdf.ln(5)
        pdf.set_font(FAMILY, "B", 16)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(width, 8, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    elif block.kind in ("heading", "subheading"):
        if pdf.get_y() > pdf.h - 50:  # no heading alone at the foot of a page
            pdf.add_page()
        pdf.ln(2 if block.kind == "heading" else 1)
        pdf.set_font(FAMILY, "B", 12 if block.kind == "heading" else BODY)
        pdf.set_text_color(*(ACCENT if block.kind == "heading" else INK))
        pdf.multi_cell(width, 6, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif block.kind == "bullet":
        pdf.set_font(FAMILY, "", BODY)
        pdf.set_text_color(*INK)
        lines = pdf.multi_cell(width - 7, 5.4, block.text, align="L", dry_run=True, output="LINES")
        if pdf.get_y() + 5.4 * len(lines) > pdf.page_break_trigger:
            pdf.add_page()  # the bullet stays with its text
        y = pdf.get_y()
        pdf.set_xy(MARGIN + 2, y)
        pdf.cell(4, 5.4, "•")
        pdf.set_xy(MARGIN + 7, y)
        pdf.multi_cell(width - 7, 5.4, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif block.kind == "lines":
        pdf.set_font(FAMILY, "I", BODY)
        pdf.set_text_color(*MUTED)
        for line in block.text.split("\n"):
            pdf.multi_cell(width, 5.4, line, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    elif block.kind == "footnote":
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, pdf.get_y(), MARGIN + 40, pdf.get_y())
        pdf.ln(1.5)
        pdf.multi_cell(width, 4, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    else:
        pdf.set_font(FAMILY, "", BODY)
        pdf.set_text_color(*INK)
        pdf.multi_cell(width, 5.4, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)


def write(source: Path = SOURCE, output: Path = OUTPUT) -> Path:
    """Typeset `source` into `output` (written whole, then moved into place)."""
    data = build(parse(source.read_text(encoding="utf-8")))
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)
    return output


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    output = Path(argv[1]) if len(argv) > 1 else source.with_suffix(".pdf")
    print(f"{write(source, output)} gemaakt uit {source}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
