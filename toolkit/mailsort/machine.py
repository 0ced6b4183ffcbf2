"""Machine mail that is no bounce: feedback/abuse reports (ARF), DMARC and TLS reports; machine senders;
out-of-office wording; and whether a human's message reads like an integrity report.

Pure functions on a parsed message (and, for the MIME structure, the stdlib Message); no backend, no clock.
"""

from __future__ import annotations

import re
from email.message import Message

from toolkit.mailsort.parse import ParsedMail

ARF = "klacht- of misbruikrapport (ARF)"
DMARC = "DMARC-rapport"
TLSRPT = "TLS-rapport"

# Local parts that no person reads: an acknowledgement there reaches nobody, a message from there is no reply.
_MACHINE_LOCAL = re.compile(
    r"^(?:mailer-?daemon|mail-?daemon|postmaster|no-?reply|no_reply|do-?not-?reply|donotreply|bounces?(?:[+-].*)?"
    r"|abuse|fbl|feedback-?loop|arf|dmarc(?:[-_.]?(?:reports?|rua|ruf|noreply))?|tls-?rpt|tlsrpt|smtp-?tls-?reporting"
    r"|noreply-dmarc-support|opendmarc|microsoftexchange[0-9a-f]*|mdaemon|autoreply|auto-?responder)"
    r"(?:[+._-].*)?$",
    re.IGNORECASE,
)
_ARF_SUBJECT = re.compile(r"^\s*(?:abuse report|fbl report|complaint about message|spam report|abuse-report)\b", re.I)
_DMARC_SUBJECT = re.compile(r"^\s*(?:\[?dmarc\]?[^\n]*)?report domain:|^\s*dmarc aggregate report", re.IGNORECASE)
_TLS_SUBJECT = re.compile(r"^\s*(?:report domain:.*submitter:|smtp tls report|tls report)", re.IGNORECASE)
_DMARC_FILE = re.compile(r"![^!]+!\d+!\d+(?:![^.]*)?\.(?:xml|zip|gz|xml\.gz)$", re.IGNORECASE)
_TLS_FILE = re.compile(r"!\d+!\d+!.*\.json(?:\.gz)?$|tlsrpt.*\.json(?:\.gz)?$", re.IGNORECASE)

# Words that say "I am away / this is an automatic answer". An automatic reply needs its header or subject AND
# such words before a reports mailbox may set it aside (a web-form gateway marks human reports auto-generated).
_AWAY = re.compile(
    r"\b(?:(?:ik ben|ben ik|is|zijn|wij zijn)\s+(?:\w+\s+){0,3}?(?:afwezig|met vakantie|op vakantie|met verlof|niet aanwezig"
    r"|niet op kantoor|niet bereikbaar|beperkt bereikbaar)(?!\s+geweest)"
    r"|afwezig\s+(?:tot|t/m|van|vanaf)|(?:weer|terug) (?:aanwezig|op kantoor|bereikbaar)|ben ik weer"
    r"|uw (?:e-?mail|bericht) is ontvangen|wij hebben uw (?:e-?mail|bericht) ontvangen"
    r"|(?:i am|i'm|we are|currently)\s+(?:\w+\s+){0,2}?(?:out of (?:the )?office|on (?:annual )?leave|on holiday"
    r"|on vacation|away from (?:the|my) (?:office|desk))|will be back on|back in the office on"
    r"|limited access to (?:my )?e-?mail|we have received your (?:e-?mail|message)|this is an automatic (?:reply|response)"
    r"|nicht im b[üu]ro|abwesend|urlaub)\b",
    re.IGNORECASE,
)

# Words that name wrongdoing (Dutch and English). An automatic reply carrying one is not set aside unread.
_WRONGDOING = (
    r"klokkenlui\w*|integriteitsschending\w*|fraude\w*|frauduleu\w*|corrupt\w*|omkop\w*|steekpenning\w*|smeergeld\w*"
    r"|belangenverstrengeling\w*|misstand\w*|diefstal\w*|gestolen|intimidatie\w*|ongewenst gedrag|machtsmisbruik"
    r"|vriendjespolitiek|verduister\w*|witwas\w*|chantage|bedreig\w*|discriminatie\w*"
    r"|whistle-?blow\w*|fraud\w*|brib\w*|kickbacks?|corruption|embezzle\w*|misconduct|harass\w*"
    r"|conflicts? of interest|wrongdoing|misappropriat\w*|theft|stealing|stolen"
)
# Also words that ask to report or keep it confidential: a person's message with one of these reads like a report.
_REPORTING = (
    r"meld(?:ing|en|t)?|melding(?:en)?|integriteits(?:kwestie|probleem|zaak)\w*|schending\w*|vertrouwelijk\w*"
    r"|anoniem\w*|vermoeden\w*|pesten|confidential\w*|anonymous\w*|i (?:want|wish|would like) to report"
    r"|reporting (?:a|an)|integrity (?:breach|violation|concern|issue)s?"
)
_WRONGDOING_WORDS = re.compile(rf"\b(?:{_WRONGDOING})\b", re.IGNORECASE)
_REPORT_WORDS = re.compile(rf"\b(?:{_WRONGDOING}|{_REPORTING})\b", re.IGNORECASE)


def is_machine_address(address: str) -> bool:
    """mailer-daemon, postmaster, no-reply, abuse, feedback loops, DMARC/TLS reporters: nobody reads these."""
    local = address.strip().lower().rpartition("@")[0] if "@" in address else address.strip().lower()
    return not local or bool(_MACHINE_LOCAL.match(local))


def _report_type(msg: Message) -> str:
    if msg.get_content_type() != "multipart/report":
        return ""
    return str(msg.get_param("report-type") or "").lower()


def _part_types(msg: Message) -> set[str]:
    return {part.get_content_type() for part in msg.walk()}


def _file_names(parsed: ParsedMail) -> list[str]:
    return [a.filename or "" for a in parsed.attachments]


def machine_report(msg: Message, parsed: ParsedMail) -> str | None:
    """ARF, DMARC or TLS report: by MIME structure first, then by sender plus subject or file name."""
    report_type, types = _report_type(msg), _part_types(msg)
    if report_type == "feedback-report" or "message/feedback-report" in types:
        return ARF
    if report_type == "tlsrpt" or types & {"application/tlsrpt+json", "application/tlsrpt+gzip"}:
        return TLSRPT
    machine = is_machine_address(parsed.from_address)
    names = _file_names(parsed)
    if any(_TLS_FILE.search(name) for name in names) and (machine or _TLS_SUBJECT.match(parsed.subject)):
        return TLSRPT
    if any(_DMARC_FILE.search(name) for name in names) and (machine or _DMARC_SUBJECT.match(parsed.subject)):
        return DMARC
    if machine and _ARF_SUBJECT.match(parsed.subject) and not parsed.attachments:
        return ARF
    return None


def reads_away(text: str) -> bool:
    """Out-of-office or 'we received your message' wording in the text (a subject alone proves nothing)."""
    return bool(_AWAY.search(text or ""))


def names_wrongdoing(text: str) -> bool:
    """Words that name wrongdoing (fraude, steekpenningen, bribery, …); 'melding' alone does not."""
    return bool(_WRONGDOING_WORDS.search(text or ""))


def reads_like_report(subject: str, own_text: str) -> bool:
    """A subject or own words that name wrongdoing or ask to report it (Dutch and English)."""
    return bool(_REPORT_WORDS.search(subject or "")) or bool(_REPORT_WORDS.search(own_text or ""))
