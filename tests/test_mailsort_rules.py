"""Unit rules of mailsort: references, reply classification, excerpt, parsing details, auto-reply signals."""

from __future__ import annotations

import pytest

from toolkit.mailsort import (
    ReplyKind,
    classify_reply,
    detect_bounce,
    excerpt,
    find_case_number,
    find_supplier_reference,
    is_auto_reply,
    own_words,
    parse_mail,
)
from toolkit.mailsort.parse import html_to_text


def _mail(headers: str, body: str = "Akkoord.") -> bytes:
    head = "From: Jan <jan@example.com>\nTo: integriteit@example.nl\n" + headers.strip("\n")
    return f"{head}\n\n{body}\n".replace("\n", "\r\n").encode("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RE: Integriteitscode [IC-2027-0042]", "[IC-2027-0042]"),
        ("re: ic-2027-0042 akkoord", "[IC-2027-0042]"),
        ("Antw: [ ic 2027 - 42 ]", "[IC-2027-0042]"),
        ("Onderwerp: [IC – 2027 – 0042]", "[IC-2027-0042]"),
        ("LOGIC-2027-0042 is geen referentie", None),
        ("geen referentie", None),
    ],
)
def test_find_supplier_reference(text: str, expected: str | None) -> None:
    """Supplier references are found with or without brackets, any case and spacing, and normalised."""
    assert find_supplier_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uw melding M-2026-0001", "M-2026-0001"),
        ("melding m 2026 1 ontvangen", "M-2026-0001"),
        ("zaak M-2026-00012", "M-2026-00012"),
        ("ROOM-2026-0001", None),
        ("[IC-2027-0042]", None),
    ],
)
def test_find_case_number(text: str, expected: str | None) -> None:
    """Case numbers are found tolerantly and normalised; other codes are not mistaken for one."""
    assert find_case_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Akkoord.",
        "Ontvangen en gelezen.",
        "Hierbij bevestigen wij de ontvangst.",
        "Wij gaan akkoord met de code.",
        "In orde, groet Piet",
        "Prima!",
        "Oké",
        "OK",
        "Agreed.",
        "We confirm receipt.",
        "Received with thanks.",
        "Noted, acknowledged.",
        "Geen bezwaar, akkoord.",
        "Geen verdere vragen, akkoord.",
        "No problem, agreed.",
    ],
)
def test_classify_confirmations(text: str) -> None:
    """Plain confirmations in Dutch and English, including 'geen bezwaar', are CONFIRMATION."""
    assert classify_reply(text) is ReplyKind.CONFIRMATION


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n ",
        "Akkoord?",
        "Akkoord, maar mag ik een kerstpakket aannemen",
        "Wij gaan niet akkoord.",
        "Wij gaan hier niet mee akkoord.",
        "Ik ben het er niet mee eens.",
        "Nog niet ontvangen.",
        "Wij hebben geen code ontvangen",
        "Wij maken bezwaar.",
        "Waarom moeten wij dit tekenen",
        "Ik heb een vraag over artikel 2.",
        "We disagree.",
        "We do not agree.",
        "Not received.",
        "Received. However, legal must review it.",
        "One question about gifts.",
        "Zie bijlage.",
    ],
)
def test_classify_questions(text: str) -> None:
    """Empty text, '?', doubt words and negated confirmations are QUESTION (a person looks)."""
    assert classify_reply(text) is ReplyKind.QUESTION


def test_excerpt_one_line_and_limited() -> None:
    """excerpt collapses whitespace to one line and cuts long text to the limit with an ellipsis."""
    assert excerpt("Akkoord,\n\n  groet\tPiet") == "Akkoord, groet Piet"
    cut = excerpt("woord " * 100, limit=50)
    assert len(cut) == 50
    assert cut.endswith("…")
    assert "\n" not in cut


