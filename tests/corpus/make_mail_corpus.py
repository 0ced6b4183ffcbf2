# ruff: noqa: E501, W291  -- raw mail text: long lines and the "-- " signature separator are the data
"""Writes the hand-written mail corpus in tests/corpus/mail/ as .eml files (run: python tests/corpus/make_mail_corpus.py).

Every message is fictitious (example.nl / example.com / example.org). The expected outcome of each message is kept
by hand in tests/corpus/mail/expected.toml, not derived from the code under test.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

OUT = Path(__file__).parent / "mail"
US = "Integriteit Woonpartners <integriteit@woonpartners.example.nl>"
SUBJECT = "Integriteitscode Woonpartners [IC-2027-0042]"

# The mailing's own text, as suppliers quote it back: it asks for 'akkoord' and has a question mark itself.
ORIGINAL_NL = """Geachte relatie,

Woonpartners verwacht van haar leveranciers en opdrachtnemers dat zij integer handelen.
In de bijlage vindt u onze integriteitscode. Wilt u per kerende mail laten weten dat u
akkoord gaat met de code? Antwoord dan met "akkoord" en vermeld de referentie [IC-2027-0042].

Heeft u vragen of bezwaren, neem dan contact met ons op.

Met vriendelijke groet,
Afdeling Integriteit
Woonpartners"""


def quoted(text: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in text.splitlines())


def headers(**extra: str) -> str:
    base = {
        "Return-Path": "<{addr}>",
        "Received": "from mx1.example.com (mx1.example.com [192.0.2.10]) by mx.woonpartners.example.nl;\n"
        "\tMon, 4 Jan 2027 10:12:03 +0100",
    }
    base.update(extra)
    return base


def mail(head: dict[str, str], body: str) -> bytes:
    lines = [f"{name}: {value}" for name, value in head.items() if value is not None]
    text = "\n".join(lines) + "\n\n" + body.lstrip("\n")
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def simple_reply(
    sender: str,
    subject: str,
    body: str,
    *,
    msgid: str,
    extra: dict[str, str] | None = None,
    charset: str = "utf-8",
    cte: str = "8bit",
) -> bytes:
    head = {
        "Received": "from mx1.example.com (mx1.example.com [192.0.2.10]) by mx.woonpartners.example.nl;\n"
        "\tMon, 4 Jan 2027 10:12:03 +0100",
        "From": sender,
        "To": US,
        "Subject": subject,
        "Date": "Mon, 4 Jan 2027 10:12:00 +0100",
        "Message-ID": f"<{msgid}>",
        "In-Reply-To": "<ic-2027-0042.1@woonpartners.example.nl>",
        "References": "<ic-2027-0042.1@woonpartners.example.nl>",
        "MIME-Version": "1.0",
        "Content-Type": f'text/plain; charset="{charset}"',
        "Content-Transfer-Encoding": cte,
    }
    head.update(extra or {})
    return mail(head, body)


def alternative(head: dict[str, str], plain: str, html: str, boundary: str = "_000_alt_") -> bytes:
    head = {**head, "MIME-Version": "1.0", "Content-Type": f'multipart/alternative; boundary="{boundary}"'}
    body = f"""--{boundary}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{quopri.encodestring(plain.encode("utf-8")).decode("ascii")}
--{boundary}
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{quopri.encodestring(html.encode("utf-8")).decode("ascii")}
--{boundary}--
"""
    return mail(head, body)


def reply_head(sender: str, subject: str, msgid: str, **extra: str) -> dict[str, str]:
    head = {
        "Received": "from mail.example.com ([198.51.100.7]) by mx.woonpartners.example.nl; Mon, 4 Jan 2027 11:02:11 +0100",
        "From": sender,
        "To": US,
        "Subject": subject,
        "Date": "Mon, 4 Jan 2027 11:02:00 +0100",
        "Message-ID": f"<{msgid}>",
        "In-Reply-To": "<ic-2027-0042.1@woonpartners.example.nl>",
        "References": "<ic-2027-0042.1@woonpartners.example.nl>",
    }
    head.update(extra)
    return head


OUTLOOK_NL_BLOCK = f"""Van: {US}
Verzonden: maandag 4 januari 2027 09:00
Aan: Jan de Vries <jan@bouwbedrijf-devries.example.nl>
Onderwerp: {SUBJECT}

