"""Every outward mail is text plus HTML from one .txt template: escaped values, Outlook-safe layout, one contact block."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.test_gifts_check import AS_OF, gift_row, outbox, write_staff, write_suppliers
from toolkit.mail.message import OutgoingMail, build_message
from toolkit.mail.templates import LANGUAGES, House, TemplateSet
from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS, STAFF, SUPPLIERS

REPO = Path(__file__).resolve().parent.parent
HOUSE = House(
    "Woonpartners",
    "088 - 123 45 67",
    "www.woonpartners.example",
    (
        ("integriteit", "Integriteitsfunctionaris", "integriteit@woonpartners.example"),
        ("hr", "Mens & Organisatie", "hr@woonpartners.example"),
        ("inkoop", "Inkoop", "inkoop@woonpartners.example"),
    ),
)
TEMPLATES = TemplateSet(REPO / "templates", HOUSE)
EVIL = "<script>alert('x')</script> & <b>pen</b>"


def every_template() -> list[tuple[str, str]]:
    return [(kind, lang) for kind in TEMPLATES.types() for lang in LANGUAGES if TEMPLATES.has(kind, lang)]


def parts(mail: OutgoingMail) -> tuple[str, str]:
    """(text, html) of the real MIME message as it goes on the wire."""
    raw = build_message(mail, "integriteit@woonpartners.example", "Woonpartners Integriteit").as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content().replace("\r\n", "\n"), html.get_content()


def parts_of(message: EmailMessage) -> tuple[str, str]:
    """(text, html) of a message read back from the outbox."""
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None, "both parts"
    return text.get_content(), html.get_content()


def html_text(html: str) -> str:
    """What a reader sees of an HTML part: tags dropped, entities decoded, white space collapsed."""
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.mark.parametrize(("kind", "lang"), every_template())
def test_every_mail_type_has_a_text_and_an_html_part(kind: str, lang: str) -> None:
    """Each template with its sample data gives multipart/alternative with the same words in text and HTML."""
    rendered = TEMPLATES.render(kind, TEMPLATES.sample(kind), lang)
    text, html = parts(
        OutgoingMail(f"t:{kind}", kind, ("a@b.example",), rendered.subject, rendered.text, rendered.html)
    )
    words = set(re.findall(r"[^\W\d_]{4,}", text))
    seen = html_text(html)
    missing = sorted(w for w in words if w not in seen)
    assert not missing, f"{lang}/{kind}: words of the text part missing from the HTML part: {missing[:10]}"
    assert text.count("\n-- \n") == 1, "one signature delimiter"
    assert text.count("088 - 123 45 67") == 1 and html.count("088 - 123 45 67") == 1, "one contact block"


@pytest.mark.parametrize(("kind", "lang"), every_template())
def test_html_is_outlook_safe(kind: str, lang: str) -> None:
    """Inline styles in a table layout (fixed for Outlook, fluid elsewhere); no <style>, script, image or resource."""
    html = TEMPLATES.render(kind, TEMPLATES.sample(kind), lang).html
    lowered = html.lower()
    for forbidden in ("<style", "<script", "<link", "<img", "src=", "url(", "@import", "class="):
        assert forbidden not in lowered, f"{lang}/{kind}: {forbidden}"
    assert lowered.count('<table role="presentation"') >= 3
    assert '<!--[if mso]><table role="presentation" width="640"' in html, "a fixed width only Outlook sees"
    assert "max-width:640px" in html, "fluid on a phone"
    visible = re.sub(r"<!--\[if mso\]>.*?<!\[endif\]-->", "", html)  # the ghost table has no content of its own
    assert all(' style="' in tag for tag in re.findall(r"<(?:p|td|ul|li|a)\b[^>]*>", visible))


def test_every_value_is_escaped_and_never_becomes_markup() -> None:
    """A value with tags, quotes and an ampersand is shown as text: escaped once, not linked, not structure."""
    sample = {**TEMPLATES.sample("geschenk_bevinding"), "omschrijving": EVIL, "gever": 'Jansen "&" <Zn>\n- lijst'}
    rendered = TEMPLATES.render("geschenk_bevinding", sample)
    assert EVIL in rendered.text
    assert "<script>" not in rendered.html and "<b>" not in rendered.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;pen&lt;/b&gt;" in rendered.html
    assert "Jansen &quot;&amp;&quot; &lt;Zn&gt;<br>- lijst" in rendered.html, "a value's lines stay inside the value"
    assert "&amp;amp;" not in rendered.html, "escaped once"


def test_a_script_in_a_register_arrives_escaped_in_the_sent_html(tmp_path: Path, run_cli) -> None:
    """gifts check --notify --send: the description from the register is in the sent text as typed, in the HTML escaped."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", AS_OF, "init", str(root)).exit_code == 0
    (root / "registers" / GIFTS.filename).unlink()
    row = gift_row(1, **{"Waarde (€)": "45", "Besluit": "aangenomen", "Omschrijving": EVIL, "Datum ontvangen": AS_OF})
    create_register(root / "registers" / GIFTS.filename, GIFTS, [row])
    write_staff(root)
    write_suppliers(root)
    config = ("--config", str(root / "config.toml"), "--as-of", AS_OF)
    result = run_cli(*config, "gifts", "check", "--write", "--notify", "--send")
    assert result.exit_code == 0, result.output + result.stderr
    sent = [parts_of(message) for message in outbox(root)]
    carrying = [html for text, html in sent if EVIL in text]
    assert carrying, "the register's value reaches a mail"
    for html in carrying:
        assert "<script" not in html.lower() and "<b>" not in html
        assert "&lt;script&gt;" in html


