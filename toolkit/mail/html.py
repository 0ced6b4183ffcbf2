"""The HTML part of a mail, derived from its plain-text template: one source per mail, no second copy to keep in step.

The template is rendered a second time with every value (`{{ … }}`) wrapped in marker characters. The text is then
read as blocks (separated by blank lines) and lines: "- " list items, aligned "Label:   waarde" blocks, indented
lines, short headings and hard-wrapped paragraphs become a list, a table, an indented block, a bold line and one
flowing paragraph. Everything, template text and values alike, is HTML-escaped exactly once; a value never becomes
structure or markup. The result sits in one table-based layout with inline styles only (what Outlook's Word engine
renders) and no external resources: no images, fonts or style sheets to fetch.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

VALUE_START, VALUE_END, VALUE_BREAK = "\x02", "\x03", "\x1d"


FONT = "Arial, Helvetica, sans-serif"
INK, MUTED, ACCENT, LINE, PAGE = "#1f2933", "#52606d", "#1f4e79", "#d9dde3", "#f3f4f6"
P = f"margin:0 0 14px 0;font-family:{FONT};font-size:15px;line-height:22px;color:{INK};"
HEADING = f"margin:18px 0 6px 0;font-family:{FONT};font-size:15px;line-height:22px;font-weight:bold;color:{ACCENT};"
LIST = f"margin:0 0 14px 0;padding:0 0 0 22px;font-family:{FONT};font-size:15px;line-height:22px;color:{INK};"
ITEM = "margin:0 0 6px 0;"
TABLE = f"margin:0 0 14px 0;border-collapse:collapse;font-family:{FONT};font-size:15px;line-height:22px;"
LABEL = f"padding:2px 16px 2px 0;vertical-align:top;color:{MUTED};white-space:nowrap;"
VALUE = f"padding:2px 0;vertical-align:top;color:{INK};"
INDENT = f"margin:0 0 14px 0;padding:0 0 0 {{pad}}px;font-family:{FONT};font-size:15px;line-height:22px;color:{INK};"
LINK = f"color:{ACCENT};text-decoration:underline;"

_VALUE = re.compile(f"{VALUE_START}([^{VALUE_END}]*){VALUE_END}")
_SLOT = re.compile(f"{VALUE_START}(\\d+){VALUE_END}")
WRAPPED_AT = 70  # a line at least this long was wrapped by hand: its paragraph flows on
_BULLET = re.compile(r"^(\s*)(?:-|\*|•|\d{1,2}[.)])\s+(.*)$")
_LABEL = re.compile(r"^\s*([^:\s][^:]{0,38}):\s{2,}(\S.*)$")
_CLOSING = re.compile(
    r"^(met (vriendelijke|hartelijke) groet(en)?|kind regards|best regards|hoogachtend)\s*,?\s*$", re.I
)
_LINK = re.compile(
    r"(?P<url>https?://[^\s<>\"'\x02\x03]+[^\s<>\"'.,;:!?)\x02\x03])"
    r"|(?P<www>\bwww\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s<>\"'\x02\x03]*[^\s<>\"'.,;:!?)\x02\x03])?)"
    r"|(?P<mail>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)"
)


def mark_value(value: object) -> str:
    """A rendered value as the HTML pass sees it: marked, its line breaks kept apart from the template's."""
    text = _strip(str(value)).replace(VALUE_BREAK, "")
    return VALUE_START + text.replace("\n", VALUE_BREAK) + VALUE_END


def unmark(text: str) -> str:
    """The plain text of a marked rendering."""
    return _strip(text.replace(VALUE_BREAK, "\n"))


def _strip(text: str) -> str:
    """Without the value markers (str.replace: much faster than str.translate for a mailing of thousands)."""
    return text.replace(VALUE_START, "").replace(VALUE_END, "")