{ORIGINAL_NL}"""

OUTLOOK_EN_BLOCK = f"""From: {US}
Sent: Monday, January 4, 2027 9:00 AM
To: Sarah Green <s.green@facility.example.com>
Subject: {SUBJECT}

{ORIGINAL_NL}"""


def confirmations() -> dict[str, bytes]:
    c: dict[str, bytes] = {}
    c["c01_outlook_nl_akkoord"] = simple_reply(
        "Jan de Vries <jan@bouwbedrijf-devries.example.nl>",
        f"RE: {SUBJECT}",
        f"""Goedemorgen,

Akkoord.

Met vriendelijke groet,
Jan de Vries
Bouwbedrijf De Vries B.V.

{OUTLOOK_NL_BLOCK}
""",
        msgid="AM0PR01MB1234.1@eurprd01.prod.outlook.example.com",
        extra={"Thread-Topic": SUBJECT, "Thread-Index": "AQHa1b2c3d4e5f==", "Content-Language": "nl-NL"},
    )
    plain = f"""Dear sir/madam,

We confirm receipt of your integrity code and we agree with it.

Kind regards,
Sarah Green
Facility Services Example Ltd.

{OUTLOOK_EN_BLOCK}
"""
    html = (
        "<html><head><style>p.MsoNormal {margin:0cm; font-family:Calibri}</style></head><body>"
        "<p class=MsoNormal>Dear sir/madam,</p><p class=MsoNormal>We confirm receipt of your integrity code and we "
        "agree with it.</p><p class=MsoNormal>Kind regards,<br>Sarah Green</p>"
        "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p><b>From:</b> "
        "Integriteit Woonpartners<br><b>Sent:</b> Monday, January 4, 2027 9:00 AM</p></div>"
        "<p>Wilt u laten weten dat u akkoord gaat met de code?</p></body></html>"
    )
    c["c02_outlook_en_agree"] = alternative(
        reply_head(
            "Sarah Green <S.Green@Facility.example.com>",
            f"RE: {SUBJECT}",
            "c02@facility.example.com",
            **{"Thread-Topic": SUBJECT, "X-MS-Has-Attach": "", "X-Auto-Response-Suppress": "All"},
        ),
        plain,
        html,
    )
    c["c03_gmail_nl_wrapped_intro"] = simple_reply(
        "Kees Bakker <kees.bakker@example.com>",
        f"Re: {SUBJECT}",
        f"""Ontvangen en gelezen, wij gaan akkoord.

Groet, Kees

Op ma 4 jan 2027 om 09:00 schreef Integriteit Woonpartners <
integriteit@woonpartners.example.nl>:

{quoted(ORIGINAL_NL)}
""",
        msgid="CAF=abc123@mail.gmail.example.com",
    )
    c["c04_gmail_en"] = simple_reply(
        "Tom Baker <tom@greenkeeping.example.com>",
        f"Re: {SUBJECT}",
        f"""Received, thanks. Acknowledged on behalf of Greenkeeping Ltd.

On Mon, Jan 4, 2027 at 9:00 AM Integriteit Woonpartners <integriteit@woonpartners.example.nl> wrote:

{quoted(ORIGINAL_NL)}
""",
        msgid="CAG=def456@mail.gmail.example.com",
    )
    c["c05_apple_mail_nl"] = simple_reply(
        "Fatima el Amrani <fatima@schoonmaak.example.nl>",
        f"Re: {SUBJECT}",
        f"""Prima, alles in orde.

Verstuurd vanaf mijn iPhone

> Op 4 jan. 2027 om 09:00 heeft Integriteit Woonpartners <integriteit@woonpartners.example.nl> het volgende geschreven:
>
{quoted(ORIGINAL_NL)}
""",
        msgid="6C1D2E3F-AAAA-4BBB-8CCC-123456789ABC@schoonmaak.example.nl",
        extra={"X-Mailer": "iPhone Mail (20B101)", "Content-Type": "text/plain; charset=utf-8; format=flowed"},
    )
    subject_b = base64.b64encode(f"Re: Integriteitscode – {'[IC-2027-0042]'}".encode()).decode()
    c["c06_outlook_separator_encoded_subject"] = simple_reply(
        "=?utf-8?Q?Ren=C3=A9_Dijkstra?= <r.dijkstra@installatie.example.nl>",
        f"=?utf-8?B?{subject_b}?=",
        f"""Hierbij bevestig ik namens Installatietechniek Dijkstra de ontvangst van de integriteitscode.

René