def test_a_new_plain_text_template_gets_html_without_a_second_file(tmp_path: Path) -> None:
    """A .txt another area adds (no .html beside it) renders list, label block, heading, links and a flowing paragraph."""
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "nl" / "belang_nieuw.txt").write_text(
        "Onderwerp: Nieuw belang van {{ naam }}\n\nBeste {{ naam }},\n\n"
        "Dit is een lange regel die de schrijver met de hand heeft afgebroken, zoals in alle sjablonen van de\n"
        "toolkit gebeurt, en die in HTML doorloopt.\n\n"
        "Wat er nu gebeurt\n- eerst dit\n- dan dat, met een vervolg\n  op de volgende regel\n\n"
        "  Datum:      {{ datum|datum }}\n  Relatie:    {{ relatie }}\n\n"
        "Vragen? Mail integriteit@woonpartners.example of kijk op https://www.woonpartners.example/code.\n",
        encoding="utf-8",
    )
    rendered = TemplateSet(folder, HOUSE).render(
        "belang_nieuw", {"naam": "Anna", "datum": "2027-01-15", "relatie": "Bouw B.V."}
    )
    html = rendered.html
    assert rendered.subject == "Nieuw belang van Anna"
    assert "afgebroken, zoals in alle sjablonen van de toolkit gebeurt" in html
    assert re.search(r"<p style=\"[^\"]*font-weight:bold[^\"]*\">Wat er nu gebeurt</p>", html)
    assert re.search(r"<li[^>]*>eerst dit</li><li[^>]*>dan dat, met een vervolg op de volgende regel</li>", html)
    assert re.search(r">Datum:</td><td[^>]*>15 januari 2027</td>", html)
    assert '<a href="mailto:integriteit@woonpartners.example"' in html
    assert '<a href="https://www.woonpartners.example/code"' in html and "code</a>." in html


def test_no_second_html_template_mechanism(tmp_path: Path) -> None:
    """An .html file beside a .txt is ignored: the .txt is the one source of both parts."""
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "nl" / "taakfout.html").write_text("<p>ANDERE TEKST</p>", encoding="utf-8")
    rendered = TemplateSet(folder, HOUSE).render("taakfout", TEMPLATES.sample("taakfout"))
    assert "ANDERE TEKST" not in rendered.html
    assert not [p for lang in LANGUAGES for p in (REPO / "templates" / lang).glob("*.html")], (
        "no .html mail templates are shipped"
    )


def test_contact_block_names_the_sending_role_and_person() -> None:
    """The block shows organisation and role, the named person (instead of the role's address), phone, website, once."""
    rendered = TEMPLATES.render(
        "leverancier_code", TEMPLATES.sample("leverancier_code"), role="inkoop", person="Jan de Vries"
    )
    block = rendered.text.split("\n-- \n", 1)[1]
    assert block.splitlines() == [
        "Woonpartners | Inkoop",
        "Contactpersoon: Jan de Vries",
        "Telefoon: 088 - 123 45 67",
        "Website: www.woonpartners.example",
    ]
    assert rendered.text.count("Met vriendelijke groet") == 1
    assert rendered.html.count("Contactpersoon: Jan de Vries") == 1
    welcome = TEMPLATES.render("welkom", TEMPLATES.sample("welkom"), role="hr").text.split("\n-- \n", 1)[1]
    assert welcome.splitlines()[:2] == ["Woonpartners | Mens & Organisatie", "E-mail: hr@woonpartners.example"]


def test_python_words_and_bracket_plurals_never_reach_a_reader() -> None:
    """No True/False/None, no "(en)" or "(s)", and months written out, in any template with its sample data."""
    for kind, lang in every_template():
        sample = {k: (True if v is True else v) for k, v in TEMPLATES.sample(kind).items()}
        rendered = TEMPLATES.render(kind, sample, lang)
        seen = rendered.subject + rendered.text + html_text(rendered.html)
        for word in ("True", "False", "None", "2026-12"):
            assert word not in seen, f"{lang}/{kind}: {word}"
        assert not re.search(r"[a-z]\((en|s|n|pen|e)\)", seen), f"{lang}/{kind}: a plural in brackets"


