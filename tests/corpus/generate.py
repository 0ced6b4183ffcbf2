# ruff: noqa: E501  -- mail text: long lines are the data
"""Generates a mixed corpus for the reports mailbox as real MIME: reports written the way people write, and machine
mail (bounces of several MTAs, ARF feedback/abuse reports, DMARC and TLS reports, automatic replies).

Every message is fictitious (example.* domains). What each message IS is decided here, by the generator that wrote
it — never by the code under test: `Sample.report` is True for a person's report, False for machine mail, and
`Sample.reason` names the machine kind ("afleverbericht", "automatisch antwoord", ARF/DMARC/TLS).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

US = "meldpunt@woonpartners.example"
OUR_DOMAIN = "woonpartners.example"
DATE = "Thu, 26 Nov 2026 09:{minute:02d}:00 +0100"

DELIVERY = "afleverbericht"
AUTOMATIC = "automatisch antwoord"
ARF = "klacht- of misbruikrapport (ARF)"
DMARC = "DMARC-rapport"
TLSRPT = "TLS-rapport"


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    report: bool  # a person's report (must become a case) or machine mail (must not)
    reason: str = ""  # for machine mail: the "geen melding" reason expected
    sender: str = ""  # the address a reply would go to (a person's, or a machine's)
    same_case_as: str = ""  # a second delivery of another sample: no case of its own


def _message(sender: str, subject: str, n: int, *, to: str = US, msgid: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = DATE.format(minute=n % 60)
    message["Message-ID"] = msgid or f"<corpus-{n}@{sender.rsplit('@', 1)[-1].strip('>')}>"
    return message


# --- reports written the way people write ---------------------------------------------------------------------------

_NL = [
    (
        "Melding",
        "Beste meldpunt,\n\nIk wil melden dat mijn collega cadeaubonnen aanneemt van een aannemer.\n\nGroet,\nAnneke",
    ),
    (
        "Vertrouwelijk",
        "Hallo,\n\nDe teamleider van onderhoud laat zijn zwager offertes doen zonder dat er andere offertes worden opgevraagd. Dit gaat al een jaar zo.\n\nMet vriendelijke groet",
    ),
    (
        "vermoeden van fraude",
        "Ik heb gezien dat facturen van schilderbedrijf De Kwast dubbel zijn betaald. Wie kan hiernaar kijken?",
    ),
    (
        "Woningtoewijzing",
        "Mijn buurman kreeg een woning terwijl hij pas een maand ingeschreven stond. Zijn dochter werkt bij jullie op de afdeling verhuur.",
    ),
    (
        "",
        "ik weet niet of dit hier moet maar de opzichter vraagt huurders om geld voor het sneller maken van reparaties",
    ),
    (
        "gesprek met mijn manager",
        "Na mijn vraag over de inkoop werd ik uitgescholden en kreeg ik te horen dat ik mijn mond moest houden. Ik voel me niet veilig om dit intern te bespreken.",
    ),
    (
        "Re: onze afspraak",
        "Zoals besproken stuur ik je de gegevens. De auto van de zaak wordt elk weekend gebruikt voor een eigen klusbedrijf.",
    ),
    (
        "Belangenverstrengeling",
        "Een lid van de selectiecommissie is getrouwd met de directeur van het bouwbedrijf dat de aanbesteding won.",
    ),
    (
        "Graag anoniem",
        "Ik wil graag anoniem blijven. Er verdwijnen materialen uit het magazijn in Zuid, elke vrijdagmiddag.",
    ),
    (
        "Iets wat niet klopt",
        "Goedemiddag, bij de laatste renovatie zijn uren gedeclareerd voor werk dat nooit is gedaan. Ik heb foto's.",
    ),
    (
        "Toewijzing van een parkeerplaats",
        "Een medewerker van klantenservice heeft mijn persoonsgegevens doorgegeven aan de vereniging van eigenaren.",
    ),
    ("Dringend", "De huismeester van complex 14 neemt geld aan van bewoners voor een sleutel van de berging."),
]
_EN = [
    (
        "Report",
        "Hello,\n\nI would like to report that a site manager accepts cash from a subcontractor.\n\nKind regards,\nTom",
    ),
    (
        "Concern",
        "Dear integrity officer,\n\nI am worried about the way contracts for painting are awarded. The same firm wins every time and its owner is a friend of the purchasing manager.",
    ),
    (
        "Confidential",
        "I work for a contractor of yours. Your project leader asked us to add 10% to our invoice and pay it back to him in cash.",
    ),
    ("", "Someone in the rental office is selling the waiting list position. My neighbour paid 2000 euro."),
    (
        "Whistleblower",
        "I'm afraid to use my own name. The maintenance budget is being used to renovate a manager's house.",
    ),
    (
        "Question about a colleague",
        "A colleague copies tenant files to a USB stick and takes them home. Is that allowed?",
    ),
]
_CLIENTS = [
    ("Thunderbird", ""),
    ("iPhone", "\n\nVerstuurd vanaf mijn iPhone"),
    ("Android", "\n\nVerzonden vanaf mijn Galaxy"),
    ("Outlook", "\n\nVerzonden vanuit Outlook"),
    ("Gmail", ""),
]
_PEOPLE = [
    ("Anneke de Vries", "anneke.devries@thuis.example"),
    ("Mohamed El Amrani", "m.elamrani@mail.example"),
    ("Joost", "joost1978@gmail.example"),
    ("", "bewoner.complex14@hotmail.example"),
    ("Sanne Bakker", "sanne.bakker@woonpartners.example"),
    ("T. Jansen", "tjansen@bouwbedrijf.example"),
]


def _person(n: int) -> tuple[str, str]:
    name, address = _PEOPLE[n % len(_PEOPLE)]
    return (f"{name} <{address}>" if name else address), address


def _plain_reports(start: int) -> list[Sample]:
    samples = []
    texts = [*((s, b, "nl") for s, b in _NL), *((s, b, "en") for s, b in _EN)]
    for index, (subject, body, lang) in enumerate(texts):
        for variant in range(2):
            n = start + len(samples)
            sender, address = _person(index + variant)
            client, footer = _CLIENTS[(index + variant) % len(_CLIENTS)]
            message = _message(sender, subject, n)
            if lang == "en":
                message["Content-Language"] = "en-GB"
            if variant == 0:
                message.set_content(body + footer)
            else:  # the same words as the HTML-and-text mail a phone or webmail sends
                message.set_content(body + footer)
                html = "".join(f"<p>{line}</p>" for line in (body + footer).split("\n") if line)
                message.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
            message["X-Mailer"] = client
            samples.append(Sample(f"report-{lang}-{index:02d}-{variant}", message.as_bytes(), True, sender=address))
    return samples


def _webform(start: int) -> list[Sample]:
    """Web-form gateways: machine sender, Auto-Submitted / Precedence headers, a person's words inside."""
    forms = [
        (
            "no-reply@formulier.woonpartners.example",
            "Nieuwe melding via het webformulier",
            "auto-generated",
            "bulk",
            "Naam: Piet Hein\nE-mail: piet.hein@thuis.example\nMelding: De aannemer van project Noord heeft medewerkers meegenomen op een zeilweekend.",
            "piet.hein@thuis.example",
        ),
        (
            "Meldformulier <noreply@forms.example>",
            "Formulier: integriteit",
            "auto-generated",
            None,
            "Naam: (anoniem)\nBericht: er wordt gesjoemeld met de urenregistratie op de afdeling vastgoed.",
            "",
        ),
        (
            "webform@cms.example",
            "Automatisch antwoord: uw formulier",
            "auto-generated",
            "bulk",
            "Ingezonden bericht:\nMijn leidinggevende heeft de offerte van zijn broer goedgekeurd.\nContact: k.smit@thuis.example",
            "k.smit@thuis.example",
        ),
        (
            "do-not-reply@wufoo.example",
            "New entry: Speak up form",
            "auto-generated",
            "junk",
            "Name: anonymous\nMessage: Procurement is splitting orders to stay under the tender threshold.",
            "",
        ),
        (
            "formulieren@woonpartners.example",
            "Melding (website)",
            "auto-generated",
            None,
            "Van: Kees\nTelefoon: 06-12345678\nWat wilt u melden: de opzichter rijdt privé met de bedrijfsbus naar Spanje.",
            "",
        ),
        (
            "noreply@typeform.example",
            "Nieuwe inzending",
            None,
            "bulk",
            "Onderwerp: geschenken\nToelichting: elke kerst krijgt inkoop een kist wijn van de leverancier van kozijnen.",
            "",
        ),
    ]
    samples = []
    for index, (sender, subject, auto, precedence, body, reply_to) in enumerate(forms):
        for variant in range(2):
            n = start + len(samples)
            message = _message(sender, subject if not variant else f"{subject} #{1000 + n}", n)
            if auto:
                message["Auto-Submitted"] = auto
            if precedence:
                message["Precedence"] = precedence
            if reply_to:
                message["Reply-To"] = reply_to
            message.set_content(body + (f"\n\nFormulier-ID: {n}" if variant else ""))
            samples.append(Sample(f"webform-{index}-{variant}", message.as_bytes(), True, sender=reply_to))
    return samples