-----Oorspronkelijk bericht-----
{OUTLOOK_NL_BLOCK}
""",
        msgid="c06@installatie.example.nl",
    )
    c["c07_original_message_en"] = simple_reply(
        "Mark Lee <mark.lee@example.org>",
        f"RE: {SUBJECT}",
        f"""Acknowledged.

-----Original Message-----
{OUTLOOK_EN_BLOCK}
""",
        msgid="c07@example.org",
    )
    gmail_html = (
        '<div dir="ltr">Akkoord namens Bouwbedrijf Example.<div><br></div><div>Groet,<br>Anne</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Op ma 4 jan 2027 om 09:00 schreef Integriteit '
        "Woonpartners &lt;integriteit@woonpartners.example.nl&gt;:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Wilt u per kerende mail laten weten dat u '
        "akkoord gaat met de code?<br>Heeft u vragen of bezwaren, neem dan contact met ons op.</blockquote></div>"
    )
    c["c08_html_only_gmail_blockquote"] = mail(
        {
            **reply_head("Anne Jansen <anne@bouw.example.com>", f"Re: {SUBJECT}", "c08@bouw.example.com"),
            "MIME-Version": "1.0",
            "Content-Type": 'text/html; charset="UTF-8"',
            "Content-Transfer-Encoding": "quoted-printable",
        },
        quopri.encodestring(gmail_html.encode()).decode("ascii"),
    )
    owa_html = (
        '<html><head><style type="text/css">P {margin-top:0;margin-bottom:0;}</style></head><body dir="ltr">'
        '<div style="font-family: Calibri">Confirmed, we agree with the code.</div>'
        '<div style="font-family: Calibri">Best regards, Peter</div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Integriteit Woonpartners<br>'
        "<b>Sent:</b> Monday, January 4, 2027 09:00<br><b>Subject:</b> " + SUBJECT + "</font><div>&nbsp;</div></div>"
        "<div>Wilt u laten weten dat u akkoord gaat met de code? Heeft u vragen?</div></body></html>"
    )
    c["c09_html_only_owa_divrplyfwdmsg"] = mail(
        {
            **reply_head("Peter Smit <peter.smit@liftservice.example.com>", f"RE: {SUBJECT}", "c09@liftservice"),
            "MIME-Version": "1.0",
            "Content-Type": 'text/html; charset="iso-8859-1"',
            "Content-Transfer-Encoding": "quoted-printable",
            "X-MS-Exchange-Organization-AuthAs": "Anonymous",
        },
        quopri.encodestring(owa_html.encode("latin-1")).decode("ascii"),
    )
    outlook_html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"><style><!--\n'
        "p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt;}\n--></style></head><body lang=NL>"
        "<div class=WordSection1><p class=MsoNormal>Gelezen en akkoord.<o:p></o:p></p>"
        "<p class=MsoNormal>Met vriendelijke groet,<br>Ahmet Yilmaz<o:p></o:p></p>"
        "<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
        "<p class=MsoNormal><b>Van:</b> Integriteit Woonpartners &lt;integriteit@woonpartners.example.nl&gt; <br>"
        "<b>Verzonden:</b> maandag 4 januari 2027 09:00<br><b>Onderwerp:</b> " + SUBJECT + "</p></div></div>"
        "<p class=MsoNormal>Wilt u laten weten dat u akkoord gaat met de code? Heeft u vragen of bezwaren?</p>"
        "</div></body></html>"
    )
    c["c10_html_only_outlook_border"] = mail(
        {
            **reply_head("Ahmet Yilmaz <a.yilmaz@dakwerken.example.nl>", f"RE: {SUBJECT}", "c10@dakwerken"),
            "MIME-Version": "1.0",
            "Content-Type": 'text/html; charset="utf-8"',
            "Content-Transfer-Encoding": "base64",
        },
        base64.encodebytes(outlook_html.encode()).decode("ascii"),
    )
    c["c11_no_reference_signature"] = simple_reply(
        "Piet Hendriks <piet@hoveniers.example.nl>",
        "Re: Integriteitscode",
        f"""Ok, gezien en akkoord.

-- 
Piet Hendriks
Hoveniersbedrijf Hendriks | Heeft u een vraag over uw tuin? Bel ons.