def test_parse_headers_ids_and_addresses() -> None:
    """Header names are lower case, message ids keep brackets, addresses are lower case, dates are aware."""
    raw = _mail(
        "Subject: =?utf-8?Q?Re=3A_Gr=C3=BC=C3=9Fe?=\nMessage-ID: <abc@example.com>\n"
        "In-Reply-To: <ic-1@example.nl>\nReferences: <a@x.example> <ic-1@example.nl>\n"
        "Reply-To: Secretariaat <Secretariaat@Example.com>\nDate: Mon, 4 Jan 2027 10:12:00 +0100\n"
        "To: A <a@example.nl>, b@example.nl\nX-Custom: een\nX-Custom: twee"
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Re: Grüße"
    assert parsed.message_id == "<abc@example.com>"
    assert parsed.in_reply_to == "<ic-1@example.nl>"
    assert parsed.references == ("<a@x.example>", "<ic-1@example.nl>")
    assert parsed.reply_to == "secretariaat@example.com"
    assert parsed.headers["x-custom"] == "een"
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert parsed.date.hour == 10


def test_parse_never_raises_on_empty_and_broken_input() -> None:
    """Empty bytes, a lone header and broken encoded words parse to a ParsedMail without an error."""
    for raw in (b"", b"Subject: =?utf-8?B?!!!?=", b"Content-Type: text/plain; charset=nope\n\n\xff\xfe akkoord"):
        parsed = parse_mail(raw)
        assert isinstance(parsed.text, str)
    assert "akkoord" in parse_mail(b"Content-Type: text/plain; charset=nope\n\n\xff\xfe akkoord").text


def test_html_to_text_keeps_lines_and_drops_style_and_script() -> None:
    """HTML becomes text with line breaks per block, without <style> or <script> content."""
    html = "<html><head><style>p{color:red}</style></head><body><p>Eén</p><div>Twee<br>Drie</div>"
    html += "<script>var x = 1;</script></body></html>"
    assert html_to_text(html) == "Eén\n\nTwee\nDrie"


def test_own_words_outlook_english_block_without_separator() -> None:
    """An Outlook 'From:/Sent:/To:/Subject:' block cuts the quoted original even without a separator line."""
    body = "Noted.\n\nFrom: Integriteit <i@example.nl>\nSent: Monday\nTo: Jan\nSubject: Code\n\nAkkoord?"
    assert own_words(parse_mail(_mail("Subject: RE: Code", body))) == "Noted."


def test_own_words_interleaved_quotes_are_dropped() -> None:
    """'>' quoted lines are dropped wherever they are, the sender's own lines are kept."""
    body = "> Gaat u akkoord?\nJa, akkoord.\n> Heeft u vragen?\nNee."
    assert own_words(parse_mail(_mail("Subject: Re: Code", body))) == "Ja, akkoord.\nNee."


def test_auto_reply_header_signals() -> None:
    """RFC 3834 and vendor headers mark auto-replies; 'Auto-Submitted: no' and X-Auto-Response-Suppress don't."""
    assert is_auto_reply(parse_mail(_mail("Subject: Re: x\nAuto-Submitted: auto-generated"))) == "Auto-Submitted"
    assert is_auto_reply(parse_mail(_mail("Subject: Re: x\nPrecedence: bulk"))) == "Precedence"
    assert is_auto_reply(parse_mail(_mail("Subject: Re: x\nX-Autorespond: yes"))) == "X-Autorespond"
    assert is_auto_reply(parse_mail(_mail("Subject: Re: x\nAuto-Submitted: no\nX-Auto-Response-Suppress: All"))) is None


@pytest.mark.parametrize(
    "subject",
    [
        "Automatisch antwoord: Code",
        "Automatic reply: Code",
        "Afwezig",
        "Afwezigheidsmelding: Code",
        "Out of Office: Code",
        "Autoreply",
    ],
)
def test_auto_reply_subject_prefixes(subject: str) -> None:
    """Out-of-office subject prefixes in Dutch, English and German mark an auto-reply."""
    assert is_auto_reply(parse_mail(_mail(f"Subject: {subject}"))) is not None


def test_ordinary_reply_is_no_bounce() -> None:
    """A human reply that mentions an undeliverable mail further down is not taken for a bounce."""
    body = "Akkoord.\n\nPS: mijn collega kreeg eerder een melding 'Undeliverable' van jullie."
    raw = _mail("Subject: RE: Integriteitscode [IC-2027-0042]", body)
    assert detect_bounce(raw, parse_mail(raw)) is None