def _forwarded(start: int) -> list[Sample]:
    samples = []
    for index in range(4):
        n = start + index
        sender, address = _person(index + 2)
        message = _message(
            sender, ["Fwd: offerte", "FW: uitnodiging golfdag", "Doorst: uw bestelling", "Fwd: cash"][index], n
        )
        message.set_content(
            "Zie hieronder. Dit lijkt me niet in orde.\n\n---------- Forwarded message ---------\n"
            "Van: verkoop@aannemer.example\nDatum: 20 nov 2026\nOnderwerp: uitnodiging\n\n"
            "Beste inkoper, graag nodigen wij u en uw partner uit voor een weekend in ons vakantiehuis.\n"
        )
        samples.append(Sample(f"forwarded-{index}", message.as_bytes(), True, sender=address))
    return samples


def _attachments_only(start: int) -> list[Sample]:
    samples = []
    files = [
        ("foto.jpg", "image", "jpeg", b"\xff\xd8\xff\xe0JFIF" + b"\x00" * 64),
        ("bewijs.pdf", "application", "pdf", b"%PDF-1.4\n%corpus\n"),
        ("IMG_2041.HEIC", "image", "heic", b"\x00\x00\x00\x18ftypheic"),
        (
            "notitie.docx",
            "application",
            "vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04docx",
        ),
    ]
    for index, (filename, main, sub, payload) in enumerate(files):
        n = start + index
        sender, address = _person(index)
        message = _message(sender, "" if index % 2 else filename, n)
        message.add_attachment(payload, maintype=main, subtype=sub, filename=filename)
        samples.append(Sample(f"attachment-only-{index}", message.as_bytes(), True, sender=address))
    return samples