Op 4 januari 2027 09:00 schreef Integriteit Woonpartners <integriteit@woonpartners.example.nl>:
{quoted(ORIGINAL_NL)}
""",
        msgid="c11@hoveniers.example.nl",
        extra={"In-Reply-To": None, "References": None},
    )
    body12 = "Oké, wij gaan akkoord.\n\nMet vriendelijke groet,\nRené Müller\nSchilderwerken Müller\n\n" + (
        f"Van: {US}\nVerzonden: maandag 4 januari 2027 09:00\nOnderwerp: {SUBJECT}\n\n{ORIGINAL_NL}\n"
    )
    c["c12_iso8859_1_qp"] = mail(
        {
            **reply_head("=?iso-8859-1?Q?Ren=E9_M=FCller?= <rene@schilder.example.nl>", f"RE: {SUBJECT}", "c12@s"),
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=iso-8859-1",
            "Content-Transfer-Encoding": "quoted-printable",
        },
        quopri.encodestring(body12.replace("\n", "\r\n").encode("latin-1")).decode("ascii"),
    )
    c["c13_bottom_posted"] = simple_reply(
        "Olga Visser <olga@example.org>",
        f"Re: {SUBJECT}",
        f"""On Mon, 4 Jan 2027 09:00:00 +0100, Integriteit Woonpartners wrote:
{quoted(ORIGINAL_NL)}

Agreed, thanks.
Olga
""",
        msgid="c13@example.org",
    )
    c["c14_new_staff_internal"] = simple_reply(
        "Lisa de Boer <l.deboer@woonpartners.example.nl>",
        "RE: Integriteitscode voor nieuwe medewerkers",
        """Hoi,

Ik heb de integriteitscode ontvangen en gelezen.

Groetjes,
Lisa

Van: Mens & Organisatie <po@woonpartners.example.nl>
Verzonden: maandag 4 januari 2027 08:30
Aan: Lisa de Boer <l.deboer@woonpartners.example.nl>
Onderwerp: Integriteitscode voor nieuwe medewerkers

Welkom bij Woonpartners! Wil je bevestigen dat je de code hebt ontvangen? Heb je vragen, stel ze gerust.
""",
        msgid="c14@woonpartners.example.nl",
        extra={"X-MS-Exchange-Organization-AuthAs": "Internal", "X-MS-Has-Attach": ""},
    )
    c["c15_ordinary_with_suppress_header"] = simple_reply(
        "Bas Vermeulen <bas@elektro.example.nl>",
        f"RE: {SUBJECT}",
        f"Akkoord.\n\nBas\n\n{OUTLOOK_NL_BLOCK}\n",
        msgid="c15@elektro.example.nl",
        extra={"X-Auto-Response-Suppress": "All", "Auto-Submitted": "no", "Thread-Topic": SUBJECT},
    )
    c["c16_utf8_bad_bytes"] = simple_reply(
        "Evi Kok <evi@example.com>", f"Re: {SUBJECT}", "Akkoord, bevestigd.\n", msgid="c16@example.com"
    ).replace(b"Akkoord, bevestigd.", b"Akkoord, bevestigd. \xc3 \xff\xfe")
    return c


def questions() -> dict[str, bytes]:
    q: dict[str, bytes] = {}
    q["q01_akkoord_maar_vraag"] = simple_reply(
        "Jan de Vries <jan@bouwbedrijf-devries.example.nl>",
        f"RE: {SUBJECT}",
        f"Wij gaan akkoord, maar hebben een vraag over kerstpakketten: mag een pakket van 20 euro?\n\n{OUTLOOK_NL_BLOCK}",
        msgid="q01@bouwbedrijf-devries.example.nl",
    )
    q["q02_en_do_not_agree"] = simple_reply(
        "Sarah Green <s.green@facility.example.com>",
        f"RE: {SUBJECT}",
        f"We do not agree with the article on side functions.\n\n{OUTLOOK_EN_BLOCK}",
        msgid="q02@facility.example.com",
    )
    q["q03_niet_mee_akkoord"] = simple_reply(
        "Kees Bakker <kees.bakker@example.com>",
        f"Re: {SUBJECT}",
        f"Wij gaan hier niet mee akkoord.\n\nOp ma 4 jan 2027 om 09:00 schreef {US}:\n{quoted(ORIGINAL_NL)}\n",
        msgid="q03@example.com",
    )
    q["q04_received_however"] = simple_reply(
        "Tom Baker <tom@greenkeeping.example.com>",
        f"Re: {SUBJECT}",
        f"Received. However, our legal department has to review it first.\n\n-----Original Message-----\n{OUTLOOK_EN_BLOCK}",
        msgid="q04@greenkeeping.example.com",
    )
    q["q05_empty_own_words"] = simple_reply(
        "Mark Lee <mark.lee@example.org>",
        f"RE: {SUBJECT}",
        f"\n\n-----Original Message-----\n{OUTLOOK_EN_BLOCK}",
        msgid="q05@example.org",
    )
    q["q06_bezwaar"] = simple_reply(
        "Fatima el Amrani <fatima@schoonmaak.example.nl>",
        f"Re: {SUBJECT}",
        f"Wij maken bezwaar tegen het verbod op relatiegeschenken.\n\n> Op 4 jan. 2027 om 09:00 heeft {US} het volgende geschreven:\n>\n{quoted(ORIGINAL_NL)}\n",
        msgid="q06@schoonmaak.example.nl",
    )
    q["q07_not_received"] = simple_reply(
        "Olga Visser <olga@example.org>",
        f"Re: {SUBJECT}",
        f"The attachment was not received, please send it again.\n\nOn Mon, Jan 4, 2027 at 9:00 AM {US} wrote:\n{quoted(ORIGINAL_NL)}\n",
        msgid="q07@example.org",
    )
    q["q08_report_case_followup"] = simple_reply(
        "Melder <melder1987@example.com>",
        "Re: Uw melding M-2026-0001 is ontvangen",
        """Ik heb nog aanvullende informatie over de situatie die ik heb gemeld. Wanneer kan ik u spreken