@dataclass(frozen=True)
class Contact:
    """The contact block under every mail: who sends it and how to reach them."""

    organisation: str
    sender: str = ""  # the role that signs: "Mens & Organisatie", "Inkoop", "Integriteit"
    person: str = ""  # a named contact, such as the supplier's contract owner
    email: str = ""
    phone: str = ""
    website: str = ""

    def lines(self, lang: str = "nl") -> list[str]:
        """The block as plain-text lines."""
        labels = {
            "nl": ("Contactpersoon", "E-mail", "Telefoon", "Website"),
            "en": ("Contact", "E-mail", "Phone", "Website"),
        }
        person, email, phone, website = labels.get(lang, labels["nl"])
        head = " | ".join(part for part in (self.organisation, self.sender) if part)
        lines = [head]
        address = "" if self.person else self.email  # a named contact comes with their own address
        for label, value in ((person, self.person), (email, address), (phone, self.phone), (website, self.website)):
            if value:
                lines.append(f"{label}: {value}")
        return lines


def to_html(marked_body: str, subject: str, contact: Contact | None = None, lang: str = "nl") -> str:
    """The complete HTML document for a mail whose body was rendered with marked values.

    The body's structure is read from its skeleton, each value replaced by a numbered slot: a value is never read
    as structure, and a mailing of thousands of one template converts that skeleton once (cached), then fills in
    each mail's escaped values.
    """
    values: list[str] = []

    def slot(match: re.Match[str]) -> str:
        values.append(match.group(1))
        return f"{VALUE_START}{len(values) - 1}{VALUE_END}"

    skeleton = _VALUE.sub(slot, marked_body)
    blocks = _SLOT.sub(lambda match: _inline(values[int(match.group(1))]), _body(skeleton))
    footer = _footer(contact, lang) if contact else ""
    title = _inline(subject)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        f'<body style="margin:0;padding:0;background-color:{PAGE};">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="background-color:{PAGE};"><tr><td align="center" style="padding:24px 12px;">'
        # Outlook (Word) ignores max-width: a fixed 640 px table only it sees; every other client gets a fluid one
        '<!--[if mso]><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0">'
        "<tr><td><![endif]-->"
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid {LINE};">'
        f'<tr><td style="background-color:{ACCENT};padding:14px 28px;font-family:{FONT};font-size:17px;'
        f'font-weight:bold;color:#ffffff;">{_inline(contact.organisation if contact else "")}</td></tr>'
        f'<tr><td style="padding:24px 28px 10px 28px;">{blocks}</td></tr>'
        f"{footer}</table><!--[if mso]></td></tr></table><![endif]--></td></tr></table></body></html>\n"
    )


@functools.lru_cache(maxsize=256)
def _body(skeleton: str) -> str:
    """The HTML blocks of a skeleton (values as slots, which pass through unchanged)."""
    return "\n".join(_block(lines) for lines in _closings_joined(list(_blocks(skeleton))))


@functools.lru_cache(maxsize=64)
def _footer(contact: Contact, lang: str) -> str:
    lines = contact.lines(lang)
    rows = "<br>".join(_inline(line) if i else f"<strong>{_inline(line)}</strong>" for i, line in enumerate(lines))
    return (
        f'<tr><td style="padding:14px 28px 18px 28px;border-top:1px solid {LINE};font-family:{FONT};'
        f'font-size:13px;line-height:19px;color:{MUTED};">{rows}</td></tr>'
    )


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.split("\n"):  # not splitlines(): that also breaks at VALUE_BREAK
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def _closings_joined(blocks: list[list[str]]) -> list[list[str]]:
    """ "Met vriendelijke groet," and the short signature under it as one paragraph (the text keeps its blank line)."""
    joined: list[list[str]] = []
    for block in blocks:
        previous = joined[-1] if joined else []
        if len(previous) == 1 and _CLOSING.match(unmark(previous[0])) and len(block) <= 3:
            previous.extend(block)
        else:
            joined.append(list(block))
    return joined


def _block(lines: list[str]) -> str:
    out: list[str] = []
    index = 0
    if len(lines) > 1 and _is_heading(lines[0]):
        out.append(f'<p style="{HEADING}">{_inline(lines[0].strip())}</p>')
        index = 1
    while index < len(lines):
        line = lines[index]
        if _BULLET.match(line):
            index = _list(lines, index, out)
        elif _LABEL.match(line) and (_next_is_label(lines, index) or line.startswith(" ")):
            index = _labels(lines, index, out)
        elif line.startswith("  "):
            index = _indented(lines, index, out)
        else:
            index = _paragraph(lines, index, out)
    return "".join(out)


