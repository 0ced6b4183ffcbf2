"""The audit trail's head as a witness in the mailbox: every mail to the integrity officer carries it.

The anchor (`toolkit.audit_anchor`) sits outside the workspace; this is a second witness that sits outside the
machine altogether. Each mail to the integrity officer (the gifts digest, the supplier round reminder, case
notices, …) and the monthly digest to HR (a mail that goes out every month, whatever happened) carry the trail's
head when they were sent: its line count and the SHA-256 of its last line, in the
header `X-Integrity-Audit-Head` and in one line at the foot of the text. A trail deleted, cut or rewritten after
that mail no longer holds that line: `integrity audit verify --witness N:HASH` says so, whatever the anchor says.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING

from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.audit import AuditTrail
    from toolkit.mail.message import OutgoingMail

HEADER = "X-Integrity-Audit-Head"
_WITNESS = re.compile(r"^\s*(\d+)\s*[: ]\s*([0-9a-f]{64})\s*$")


def line(lines: int, digest: str) -> str:
    """The Dutch footer line a person reads, with the exact argument for `audit verify --witness`."""
    return (
        f"Logboek bij verzending: {counted(lines, 'regel', 'regels')}, laatste regel sha256 {digest}. "
        f"Controle: integrity audit verify --witness {lines}:{digest}"
    )


def stamp(mail: OutgoingMail, audit: AuditTrail) -> OutgoingMail:
    """The mail with the trail's current head in a header and at the foot of its text (and HTML)."""
    lines, digest = audit.head()
    footer = line(lines, digest)
    html = mail.html
    if html is not None:
        note = f'<p style="color:#666;font-size:small">{escape(footer)}</p>'
        html = html.replace("</body>", note + "</body>", 1) if "</body>" in html else html + note
    return replace(
        mail,
        text=f"{mail.text.rstrip()}\n\n-- \n{footer}\n",
        html=html,
        headers=(*mail.headers, (HEADER, f"{lines} {digest}")),
    )


def parse(text: str) -> tuple[int, str] | None:
    """'N:HASH' (or 'N HASH', as in the header) -> (N, HASH); None when it is not a witness."""
    match = _WITNESS.match(text.lower())
    return (int(match.group(1)), match.group(2)) if match else None