def _duplicates(start: int) -> list[Sample]:
    """Two different reports under one Message-ID (two cases); one report delivered twice (one case)."""
    samples = []
    for index, (first, second) in enumerate([("Melding inkoop", "Melding verhuur"), ("Report 1", "Report 2")]):
        shared_id = f"<same-id-{index}@mailclient.example>"
        for variant, subject in enumerate((first, second)):
            sender, address = _person(index + variant + 1)
            message = _message(sender, subject, start + len(samples), msgid=shared_id)
            message.set_content(f"{subject}: iets anders dan het andere bericht ({variant}). Er wordt geld aangenomen.")
            samples.append(Sample(f"same-id-{index}-{variant}", message.as_bytes(), True, sender=address))
    sender, address = _person(4)
    message = _message(sender, "Twee keer verstuurd", start + len(samples), msgid="<twice@thuis.example>")
    message.set_content("Mijn collega vervalst de kilometerdeclaraties.")
    once = message.as_bytes()
    samples.append(Sample("delivered-twice-0", once, True, sender=address))
    again = b"Received: from mx2.example by mx.woonpartners.example; Thu, 26 Nov 2026 09:59:00 +0100\r\n" + once
    samples.append(Sample("delivered-twice-1", again, True, sender=address, same_case_as="delivered-twice-0"))
    return samples


