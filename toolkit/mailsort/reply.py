"""A reply's own words (quoted original removed) and whether they confirm the code or ask something."""

from __future__ import annotations

import re
from enum import Enum

import quotequail

from toolkit.mailsort.parse import ParsedMail, html_to_text

# Lines from which everything below is the quoted original, a signature or client boilerplate.
_CUT_LINE = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:oorspronkelijk|origineel|original|doorgestuurd|forwarded)\s+(?:bericht|message)\s*-{2,}"
    r"|_{10,}"
    r"|--\s*"
    r"|(?:verzonden|verstuurd) (?:vanaf|met|via) (?:mijn|my)\b.*"
    r"|sent from my\b.*"
    r"|(?:get|download) outlook (?:for|voor)\b.*"
    r")$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(?:van|from|de|von)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(?:verzonden|sent|datum|date|aan|to|onderwerp|subject|cc|gesendet|an|betreff)\s*:", re.IGNORECASE
)
_INTRO = re.compile(
    r"^\s*(?:op .+ schreef .+:|op .+ heeft .+ geschreven\s*:|on .+ wrote\s*:|am .+ schrieb .+:"
    r"|.+ (?:schreef|wrote)\s*:|\d{4}[-/]\d{1,2}[-/]\d{1,2} .+<.+@.+>\s*:?)\s*$",
    re.IGNORECASE,
)


def _is_outlook_header(lines: list[str], index: int) -> bool:
    """A 'Van:'/'From:' line followed within four lines by 'Verzonden:'/'Sent:'/'Aan:'/… starts a header block."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    return any(_HEADER_NEXT.match(line) for line in lines[index + 1 : index + 5])


def _intro_span(lines: list[str], index: int) -> int:
    """How many lines an 'Op … schreef …:' / 'On … wrote:' intro at `index` takes: 0 (none), 1, or 2 (wrapped)."""
    line = lines[index].strip()
    if not line or line.startswith(">"):
        return 0
    if _INTRO.match(line):
        return 1
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if following and not _INTRO.match(following) and _INTRO.match(f"{line} {following}"):
        return 2
    return 0


def _cut_index(lines: list[str]) -> int:
    """Index of the first line that belongs to the quoted original or the signature (len(lines) if none)."""
    for index, line in enumerate(lines):
        if _CUT_LINE.match(line) or _is_outlook_header(lines, index):
            return index
        if _intro_span(lines, index) and any(prior.strip() for prior in lines[:index]):
            return index
    return len(lines)


def _strip_quotes(text: str) -> str:
    """Cut at the first separator, header block, intro or signature; drop '>' lines and an intro above them.

    An intro with nothing above it is a reply written below the quote: only the intro line(s) go.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    lines = lines[: _cut_index(lines)]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        span = _intro_span(lines, index)
        if span:
            index += span
            continue
        if not lines[index].lstrip().startswith(">"):
            kept.append(lines[index])
        index += 1
    return "\n".join(kept).strip()


def _quotequail_top(text: str) -> str:
    """The part quotequail sees above the quoted original ('' when the reply is written below it)."""
    try:
        parts = quotequail.quote(text, quote_intro_line=True)
    except Exception:  # noqa: BLE001 - a helper library must never stop the sorting
        return text
    return parts[0][1] if parts and parts[0][0] else ""


def _own_words_text(text: str) -> str:
    own = _strip_quotes(_quotequail_top(text))
    return own or _strip_quotes(text)


def _html_top(html: str) -> str:
    try:
        parts = quotequail.quote_html(html, quote_intro_line=True)
    except Exception:  # noqa: BLE001
        return html
    return parts[0][1] if parts and parts[0][0] else html


def own_words(parsed: ParsedMail) -> str:
    """The sender's own new text: quoted original, reply headers and signature removed.

    Plain text goes through quotequail first, then through our own rules for what it misses (Outlook header
    blocks in Dutch and English, 'Oorspronkelijk bericht' separators, wrapped 'Op … schreef …:' lines,
    '>' lines, signatures after '-- '). An HTML-only reply is cut at its <blockquote>, Outlook's
    divRplyFwdMsg or border-top separator before it is turned into text.
    """
    html_only = parsed.html is not None and parsed.text == html_to_text(parsed.html)
    if not html_only:
        return _own_words_text(parsed.text)
    top_text = html_to_text(_html_top(parsed.html or ""), stop_at_quote=True)
    return _own_words_text(top_text)


