"""Mail templates staff may edit: jinja2 in a sandbox, StrictUndefined, HTML autoescaped, Dutch formats.

Layout: `templates/<lang>/<type>.txt` starts with a subject line (`Onderwerp: …` or `Subject: …`), a blank line,
then the plain-text body; `templates/<lang>/<type>.html` (optional) is the HTML alternative.
`templates/voorbeelden/<type>.toml` holds sample data, used by `integrity check` and `integrity mail preview`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.values import format_amount_nl

LANGUAGES = ("nl", "en")
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
    html: str | None


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


def format_amount(value: Decimal | float | int | str | None, lang: str = "nl") -> str:
    """€ 1.234,56 (nl) or € 1,234.56 (en)."""
    if value is None or value == "":
        return ""
    if lang == "nl":
        return format_amount_nl(Decimal(str(value)))
    return f"€ {Decimal(str(value)):,.2f}"


class TemplateSet:
    """The templates folder of a workspace."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._env: Any = None

    def _environment(self) -> Any:
        if self._env is None:
            import jinja2
            from jinja2.sandbox import SandboxedEnvironment

            env = SandboxedEnvironment(
                loader=jinja2.FileSystemLoader(str(self.folder)),
                undefined=jinja2.StrictUndefined,
                autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
                keep_trailing_newline=True,
            )
            env.filters["datum"] = format_date
            env.filters["bedrag"] = format_amount
            self._env = env
        return self._env

    def types(self) -> list[str]:
        """Mail types that have a Dutch template."""
        return sorted(p.stem for p in (self.folder / "nl").glob("*.txt"))

    def has(self, kind: str, lang: str = "nl") -> bool:
        return (self.folder / lang / f"{kind}.txt").is_file()

    def render(self, kind: str, context: dict[str, Any], lang: str = "nl") -> Rendered:
        """Subject, text and HTML for one mail type; a missing value or a template error is an InputError."""
        lang = lang if lang in LANGUAGES and self.has(kind, lang) else "nl"
        if not self.has(kind, lang):
            raise InputError(
                f"sjabloon {self.folder / lang / (kind + '.txt')} ontbreekt.",
                hint="herstel het vanuit de standaardsjablonen (map templates/ van de toolkit).",
            )
        context = {"lang": lang, **context}
        text = self._render_file(f"{lang}/{kind}.txt", context)
        subject, body = _split_subject(text, self.folder / lang / f"{kind}.txt")
        html_name = f"{lang}/{kind}.html"
        html = self._render_file(html_name, context) if (self.folder / html_name).is_file() else None
        return Rendered(subject, body, html)

    def _render_file(self, name: str, context: dict[str, Any]) -> str:
        import jinja2

        try:
            return self._environment().get_template(name).render(context)
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


def _split_subject(text: str, path: Path) -> tuple[str, str]:
    first, _, rest = text.partition("\n")
    if not first.lower().startswith(SUBJECT_PREFIXES):
        raise InputError(
            f"sjabloon {path}: de eerste regel moet 'Onderwerp: …' zijn.", hint="zet het onderwerp op de eerste regel."
        )
    subject = first.split(":", 1)[1].strip()
    return subject, rest.lstrip("\n")