def _is_heading(line: str) -> bool:
    plain = unmark(line).strip()
    return (
        0 < len(plain) < WRAPPED_AT
        and not line.startswith(" ")
        and plain[-1] not in ".,:;!?"
        and not _BULLET.match(line)
        and not line.startswith(VALUE_START)  # a line that is a value (free text) is never a heading
    )


def _next_is_label(lines: list[str], index: int) -> bool:
    return index + 1 < len(lines) and bool(_LABEL.match(lines[index + 1]))


def _list(lines: list[str], index: int, out: list[str]) -> int:
    match = _BULLET.match(lines[index])
    assert match is not None
    indent = len(match.group(1))
    items: list[list[str]] = []
    while index < len(lines):
        line = lines[index]
        bullet = _BULLET.match(line)
        if bullet and len(bullet.group(1)) == indent:
            items.append([bullet.group(2)])
        elif items and _indent(line) > indent and not bullet:
            items[-1].append(line.strip())
        else:
            break
        index += 1
    body = "".join(f'<li style="{ITEM}">{_flow(item, wrapped=True)}</li>' for item in items)
    out.append(f'<ul style="{LIST}">{body}</ul>')
    return index


def _labels(lines: list[str], index: int, out: list[str]) -> int:
    rows: list[tuple[str, str]] = []
    while index < len(lines) and (match := _LABEL.match(lines[index])):
        rows.append((match.group(1).strip(), match.group(2).strip()))
        index += 1
    body = "".join(
        f'<tr><td style="{LABEL}">{_inline(label)}:</td><td style="{VALUE}">{_inline(value)}</td></tr>'
        for label, value in rows
    )
    out.append(f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="{TABLE}">{body}</table>')
    return index


def _indented(lines: list[str], index: int, out: list[str]) -> int:
    base = _indent(lines[index])
    parts: list[str] = []
    while index < len(lines) and lines[index].startswith("  ") and not _BULLET.match(lines[index]):
        extra = max(0, _indent(lines[index]) - base)
        text = _inline(lines[index].strip())
        parts.append(f'<span style="padding-left:{extra * 6}px;">{text}</span>' if extra else text)
        index += 1
    out.append(f'<p style="{INDENT.format(pad=16)}">{"<br>".join(parts)}</p>')
    return index


def _paragraph(lines: list[str], index: int, out: list[str]) -> int:
    start = index
    while index < len(lines) and not lines[index].startswith("  ") and not _BULLET.match(lines[index]):
        if index > start and _LABEL.match(lines[index]) and _next_is_label(lines, index):
            break
        index += 1
    out.append(f'<p style="{P}">{_flow(lines[start:index])}</p>')
    return index


def _flow(lines: list[str], wrapped: bool = False) -> str:
    """Lines of one paragraph: a hand-wrapped line flows on, a short line keeps its break (a signature, an address).

    `wrapped`: every line break is a wrap (the indented continuation of a list item).
    """
    result = ""
    for i, line in enumerate(lines):
        result += _inline(line.strip())
        if i < len(lines) - 1:
            result += " " if wrapped or len(unmark(line)) >= WRAPPED_AT else "<br>"
    return result


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _inline(plain: str) -> str:
    """Escaped text with links; a value's own line breaks become <br>; slots pass through."""
    if "@" not in plain and "www." not in plain and "://" not in plain:
        return _escape(plain)  # the common case: nothing to link
    pieces: list[str] = []
    position = 0
    for match in _LINK.finditer(plain):
        pieces.append(_escape(plain[position : match.start()]))
        shown = match.group(0)
        if match.group("mail"):
            href = f"mailto:{shown}"
        elif match.group("www"):
            href = f"https://{shown}"
        else:
            href = shown
        pieces.append(f'<a href="{html.escape(href)}" style="{LINK}">{_escape(shown)}</a>')
        position = match.end()
    pieces.append(_escape(plain[position:]))
    return "".join(pieces)


def _escape(text: str) -> str:
    return html.escape(text, quote=True).replace(VALUE_BREAK, "<br>")