class ReplyKind(Enum):
    """What a human reply to a mailing says."""

    CONFIRMATION = "bevestigd"
    QUESTION = "vraag"


# Words that confirm receipt or agreement (Dutch and English); matched as whole words, lower case.
CONFIRMATION_WORDS = (
    r"akkoord",
    r"ontvangen",
    r"gelezen",
    r"bevestig(?:en|d|t)?",
    r"in orde",
    r"prima",
    r"agree",
    r"agreed",
    r"confirm(?:ed|s)?",
    r"received",
    r"acknowledged?",
    r"noted",
    r"ok",
    r"oké",
    r"okay",
    r"oke",
)
# Words that make a person look at the reply, whatever else it says.
DOUBT_WORDS = (
    r"vraag",
    r"vragen",
    r"waarom",
    r"niet akkoord",
    r"niet (?:mee |helemaal )?eens",
    r"oneens",
    r"bezwaar",
    r"maar",
    r"echter",
    r"onduidelijk",
    r"disagree",
    r"do not agree",
    r"don'?t agree",
    r"questions?",
    r"however",
    r"why",
    r"but",
    r"unclear",
    r"objections?",
)
# A negation within three words before a confirmation word, in the same clause, cancels it ('niet ontvangen').
NEGATIONS = frozenset(("niet", "geen", "nooit", "not", "no", "never"))
_NEGATION_WINDOW = 3
# 'geen vragen', 'geen enkel bezwaar', 'no questions': a doubt word right after one of these is no doubt.
DOUBT_CANCELLERS = frozenset(("geen", "zonder", "no", "without"))
_DOUBT_FILLERS = frozenset(("enkel", "enkele", "verdere", "andere", "further", "other"))


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


_CONFIRMATION = _words_pattern(CONFIRMATION_WORDS)
_DOUBT = _words_pattern(DOUBT_WORDS)
_CLAUSE_BREAK = re.compile(r"[.,;:!\n]")


def _negated(text: str, start: int) -> bool:
    clause = _CLAUSE_BREAK.split(text[:start])[-1]
    before = re.findall(r"[\w']+", clause)[-_NEGATION_WINDOW:]
    return any(word in NEGATIONS for word in before)


def _doubt_cancelled(text: str, start: int) -> bool:
    before = re.findall(r"[\w']+", _CLAUSE_BREAK.split(text[:start])[-1])[-2:]
    if before and before[-1] in DOUBT_CANCELLERS:
        return True
    return len(before) == 2 and before[0] in DOUBT_CANCELLERS and before[1] in _DOUBT_FILLERS


def _has_doubt(text: str) -> bool:
    return any(not _doubt_cancelled(text, match.start()) for match in _DOUBT.finditer(text))


def classify_reply(own_text: str) -> ReplyKind:
    """Confirmation or question, by a deliberately simple, readable rule.

    1. Empty own text: QUESTION (a person must look).
    2. A question mark, or any of DOUBT_WORDS ('vraag', 'waarom', 'niet akkoord', 'bezwaar', 'maar',
       'disagree', 'do not agree', 'question', 'however', …): QUESTION — unless the doubt word directly
       follows 'geen', 'zonder', 'no', 'without' ('geen bezwaar', 'geen verdere vragen', 'no questions').
    3. A word from CONFIRMATION_WORDS ('akkoord', 'ontvangen', 'gelezen', 'bevestigd', 'in orde', 'prima',
       'agreed', 'confirmed', 'received', 'noted', 'ok', …) that is not negated — no 'niet', 'geen', 'not',
       'no', 'nooit', 'never' among the three words before it in the same clause: CONFIRMATION.
    4. Anything else: QUESTION.
    """
    text = " ".join(own_text.lower().split())
    if not text or "?" in text or _has_doubt(text):
        return ReplyKind.QUESTION
    for match in _CONFIRMATION.finditer(text):
        if not _negated(text, match.start()):
            return ReplyKind.CONFIRMATION
    return ReplyKind.QUESTION


def excerpt(text: str, limit: int = 200) -> str:
    """One line for a register cell: whitespace collapsed, cut to `limit` characters with '…'."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[: max(limit - 1, 0)].rstrip() + "…"