Op 3 jan. 2027 om 14:00 heeft Integriteit Woonpartners <integriteit@woonpartners.example.nl> het volgende geschreven:

> Wij hebben uw melding ontvangen onder nummer M-2026-0001. Akkoord?
""",
        msgid="q08@example.com",
    )
    pdf = base64.encodebytes(b"%PDF-1.4\n% fictitious signed declaration\n%%EOF\n").decode("ascii")
    q["q09_attachment_only"] = mail(
        {
            **reply_head("Bas Vermeulen <bas@elektro.example.nl>", f"RE: {SUBJECT}", "q09@elektro.example.nl"),
            "MIME-Version": "1.0",
            "Content-Type": 'multipart/mixed; boundary="mixed-q09"',
        },
        f"""--mixed-q09
Content-Type: text/plain; charset=utf-8

Zie bijlage.

Van: {US}
Verzonden: maandag 4 januari 2027 09:00
Onderwerp: {SUBJECT}

{ORIGINAL_NL}
--mixed-q09
Content-Type: application/pdf; name="verklaring.pdf"
Content-Disposition: attachment; filename*=utf-8''verklaring%20ondertekend%20%E2%80%93%20Vermeulen.pdf
Content-Transfer-Encoding: base64

{pdf}
--mixed-q09--
""",
    )
    body = "Wij hebben één vraag over artikel 3 – geldt dat ook voor onderaannemers? “Geschenken” tot € 25 zijn toch toegestaan\n"
    q["q10_windows1252_8bit"] = simple_reply(
        "Gert Janssen <gert@example.nl>",
        f"RE: {SUBJECT}",
        "PLACEHOLDER\n",
        msgid="q10@example.nl",
        charset="windows-1252",
    ).replace(b"PLACEHOLDER\r\n", body.replace("\n", "\r\n").encode("windows-1252"))
    q["q11_no_words_at_all"] = simple_reply(
        "Ineke Bos <ineke@example.nl>",
        f"RE: {SUBJECT}",
        "Zie mijn eerdere mail van vorige week.\n",
        msgid="q11@example.nl",
    )
    return q


def automatic() -> dict[str, bytes]:
    a: dict[str, bytes] = {}
    a["a01_exchange_oof_nl"] = simple_reply(
        "Jan de Vries <jan@bouwbedrijf-devries.example.nl>",
        f"Automatisch antwoord: {SUBJECT}",
        "Ik ben afwezig tot en met 15 januari en lees mijn mail niet. Uw bericht is ontvangen; voor dringende "
        "zaken kunt u bellen met 010-1234567. Akkoord?\n",
        msgid="a01@bouwbedrijf-devries.example.nl",
        extra={
            "Thread-Topic": SUBJECT,
            "X-MS-Exchange-Inbox-Rules-Loop": "jan@bouwbedrijf-devries.example.nl",
            "X-Auto-Response-Suppress": "All",
            "X-MS-Exchange-Organization-SCL": "-1",
        },
    )
    a["a02_exchange_oof_en_subject_only"] = simple_reply(
        "Sarah Green <s.green@facility.example.com>",
        f"Automatic reply: {SUBJECT}",
        "Thank you for your message. I am out of the office until January 11 and will read it on my return.\n",
        msgid="a02@facility.example.com",
        extra={"Thread-Topic": SUBJECT, "X-Auto-Response-Suppress": "All", "Content-Language": "en-US"},
    )
    a["a03_rfc3834_auto_replied"] = simple_reply(
        "Servicedesk Example <servicedesk@example.com>",
        f"Re: {SUBJECT}",
        "Wij hebben uw bericht ontvangen onder ticketnummer 48213. Wij nemen binnen drie werkdagen contact op.\n",
        msgid="a03@example.com",
        extra={"Auto-Submitted": "auto-replied"},
    )
    a["a04_afwezig_precedence"] = simple_reply(
        "Henk Mulder <henk@example.nl>",
        "Afwezig: Integriteitscode",
        "Ik ben met vakantie tot 18 januari.\n",
        msgid="a04@example.nl",
        extra={"Precedence": "auto_reply", "X-Autoreply": "yes"},
    )
    a["a05_exchange_generated_source"] = simple_reply(
        "=?utf-8?Q?M=C3=BCller?= <mueller@example.de>",
        SUBJECT,
        "Ich bin bis zum 10. Januar nicht im Büro.\n",
        msgid="a05@example.de",
        extra={"X-MS-Exchange-Generated-Message-Source": "Mailbox Rules Agent"},
    )
    return a


ORIGINAL_MESSAGE = f"""From: {US}
To: Supplier <info@bouwbedrijf.example.com>
Subject: {SUBJECT}
Date: Mon, 4 Jan 2027 09:00:00 +0100
Message-ID: <ic-2027-0042.1@woonpartners.example.nl>
Content-Type: text/plain; charset=utf-8