def _automatic_looking_reports(start: int) -> list[Sample]:
    """People's reports that carry the headers or subject of an automatic reply (in doubt: a case)."""
    rows = [
        (
            "Automatisch antwoord: Re: uw vraag",
            {"Auto-Submitted": "auto-replied"},
            "Ik reageer op uw automatische bericht omdat ik een melding wil doen: de beheerder neemt steekpenningen aan.",
        ),
        (
            "Automatisch antwoord",
            {},
            "Mijn manager heeft de offerte van zijn zwager goedgekeurd en de andere weggegooid.",
        ),
        (
            "Out of office: report",
            {"Precedence": "bulk"},
            "I am back now and want to report that invoices are being split.",
        ),
        (
            "Afwezig",
            {"X-Autoreply": "yes"},
            "Ik ben twee weken afwezig geweest en zag toen dat er materiaal uit het magazijn verdwijnt.",
        ),
    ]
    samples = []
    for index, (subject, headers, body) in enumerate(rows):
        sender, address = _person(index + 3)
        message = _message(sender, subject, start + index)
        for name, value in headers.items():
            message[name] = value
        message.set_content(body)
        samples.append(Sample(f"auto-looking-report-{index}", message.as_bytes(), True, sender=address))
    return samples


def reports(start: int = 0) -> list[Sample]:
    """At least 60 reports as people write them (Dutch and English, phones, web forms, forwards, attachments)."""
    found: list[Sample] = []
    for make in (_plain_reports, _webform, _forwarded, _attachments_only, _duplicates, _automatic_looking_reports):
        found += make(start + len(found))
    return found


# --- machine mail -------------------------------------------------------------------------------------------------

_FAILED = ["onbekend@elders.example", "oud.adres@bedrijf.example", "vol@postbus.example", "weg@verhuisd.example"]


def _our_message(n: int, to: str) -> EmailMessage:
    """The message of ours a bounce returns: an acknowledgement to a reporter that never arrived."""
    message = _message(
        f"Woonpartners Integriteit <{US}>",
        f"Ontvangstbevestiging van uw melding M-2026-{9000 + n}",
        n,
        to=to,
        msgid=f"<ours-{n}@{OUR_DOMAIN}>",
    )
    message.set_content(
        "Wij hebben uw melding ontvangen. U hoort binnen drie maanden van ons. Akkoord? Heeft u vragen?"
    )
    return message


