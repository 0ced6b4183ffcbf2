"""Mail templates staff may edit: jinja2 in a sandbox, StrictUndefined, HTML autoescaped, Dutch formats.

Layout: `templates/<lang>/<type>.txt` starts with a subject line (`Onderwerp: …` or `Subject: …`), a blank line,
then the plain-text body. It is the one source of a mail: the HTML alternative is derived from it
(`toolkit.mail.html`), with the contact block of the role that sends it under both parts.
`templates/voorbeelden/<type>.toml` holds sample data, used by `integrity check` and `integrity mail preview`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.mail.html import Contact, mark_value, to_html
from toolkit.values import format_amount_nl, format_count_nl

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail

LANGUAGES = ("nl", "en")
# The role that sends each mail type (contact block and signature); any other type is sent by "integriteit".
SENDING_ROLES = {
    "welkom": "hr",
    "nevenfunctie_herbevestiging": "hr",
    "kerstloting_aankondiging": "hr",
    "kerstloting_winnaar": "hr",
    "leverancier_code": "inkoop",
    "leverancier_herinnering": "inkoop",
}
SUBJECT_PREFIXES = ("onderwerp:", "subject:")
SAMPLES_DIR = "voorbeelden"
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class House:
    """Who the organisation is in its mail: name, phone, website, and the name each sending role signs with."""

    organisation: str = ""
    phone: str = ""
    website: str = ""
    roles: tuple[tuple[str, str, str], ...] = ()  # (role, signature name, reply address)

    def contact(self, role: str = "", person: str = "") -> Contact:
        """The contact block for mail sent by `role` ("" for the toolkit's own notices)."""
        name, email = self.signer(role)
        return Contact(self.organisation, name, person, email, self.phone, self.website)

    def signer(self, role: str) -> tuple[str, str]:
        """(signature name, address) of a role; ("", "") when the role is not configured."""
        for known, name, email in self.roles:
            if known == role:
                return name, email
        return "", ""


def format_date(value: date | datetime | str | None, lang: str = "nl", style: str = "long") -> str:
    """1 december 2026 (nl, long), 01-12-2026 (nl, short), 1 December 2026 (en)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if style == "short":
        return value.strftime("%d-%m-%Y")
    months = MONTHS_NL if lang == "nl" else MONTHS_EN
    return f"{value.day} {months[value.month - 1]} {value.year}"


def format_month(value: date | str | None, lang: str = "nl") -> str:
    """'2026-12' (or a date) as "december 2026"; text that is no month stays as it is."""
    if value is None or value == "":
        return ""
    month = value
    if isinstance(value, str):
        try:
            month = date.fromisoformat(f"{value[:7]}-01")
        except ValueError:
            return value
    assert isinstance(month, date)
    months = MONTHS_NL if lang == "nl" else MONTHS_EN
    return f"{months[month.month - 1]} {month.year}"


def format_amount(value: Decimal | float | int | str | None, lang: str = "nl") -> str:
    """€ 1.234,56 (nl) or € 1,234.56 (en)."""
    if value is None or value == "":
        return ""
    if lang == "nl":
        return format_amount_nl(Decimal(str(value)))
    return f"€ {Decimal(str(value)):,.2f}"


def format_count(value: int, lang: str = "nl") -> str:
    """A count in a mail: 20.037 (nl) or 20,037 (en), from five digits on."""
    if lang == "nl":
        return format_count_nl(value)
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def house_of(config: Any) -> House:
    """The House of a Config: organisation name, [mail.signature], and each role's reply address."""
    org, signature = config.organisation, config.mail.signature
    roles = (
        ("integriteit", signature.integrity, org.integrity_officer),
        ("hr", signature.hr, org.hr),
        ("inkoop", signature.purchasing, signature.purchasing_email or config.mail.sender),
    )
    return House(org.name, signature.phone, signature.website, roles)


class TemplateSet:
    """The templates folder of a workspace."""

    def __init__(self, folder: Path, house: House | None = None) -> None:
        self.folder = folder
        self.house = house or House()
        self._envs: dict[bool, Any] = {}
        self._exists: dict[tuple[str, str], bool] = {}

    def _environment(self, marked: bool = False) -> Any:
        """The jinja environment; `marked` wraps every value for the HTML pass (see toolkit.mail.html)."""
        if marked not in self._envs:
            import jinja2
            from jinja2.sandbox import SandboxedEnvironment

            env = SandboxedEnvironment(
                loader=jinja2.FileSystemLoader(str(self.folder)),
                undefined=jinja2.StrictUndefined,
                autoescape=False,
                keep_trailing_newline=True,
                auto_reload=False,  # templates are read once per run: no stat per message of a mailing
                finalize=_marked_value if marked else _plain_value,
            )
            env.filters["datum"] = format_date
            env.filters["bedrag"] = format_amount
            env.filters["maand"] = format_month
            env.filters["getal"] = format_count
            self._envs[marked] = env
        return self._envs[marked]

    def types(self) -> list[str]:
        """Mail types that have a Dutch template."""
        return sorted(p.stem for p in (self.folder / "nl").glob("*.txt"))

    def has(self, kind: str, lang: str = "nl") -> bool:
        """The template exists (looked up once per TemplateSet: a mailing of thousands asks the disk once)."""
        key = (kind, lang)
        if key not in self._exists:
            self._exists[key] = (self.folder / lang / f"{kind}.txt").is_file()
        return self._exists[key]

    def render(
        self, kind: str, context: dict[str, Any], lang: str = "nl", *, role: str | None = None, person: str = ""
    ) -> Rendered:
        """Subject, text and HTML for one mail type; a missing value or a template error is an InputError.

        The contact block under the mail is that of the role that sends the type (SENDING_ROLES; `role` overrides
        it: hr, inkoop, integriteit); `person` names a contact in it (such as a supplier's contract owner).
        """
        lang = lang if lang in LANGUAGES and self.has(kind, lang) else "nl"
        if not self.has(kind, lang):
            raise InputError(
                f"sjabloon {self.folder / lang / (kind + '.txt')} ontbreekt.",
                hint="herstel het vanuit de standaardsjablonen (map templates/ van de toolkit).",
            )
        context = {"lang": lang, **context}
        name, path = f"{lang}/{kind}.txt", self.folder / lang / f"{kind}.txt"
        subject, body = _split_subject(self._render_file(name, context), path)
        _, marked = _split_subject(self._render_file(name, context, marked=True), path)
        body, marked = salutation(body), salutation(marked)
        contact = self.house.contact(role or SENDING_ROLES.get(kind, "integriteit"), person)
        signature = "\n".join(contact.lines(lang)) if contact.organisation else ""
        text = f"{body.rstrip()}\n\n-- \n{signature}\n" if signature else body
        html = to_html(marked, subject, contact if contact.organisation else None, lang)
        return Rendered(subject, text, html)

    def mail(
        self,
        kind: str,
        context: dict[str, Any],
        lang: str = "nl",
        *,
        key: str,
        to: tuple[str, ...] | list[str],
        purpose: str = "",
        role: str | None = None,
        person: str = "",
        **fields: Any,
    ) -> OutgoingMail:
        """Render `kind` and wrap it as the OutgoingMail to send: one call instead of render + OutgoingMail(...).

        `purpose` defaults to the mail type; `fields` are OutgoingMail's other fields (audit_ref, attachments, …).
        """
        from toolkit.mail.message import OutgoingMail

        rendered = self.render(kind, context, lang, role=role, person=person)
        return OutgoingMail(
            key=key,
            purpose=purpose or kind,
            to=tuple(to),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            **fields,
        )

    def _render_file(self, name: str, context: dict[str, Any], *, marked: bool = False) -> str:
        import jinja2

        try:
            return self._environment(marked).get_template(name).render(context)
        except jinja2.UndefinedError as exc:
            raise InputError(
                f"sjabloon {self.folder / name}: {exc.message}.",
                hint="gebruik alleen de velden die in README.md bij dit sjabloon staan, of corrigeer de schrijfwijze.",
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(
                f"sjabloon {self.folder / name}, regel {exc.lineno}: {exc.message}.",
                hint="herstel de opmaak van {{ … }} of {% … %}.",
            ) from exc
        except jinja2.exceptions.SecurityError as exc:
            raise InputError(
                f"sjabloon {self.folder / name}: niet toegestaan: {exc}.", hint="gebruik alleen velden en filters."
            ) from exc

    def sample(self, kind: str) -> dict[str, Any]:
        """Sample data for a mail type (templates/voorbeelden/<type>.toml)."""
        path = self.folder / SAMPLES_DIR / f"{kind}.toml"
        if not path.is_file():
            raise InputError(
                f"voorbeeldgegevens {path} ontbreken.", hint="maak het bestand met de velden die het sjabloon gebruikt."
            )
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: geen geldige TOML: {exc}.", hint="herstel de genoemde regel.") from exc


_SALUTATION = re.compile(r"^((?:Beste|Geachte|Dear) \x02?)(?:de |het |the )?(Mevrouw|Meneer|Heer)?", re.M)


def salutation(text: str) -> str:
    """The salutation as Dutch writes it: "Beste directeur-bestuurder," not "Beste de directeur-bestuurder,", and
    "Geachte mevrouw Jansen," with a small letter; a role name from config or a register may start with "de"."""

    def fix(match: re.Match[str]) -> str:
        title = match.group(2)
        return match.group(1) + (title.lower() if title and not match.group(1).startswith("Dear") else title or "")

    return _SALUTATION.sub(fix, text, count=1)


def _plain_value(value: Any) -> Any:
    """A value as people read it: yes/no instead of Python's True/False, nothing for None."""
    if value is True:
        return "ja"
    if value is False or value is None:
        return ""
    return value


def _marked_value(value: Any) -> str:
    return mark_value(_plain_value(value))


def _split_subject(text: str, path: Path) -> tuple[str, str]:
    first, _, rest = text.partition("\n")
    if not first.lower().startswith(SUBJECT_PREFIXES):
        raise InputError(
            f"sjabloon {path}: de eerste regel moet 'Onderwerp: …' zijn.", hint="zet het onderwerp op de eerste regel."
        )
    subject = first.split(":", 1)[1].strip()
    return subject, rest.lstrip("\n")