Wilt u per kerende mail laten weten dat u akkoord gaat met de code?
"""


def report(head: dict[str, str], human: str, status: str, boundary: str, *, html: str | None = None) -> bytes:
    head = {
        **head,
        "MIME-Version": "1.0",
        "Content-Type": f'multipart/report; report-type=delivery-status; boundary="{boundary}"',
    }
    html_part = ""
    if html:
        html_part = f"""--{boundary}
Content-Type: text/html; charset="utf-8"

{html}
"""
    body = f"""This is a MIME-formatted message.

--{boundary}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{human}
{html_part}--{boundary}
Content-Type: message/delivery-status

{status}
--{boundary}
Content-Type: message/rfc822

{ORIGINAL_MESSAGE}
--{boundary}--
"""
    return mail(head, body)


def bounce_head(sender: str, subject: str, msgid: str, **extra: str) -> dict[str, str]:
    head = {
        "Received": "from mx.example.com by mx.woonpartners.example.nl; Mon, 4 Jan 2027 09:00:12 +0100",
        "From": sender,
        "To": US,
        "Subject": subject,
        "Date": "Mon, 4 Jan 2027 09:00:12 +0100",
        "Message-ID": f"<{msgid}>",
        "In-Reply-To": "<ic-2027-0042.1@woonpartners.example.nl>",
        "References": "<ic-2027-0042.1@woonpartners.example.nl>",
        "Auto-Submitted": "auto-replied",
    }
    head.update(extra)
    return head


def bounces() -> dict[str, bytes]:
    b: dict[str, bytes] = {}
    b["b01_exchange_onprem_nl_report"] = report(
        bounce_head(
            "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@woonpartners.example.nl>",
            f"Onbestelbaar: {SUBJECT}",
            "b01@EXCH01.woonpartners.example.nl",
            **{"Content-Language": "nl-NL", "X-MS-Exchange-Message-Is-Ndr": ""},
        ),
        """Kan niet worden bezorgd bij deze geadresseerden of groepen:

info@bouwbedrijf.example.com (info@bouwbedrijf.example.com)
Het e-mailadres dat u hebt ingevoerd, kan niet worden gevonden.

Diagnostische gegevens voor beheerders:
Genererende server: EXCH01.woonpartners.example.nl
info@bouwbedrijf.example.com
Remote Server returned '550 5.1.1 User unknown'""",
        """Reporting-MTA: dns;EXCH01.woonpartners.example.nl
Received-From-MTA: dns;EXCH01.woonpartners.example.nl
Arrival-Date: Mon, 4 Jan 2027 08:00:05 +0000