def _dsn(n: int, style: str, failed: str, *, delayed: bool = False) -> EmailMessage:
    """RFC 3464 reports as Postfix, Exchange, Gmail, Exim and Sendmail send them."""
    senders = {
        "postfix": (
            "MAILER-DAEMON@mail.elders.example (Mail Delivery System)",
            "Undelivered Mail Returned to Sender",
            "This is the mail system at host mail.elders.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.",
        ),
        "exchange": (
            "postmaster@bedrijf.example",
            "Onbestelbaar: Ontvangstbevestiging",
            "Kan niet worden bezorgd bij deze ontvangers of groepen:\n\n"
            + failed
            + "\nHet e-mailadres dat u hebt ingevoerd, kan niet worden gevonden.",
        ),
        "office365": (
            "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@bedrijf.example>",
            "Undeliverable: Ontvangstbevestiging",
            "Delivery has failed to these recipients or groups:\n\n"
            + failed
            + "\nThe email address you entered couldn't be found.",
        ),
        "gmail": (
            "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            "Delivery Status Notification (Failure)",
            "** Address not found **\n\nYour message wasn't delivered to "
            + failed
            + " because the address couldn't be found.",
        ),
        "exim": (
            "Mail Delivery System <Mailer-Daemon@mx.postbus.example>",
            "Mail delivery failed: returning message to sender",
            "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error.",
        ),
        "sendmail": (
            "Mail Delivery Subsystem <MAILER-DAEMON@relay.example>",
            "Returned mail: see transcript for details",
            "The original message was received at Thu, 26 Nov 2026 09:00:00 +0100\n\n   ----- The following addresses had permanent fatal errors -----\n<"
            + failed
            + ">",
        ),
    }
    sender, subject, text = senders[style]
    if delayed:
        subject = (
            "Delivery Status Notification (Delay)"
            if style != "exchange"
            else "Bezorging vertraagd: Ontvangstbevestiging"
        )
        text = f"Delivery to the following recipient has been delayed:\n\n     {failed}\n\nMessage will be retried for 2 more day(s)"
    message = _message(sender, subject, n, msgid=f"<dsn-{n}@mail.elders.example>")
    message.set_type("multipart/report")
    message.set_param("report-type", "delivery-status")
    body = EmailMessage(policy=SMTP)
    body.set_content(text)
    action, code = ("delayed", "4.4.7") if delayed else ("failed", "5.1.1")
    status = _status_part(
        {"Reporting-MTA": "dns; mail.elders.example", "Arrival-Date": DATE.format(minute=n % 60)},
        {
            "Final-Recipient": f"rfc822; {failed}",
            "Original-Recipient": f"rfc822;{failed}",
            "Action": action,
            "Status": code,
            "Diagnostic-Code": f"smtp; {'450 4.4.7 try again later' if delayed else '550 5.1.1 user unknown'}",
        },
    )
    message.attach(body)
    message.attach(status)
    returned = EmailMessage(policy=SMTP)
    if style in ("postfix", "sendmail", "exim"):
        returned.add_header("Content-Type", "text/rfc822-headers")
        returned.set_payload("".join(f"{k}: {v}\n" for k, v in _our_message(n, failed).items()))
        message.attach(returned)
    else:
        message.attach(_as_attachment(_our_message(n, failed)))
    if style == "exchange":
        message["X-MS-Exchange-Message-Is-Ndr"] = ""
    if style in ("gmail", "exim"):
        message["X-Failed-Recipients"] = failed
    return message


def _status_part(*blocks: dict[str, str], ctype: str = "message/delivery-status") -> EmailMessage:
    """A message/delivery-status (or feedback-report) part: header blocks, as RFC 3464 / 5965 lay them out."""
    from email.message import Message

    part = EmailMessage(policy=SMTP)
    part["Content-Type"] = ctype
    fields = []
    for block in blocks:
        item = Message(policy=SMTP)
        for name, value in block.items():
            item[name] = value
        fields.append(item)
    part.set_payload(fields)
    return part


def _as_attachment(inner: EmailMessage) -> EmailMessage:
    part = EmailMessage(policy=SMTP)
    part.set_content(inner)
    return part


def _text_bounces(n: int, style: str, failed: str) -> EmailMessage:
    """NDRs without a delivery-status part: qmail, Dutch postmasters, Exchange text-only."""
    original = _our_message(n, failed)
    if style == "qmail":
        message = _message("MAILER-DAEMON@qmail.example", "failure notice", n)
        message.set_content(
            f"Hi. This is the qmail-send program at qmail.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<{failed}>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n{original.as_string()}"
        )
    elif style == "nl-postmaster":
        message = _message("Postmaster <postmaster@bedrijf.example>", "Niet bezorgd: Ontvangstbevestiging", n)
        message.set_content(
            f"Uw bericht kon niet worden bezorgd bij {failed}.\nDe postbus bestaat niet meer. Vragen? Neem contact op met uw beheerder.\nAkkoord\n\n-----Oorspronkelijk bericht-----\n{original.as_string()}"
        )
    else:  # exchange text-only with the original headers quoted
        message = _message("Microsoft Outlook <postmaster@outlook.example>", "Undeliverable: Ontvangstbevestiging", n)
        headers = "\n".join(f"{k}: {v}" for k, v in original.items())
        message.set_content(
            f"Your message to {failed} couldn't be delivered.\n{failed.split('@')[0]} wasn't found at {failed.split('@')[1]}.\n\nOriginal message headers:\n\n{headers}\n"
        )
    return message