def supplier_workspace(run_cli, root: Path) -> None:
    """A workspace with one Dutch and one English supplier, their contract owner in the staff register."""
    assert run_cli("--as-of", "2027-01-10", "init", str(root)).exit_code == 0
    for register in (STAFF, SUPPLIERS):
        (root / "registers" / register.filename).unlink(missing_ok=True)
    owner = "j.devries@woonpartners.example"
    person = {"Nr": 1, "Personeelsnummer": "P1", "Naam": "Jan de Vries", "E-mail": owner, "Rol": "medewerker"}
    create_register(root / "registers" / STAFF.filename, STAFF, [person])
    rows = [
        {"Nr": nr, "Leveranciersnummer": f"L{nr}", "Naam": name, "E-mail": f"info@{lang}.example", "Taal": lang,
         "Actief": "ja", "Contracteigenaar": owner}
        for nr, name, lang in ((1, "Bouw B.V.", "nl"), (2, "Builders Ltd", "en"))
    ]  # fmt: skip
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)


def previews(run_cli, root: Path) -> dict[str, EmailMessage]:
    """`suppliers mail --eml`: the previewed messages by recipient (a preview sends nothing)."""
    folder = root / "voorbeeld"
    result = run_cli(
        "--config", str(root / "config.toml"), "--as-of", "2027-01-10", "suppliers", "mail", "--eml", str(folder)
    )
    assert result.exit_code == 0, result.output + result.stderr
    found = {}
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found[str(message["To"])] = message
    return found


def attached(message: EmailMessage) -> list[str]:
    return [str(part.get_filename()) for part in message.iter_attachments()]


def test_english_suppliers_get_the_english_code_when_there_is_one(tmp_path: Path, run_cli) -> None:
    """Without code_attachment_en the English text says the code is in Dutch; with it, the English file goes."""
    root = tmp_path / "ws"
    supplier_workspace(run_cli, root)
    before = previews(run_cli, root)
    dutch, english = before["info@nl.example"], before["info@en.example"]
    assert attached(dutch) == attached(english) == ["integriteitscode.pdf"]
    english_text, english_html = (" ".join(part.split()) for part in parts_of(english))
    assert "The code is written in Dutch" in english_text and "The code is written in Dutch" in english_html
    assert "(in Dutch)" not in english_text
    assert str(english["From"]).startswith("Woonpartners Inkoop")
    assert "Contact: Jan de Vries (j.devries@woonpartners.example)" in english_text
    assert "Contactpersoon: Jan de Vries (j.devries@woonpartners.example)" in parts_of(dutch)[0]

    (root / "templates" / "bijlagen" / "integrity-code.pdf").write_bytes(b"%PDF-1.4 English text\n")
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[paths]\n", '[paths]\ncode_attachment_en = "templates/bijlagen/integrity-code.pdf"\n', 1),
        encoding="utf-8",
    )
    after = previews(run_cli, root)
    assert attached(after["info@en.example"]) == ["integrity-code.pdf"]
    assert attached(after["info@nl.example"]) == ["integriteitscode.pdf"]
    assert "in Dutch" not in parts_of(after["info@en.example"])[0]


@pytest.mark.parametrize(("kind", "lang"), every_template())
def test_no_salutation_reads_beste_de(kind: str, lang: str) -> None:
    """A role name from config ("de klachtencoördinator") in any name field gives "Beste klachtencoördinator,"."""
    sample = TEMPLATES.sample(kind)
    names = [k for k in sample if k in ("naam", "contactpersoon", "behandelaar_naam")]
    rendered = TEMPLATES.render(kind, {**sample, **dict.fromkeys(names, "de klachtencoördinator")}, lang)
    for part in (rendered.text, html_text(rendered.html)):
        assert not re.search(r"\b(Beste|Geachte|Dear) (de|het|the) ", part), f"{lang}/{kind}"
    source = (REPO / "templates" / lang / f"{kind}.txt").read_text(encoding="utf-8").splitlines()[2]
    if any("{{ " + name in source for name in names):
        assert rendered.text.split(",")[0].endswith(" klachtencoördinator"), "the name field is the salutation"


def test_a_title_after_geachte_is_written_small() -> None:
    """'Mevrouw A. Jansen' from the register reads 'Geachte mevrouw A. Jansen,' in both parts."""
    rendered = TEMPLATES.render("leverancier_code", TEMPLATES.sample("leverancier_code"))
    assert rendered.text.startswith("Geachte mevrouw A. Jansen,")
    assert "Geachte mevrouw A. Jansen," in rendered.html


def test_no_line_on_the_wire_is_longer_than_998_characters() -> None:
    """An all-ASCII HTML part with a 2,000-character line is encoded (base64), never sent as 7bit; it reads back whole."""
    rendered = TEMPLATES.render("taakfout", {**TEMPLATES.sample("taakfout")}, "en")
    html = rendered.html.encode("ascii", "xmlcharrefreplace").decode("ascii") + "x" * 2000
    mail = OutgoingMail("t", "t", ("a@b.example",), rendered.subject, "plain text", html)
    raw = build_message(mail, "integriteit@woonpartners.example", "Integriteit").as_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"Content-Transfer-Encoding: base64" in raw
    assert parts(mail)[1].replace("\r\n", "\n") == html