Original-Recipient: rfc822;info@bouwbedrijf.example.com
Final-Recipient: rfc822;info@bouwbedrijf.example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp;550 5.1.1 User unknown""",
        "_b01_report_",
    )
    b["b02_office365_report_en"] = report(
        bounce_head(
            "Microsoft Outlook <postmaster@woonpartners.example.nl>",
            f"Undeliverable: {SUBJECT}",
            "b02@AM0PR01MB0001.eurprd01.prod.outlook.example.com",
            **{"X-MS-Exchange-Message-Is-Ndr": "", "X-MS-PublicTrafficType": "Email"},
        ),
        """Your message to Inkoop@Schilders.example.nl couldn't be delivered.
Inkoop wasn't found at schilders.example.nl.

Action Required
Unknown To address

How to Fix It
The address may be misspelled or may not exist.""",
        """Reporting-MTA: dns;AM0PR01MB0001.eurprd01.prod.outlook.example.com
Received-From-MTA: dns;AM0PR01MB0002.eurprd01.prod.outlook.example.com
Arrival-Date: Mon, 4 Jan 2027 08:00:01 +0000

Original-Recipient: rfc822;Inkoop@Schilders.example.nl
Final-Recipient: rfc822;Inkoop@Schilders.example.nl
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup""",
        "_b02_report_",
        html="<html><body><p>Your message to Inkoop@Schilders.example.nl couldn't be delivered.</p></body></html>",
    )
    b["b03_office365_text_only_en"] = simple_reply(
        "Microsoft Outlook <postmaster@woonpartners.example.nl>",
        f"Undeliverable: {SUBJECT}",
        """Delivery has failed to these recipients or groups:

a.pietersen@aannemer.example.com (a.pietersen@aannemer.example.com)
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

Diagnostic information for administrators:

Generating server: AM0PR01MB0001.eurprd01.prod.outlook.example.com

a.pietersen@aannemer.example.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

Original message headers:

Received: from AM0PR01MB0003 by AM0PR01MB0001 with HTTPS; Mon, 4 Jan 2027 08:00:00 +0000
From: Integriteit Woonpartners <integriteit@woonpartners.example.nl>
To: "a.pietersen@aannemer.example.com" <a.pietersen@aannemer.example.com>
Cc: secretariaat@woonpartners.example.nl
Subject: Integriteitscode Woonpartners [IC-2027-0042]
""",
        msgid="b03@AM0PR01MB0001.eurprd01.prod.outlook.example.com",
        extra={"X-MS-Exchange-Message-Is-Ndr": "", "In-Reply-To": None, "References": None},
    )
    b["b04_exchange_text_only_nl_no_header"] = simple_reply(
        "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@woonpartners.example.nl>",
        f"Onbestelbaar: {SUBJECT}",
        """Kan niet worden bezorgd bij deze geadresseerden of groepen:

Loodgieter Example (loodgieter@example.nl)
Het bericht kan niet worden bezorgd. Het e-mailadres bestaat niet.

Diagnostische gegevens voor beheerders:

Genererende server: EXCH01.woonpartners.example.nl

loodgieter@example.nl
mx.example.nl
Remote Server returned '554 5.4.14 Hop count exceeded - possible mail loop'

Oorspronkelijke berichtkoppen:

From: Integriteit Woonpartners <integriteit@woonpartners.example.nl>
To: Loodgieter Example <loodgieter@example.nl>
""",
        msgid="b04@EXCH01.woonpartners.example.nl",
        extra={"Content-Language": "nl-NL"},
    )
    b["b05_postfix"] = report(
        bounce_head(
            "MAILER-DAEMON@mx.example.org (Mail Delivery System)",
            "Undelivered Mail Returned to Sender",
            "20270104080012.ABCDEF@mx.example.org",
        ),
        """This is the mail system at host mx.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<kozijnen@example.org>: host mail.example.org[203.0.113.5] said: 550 5.1.1
    <kozijnen@example.org>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)""",
        """Reporting-MTA: dns; mx.example.org
X-Postfix-Queue-ID: ABCDEF
X-Postfix-Sender: rfc822; integriteit@woonpartners.example.nl
Arrival-Date: Mon,  4 Jan 2027 09:00:10 +0100 (CET)

Final-Recipient: rfc822; kozijnen@example.org
Original-Recipient: rfc822;kozijnen@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.example.org
Diagnostic-Code: smtp; 550 5.1.1 <kozijnen@example.org>: Recipient address
    rejected: User unknown in virtual mailbox table""",
        "ABCDEF.1799999999/mx.example.org",
    )
    gmail_text = """