def _arf(n: int, variant: int) -> EmailMessage:
    senders = [
        "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.example>",
        "staff@hotmail.example",
        "abuse@provider.example",
        "fbl@isp.example",
    ]
    message = _message(
        senders[variant % len(senders)],
        [
            "Email Feedback Report for IP 192.0.2.25",
            "complaint about message from 192.0.2.25",
            "Abuse report",
            "FW: spam",
        ][variant % 4],
        n,
    )
    message.set_type("multipart/report")
    message.set_param("report-type", "feedback-report")
    text = EmailMessage(policy=SMTP)
    text.set_content(
        "This is an email abuse report for an email message received from IP 192.0.2.25. Received, agreed, akkoord?"
    )
    feedback = _status_part(
        {
            "Feedback-Type": "abuse",
            "User-Agent": "SomeGenerator/1.0",
            "Version": "1",
            "Original-Mail-From": f"<{US}>",
            "Source-IP": "192.0.2.25",
        },
        ctype="message/feedback-report",
    )
    message.attach(text)
    message.attach(feedback)
    message.attach(_as_attachment(_our_message(n, "klager@isp.example")))
    return message


def _dmarc(n: int, variant: int) -> EmailMessage:
    reporters = [
        ("noreply-dmarc-support@google.example", "google.example", "zip"),
        ("dmarcreport@microsoft.example", "protection.outlook.example", "gz"),
        ("dmarc-reports@yahoo.example", "yahoo.example", "gz"),
        ("opendmarc@mail.ziggo.example", "ziggo.example", "xml"),
    ]
    sender, submitter, kind = reporters[variant % len(reporters)]
    filename = f"{submitter}!{OUR_DOMAIN}!{1764000000 + n}!{1764086400 + n}"
    xml = f"<?xml version='1.0'?><feedback><report_metadata><org_name>{submitter}</org_name></report_metadata><policy_published><domain>{OUR_DOMAIN}</domain></policy_published></feedback>".encode()
    message = _message(sender, f"Report domain: {OUR_DOMAIN} Submitter: {submitter} Report-ID: <{n}.{submitter}>", n)
    message.set_content(f"This is an aggregate report from {submitter}.")
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(filename + ".xml", xml)
        message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip", filename=filename + ".zip")
    elif kind == "gz":
        message.add_attachment(
            gzip.compress(xml, mtime=0), maintype="application", subtype="gzip", filename=filename + ".xml.gz"
        )
    else:
        message.add_attachment(xml, maintype="text", subtype="xml", filename=filename + ".xml")
    return message


def _tlsrpt(n: int, variant: int) -> EmailMessage:
    senders = [
        "noreply-smtp-tls-reporting@google.example",
        "tlsrpt-noreply@microsoft.example",
        "tls-reports@mailprovider.example",
    ]
    sender = senders[variant % len(senders)]
    submitter = sender.split("@")[1]
    message = _message(sender, f"Report Domain: {OUR_DOMAIN} Submitter: {submitter} Report-ID: <{n}@{submitter}>", n)
    message["TLS-Report-Domain"] = OUR_DOMAIN
    message["TLS-Report-Submitter"] = submitter
    message.set_type("multipart/report")
    message.set_param("report-type", "tlsrpt")
    text = EmailMessage(policy=SMTP)
    text.set_content(f"This is an aggregate TLS report from {submitter}")
    report = EmailMessage(policy=SMTP)
    report.set_payload(gzip.compress(b'{"organization-name":"corpus","policies":[]}', mtime=0))
    report.add_header("Content-Type", "application/tlsrpt+gzip")
    report.add_header("Content-Disposition", "attachment", filename=f"{submitter}!{OUR_DOMAIN}!{n}!{n + 1}!001.json.gz")
    from email import encoders

    encoders.encode_base64(report)
    message.attach(text)
    message.attach(report)
    return message


_AWAY = [
    (
        "Automatisch antwoord: Ontvangstbevestiging",
        {"Auto-Submitted": "auto-generated", "X-MS-Exchange-Generated-Message-Source": "Mailbox Rules Agent"},
        "Ik ben afwezig tot en met 4 december. Voor dringende zaken kunt u bellen met 0800-1234.",
    ),
    (
        "Automatic reply: Ontvangstbevestiging",
        {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
        "Thank you for your email. I am out of the office until Monday and have limited access to email.",
    ),
    ("Afwezig", {"Precedence": "auto_reply"}, "Ik ben met vakantie. Ik ben weer aanwezig op 1 december."),
    (
        "Out of Office",
        {"X-Autoreply": "yes", "Auto-Submitted": "auto-replied"},
        "I'm on annual leave and will be back on 7 December.",
    ),
    (
        "Re: Ontvangstbevestiging",
        {"Auto-Submitted": "auto-replied"},
        "Wij hebben uw bericht ontvangen en nemen binnen vijf werkdagen contact met u op. Ticketnummer 48213.",
    ),
    (
        "[Ticket #48214] Ontvangstbevestiging",
        {"Auto-Submitted": "auto-replied", "Precedence": "bulk"},
        "We have received your message and will respond as soon as possible. Your ticket number is 48214.",
    ),
    (
        "Abwesenheitsnotiz: Ontvangstbevestiging",
        {"Auto-Submitted": "auto-replied"},
        "Ich bin bis 10.12. nicht im Büro (Urlaub).",
    ),
    (
        "Automatisch antwoord: Ontvangstbevestiging",
        {"X-MS-Exchange-Inbox-Rules-Loop": "someone@bedrijf.example"},
        "Ik ben vandaag niet op kantoor. Uw e-mail is ontvangen en wordt na mijn terugkomst gelezen.",
    ),
]


def machine(start: int = 1000) -> list[Sample]:
    """At least 100 machine messages: bounces in several MTA styles and languages, ARF, DMARC, TLS-RPT, auto-replies."""
    found: list[Sample] = []

    def add(name: str, message: EmailMessage, reason: str) -> None:
        found.append(Sample(name, message.as_bytes(), False, reason, sender=str(message["From"])))

    for round_ in range(5):
        for style in ("postfix", "exchange", "office365", "gmail", "exim", "sendmail"):
            n = start + len(found)
            add(f"dsn-{style}-{round_}", _dsn(n, style, _FAILED[round_ % len(_FAILED)]), DELIVERY)
        for style in ("postfix", "gmail", "exchange"):
            n = start + len(found)
            add(
                f"dsn-delayed-{style}-{round_}",
                _dsn(n, style, _FAILED[(round_ + 1) % len(_FAILED)], delayed=True),
                DELIVERY,
            )
        for style in ("qmail", "nl-postmaster", "exchange-text"):
            n = start + len(found)
            add(
                f"text-bounce-{style}-{round_}", _text_bounces(n, style, _FAILED[(round_ + 2) % len(_FAILED)]), DELIVERY
            )
        for variant in range(4):
            n = start + len(found)
            add(f"arf-{round_}-{variant}", _arf(n, variant), ARF)
        for variant in range(2):
            n = start + len(found)
            add(f"dmarc-{round_}-{variant}", _dmarc(n, round_ * 2 + variant), DMARC)
        n = start + len(found)
        add(f"tlsrpt-{round_}", _tlsrpt(n, round_), TLSRPT)
        for index, (subject, headers, body) in enumerate(_AWAY):
            if (index + round_) % 2:
                continue
            n = start + len(found)
            sender, _address = _person(index + round_)
            message = _message(sender, subject, n)
            for name, value in headers.items():
                message[name] = value
            message["In-Reply-To"] = f"<ours-{n}@{OUR_DOMAIN}>"
            message.set_content(body)
            add(f"auto-reply-{round_}-{index}", message, AUTOMATIC)
    return found