** Address not found **

Your message wasn't delivered to Glas.Zetter@example.com because the address couldn't be found, or is unable to receive mail.

Learn more here: https://support.google.example.com/mail/?p=NoSuchUser

The response was:

550 5.1.1 The email account that you tried to reach does not exist.
"""
    b["b06_gmail"] = mail(
        {
            **bounce_head(
                "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
                "Delivery Status Notification (Failure)",
                "b06@mx.google.example.com",
            ),
            "X-Failed-Recipients": "Glas.Zetter@example.com",
            "MIME-Version": "1.0",
            "Content-Type": 'multipart/mixed; boundary="000000000000b06"',
        },
        f"""--000000000000b06
Content-Type: multipart/related; boundary="000000000000b06r"

--000000000000b06r
Content-Type: multipart/alternative; boundary="000000000000b06a"

--000000000000b06a
Content-Type: text/plain; charset="UTF-8"

{gmail_text}
--000000000000b06a
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2><p>Your message wasn't delivered to <b>Glas.Zetter@example.com</b></p></body></html>
--000000000000b06a--
--000000000000b06r--
--000000000000b06
Content-Type: message/rfc822

{ORIGINAL_MESSAGE}
--000000000000b06--
""",
    )
    b["b07_delayed_dsn"] = report(
        bounce_head(
            "Mail Delivery System <MAILER-DAEMON@mx.woonpartners.example.nl>",
            "Delayed Mail (still being retried)",
            "b07@mx.woonpartners.example.nl",
        ),
        """This is the mail system at host mx.woonpartners.example.nl.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.""",
        """Reporting-MTA: dns; mx.woonpartners.example.nl
Arrival-Date: Mon,  4 Jan 2027 05:00:00 +0100 (CET)

Final-Recipient: rfc822; info@traag.example.com
Original-Recipient: rfc822;info@traag.example.com
Action: delayed
Status: 4.4.7
Diagnostic-Code: X-Postfix; connect to mx.traag.example.com[192.0.2.99]:25: Connection timed out
Will-Retry-Until: Sat, 9 Jan 2027 05:00:00 +0100 (CET)""",
        "_b07_",
    )
    b["b08_office365_delayed_text_only"] = simple_reply(
        "Microsoft Outlook <postmaster@woonpartners.example.nl>",
        f"Bezorging vertraagd: {SUBJECT}",
        """Bezorging is vertraagd voor deze geadresseerden of groepen:

schoonmaak@traag.example.nl (schoonmaak@traag.example.nl)

Het bericht is nog niet bezorgd. Er wordt opnieuw geprobeerd.

Diagnostische gegevens voor beheerders:
Remote Server returned '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped."'
""",
        msgid="b08@AM0PR01MB0001.eurprd01.prod.outlook.example.com",
        extra={"X-MS-Exchange-Message-Is-Ndr": ""},
    )
    return b


def malformed() -> dict[str, bytes]:
    m: dict[str, bytes] = {}
    m["m01_broken_everything"] = (
        b"From: =?x-bogus-charset?Q?Gr=E9ta?= <greta@example.nl\n"
        b"To: integriteit@woonpartners.example.nl\n"
        b"Subject: =?utf-8?B?broken base64!!?= Re: [ic 2027 42]\n"
        b"Date: Someday in January, 27\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\n'
        b"\n"
        b"--never-closed\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\n"
        b"Content-Transfer-Encoding: base64\n"
        b"\n"
        b"QWtrb29yZC4gV2ltIEdy\xff\xfeZXRh!!!\n"
        b"--never-closed\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"\n"
        b"\xc3\x28 more \xe2\x82 text\n"
    )
    m["m04_line_without_colon_in_headers"] = (
        b"From: Wim Greta <wim@example.nl>\r\n"
        b"Subject: RE: Integriteitscode [IC-2027-0042]\r\n"
        b"This line is not a header at all\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"\r\n"
        b"Akkoord.\r\n"
    )
    m["m02_binary_garbage"] = bytes(range(256)) * 3
    m["m03_header_only_no_body"] = b"From: Anon <anon@example.com>\r\nSubject: Re: Integriteitscode\r\n"
    return m


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for group in (confirmations(), questions(), automatic(), bounces(), malformed()):
        for name, raw in group.items():
            (OUT / f"{name}.eml").write_bytes(raw)


if __name__ == "__main__":
    main()
