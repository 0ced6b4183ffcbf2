"""Result objects rendered in one place: as text for people, or as JSON for scripts."""

from __future__ import annotations

import codecs
import dataclasses
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from toolkit.values import counted
from toolkit.values import format_count_nl as number

if TYPE_CHECKING:
    from toolkit.audit import Verdict
    from toolkit.checks import CheckReport
    from toolkit.init import InitResult
    from toolkit.mail.sender import SendReport
    from toolkit.nightly import JobReport


OK, BAD, WAIT = "✓", "✗", "…"
# What a console that cannot show a character gets instead (a Windows code page such as cp1252, or plain ASCII).
PLAIN = {
    OK: "OK",
    BAD: "X",
    WAIT: "...",
    "→": "->",
    "←": "<-",
    "–": "-",
    "—": "-",
    "•": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "€": "EUR",
    "\u00a0": " ",
}
_PLAIN_ERRORS = "integrity-plain"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")  # fmt: skip


def day(value: date | datetime | str | None) -> str:
    """A date as people read it everywhere in the CLI: dd-mm-jjjj ('-' when there is none). JSON keeps ISO."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            return f"{date.fromisoformat(value[:10]):%d-%m-%Y}"
        except ValueError:
            return value
    return f"{value:%d-%m-%Y}"


def month(value: str) -> str:
    """A month 'JJJJ-MM' written out: 'november 2026'."""
    year, _, number = value.partition("-")
    return f"{MONTHS[int(number) - 1]} {year}" if number.isdigit() and 1 <= int(number) <= 12 else value


def emit(result: Any, as_json: bool = False) -> None:
    """Print a result: JSON when asked, else its text form (nothing with --quiet: the exit code says it)."""
    if as_json:
        click.echo(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
    elif not _quiet():
        for line in text(result):
            click.echo(line)


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    app = ctx.find_root().obj if ctx is not None else None
    return bool(getattr(app, "quiet", False))


def plain(chunk: str) -> str:
    """`chunk` with every symbol a legacy code page lacks replaced by plain text (letters lose their accents)."""
    out = []
    for char in chunk:
        if char in PLAIN:
            out.append(PLAIN[char])
        else:
            ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            out.append(ascii_form or "?")
    return "".join(out)


def _plain_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return plain(error.object[error.start : error.end]), error.end


codecs.register_error(_PLAIN_ERRORS, _plain_errors)


def console_safe(*streams: Any) -> None:
    """Let stdout and stderr fall back to plain symbols instead of crashing where their encoding lacks "✓" or "…".

    The one place for it: called once at start-up, it covers every line the toolkit and its log handlers print.
    Encodable text is untouched; only what the code page cannot show is replaced (see PLAIN).
    """
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            codecs.encode(OK + BAD + WAIT, encoding)
        except UnicodeEncodeError:
            stream.reconfigure(errors=_PLAIN_ERRORS)
        except LookupError:
            continue


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")
        }
        if hasattr(value, "ok"):
            data["ok"] = value.ok
        return data
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    return value


_RENDERERS: dict[str, Callable[[Any], list[str]]] = {}


def renders(qualified_name: str) -> Callable[[Callable[[Any], list[str]]], Callable[[Any], list[str]]]:
    """Register the text form of a result class by its dotted name, so rendering imports nothing heavy up front."""

    def register(func: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
        _RENDERERS[qualified_name] = func
        return func

    return register


def text(result: Any) -> list[str]:
    """The lines that show a result to a person."""
    for cls in type(result).__mro__:
        renderer = _RENDERERS.get(f"{cls.__module__}.{cls.__qualname__}")
        if renderer is not None:
            return renderer(result)
    return [str(result)]


def command_name() -> str:
    """How the person can start the toolkit again: `integrity` when that is on PATH, else the program's full path."""
    import shutil

    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    on_path = shutil.which("integrity")
    if program is not None and program.stem == "integrity" and program.exists():
        if on_path is None or Path(on_path).resolve() != program.resolve():
            full = str(program.resolve())
            return f'"{full}"' if " " in full else full
        return "integrity"
    if on_path is None:
        return f"{Path(sys.executable).name} -m toolkit"
    return "integrity"


@renders("toolkit.init.InitResult")
def _(result: InitResult) -> list[str]:
    lines = [f"Werkmap aangemaakt in {result.root}" + (" (met fictieve voorbeeldgegevens)" if result.demo else "")]
    lines += [f"  {OK} {item}" for item in result.created]
    lines += ["", "Volgende stap:", f"  cd {result.root} && {command_name()} check"]
    return lines


@renders("toolkit.checks.CheckReport")
def _(result: CheckReport) -> list[str]:
    lines = []
    for section in result.sections:
        mark = (WAIT if section.notes else OK) if section.ok else BAD
        lines.append(f"{mark} {section.title}" + (f": {section.ok_line}" if section.ok and section.ok_line else ""))
        lines += [f"    - {problem}" for problem in section.problems]
        lines += [f"    - {note}" for note in section.notes]
    problems = sum(len(s.problems) for s in result.sections)
    notes = sum(len(s.notes) for s in result.sections)
    also = f", en {counted(notes, 'opmerking', 'opmerkingen')}" if notes else ""
    lines.append("")
    if not result.ok:
        lines.append(f"{counted(problems, 'punt', 'punten')} om op te lossen{also}.")
    elif notes:  # nothing is lost or stuck, but the workspace is not ready for real use yet: not "all is well"
        lines.append(
            f"Geen fouten, maar nog niet alles is klaar: {counted(notes, 'opmerking', 'opmerkingen')} hierboven ({WAIT})."
        )
    else:
        lines.append("Alles in orde.")
    return lines


@renders("toolkit.nightly.JobReport")
def _(result: JobReport) -> list[str]:
    lines = [f"Taak '{result.job}':"]
    for step in result.steps:
        lines.append(f"  {OK if step.ok else BAD} {step.name}: {step.summary}")
        lines += [f"      {detail}" for detail in step.details]
    if result.ok:
        lines.append(f"Klaar: {counted(len(result.steps), 'stap', 'stappen')} uitgevoerd, geen fouten.")
    else:
        lines.append(f"Klaar met fouten in: {', '.join(result.failed)}.")
    return lines


@renders("toolkit.audit.Verdict")
def _(result: Verdict) -> list[str]:
    if result.ok and result.lines == 0:
        return [f"{OK} Logboek nog leeg: er is nog niets vastgelegd."]
    if result.ok:
        witnessed = f"; {counted(result.witnessed, 'kop', 'koppen')} uit mails gevonden" if result.witnessed else ""
        return [
            f"{OK} Logboek intact: {counted(result.lines, 'regel', 'regels')}, keten en anker ({result.anchor_path}) kloppen{witnessed}.",
            f"  Kop nu: {result.lines}:{result.head} (een kop onderaan een eerdere mail aan de "
            "integriteitsfunctionaris controleert u met --witness).",
        ]
    where = f"regel {result.bad_line}: " if result.bad_line else ""
    return [f"{BAD} Logboek niet intact of niet te controleren: {where}{result.why}."]


@renders("toolkit.mail.sender.SendReport")
def _(result: SendReport) -> list[str]:
    mark = BAD if not result.ok else (OK if result.sent or result.recovered else "-")  # ✓ only for what went out
    lines = [
        f"{mark} {number(len(result.sent))} verstuurd, {number(len(result.already_sent))} al eerder verstuurd"
        + (
            f", {number(len(result.recovered))} na een onderbreking teruggevonden in Verzonden items"
            if result.recovered
            else ""
        )
        + (f", {number(len(result.failed))} mislukt" if result.failed else "")
        + f" (van {number(result.total)})."
    ]
    lines += [f"    - {key}: {reason}" for key, reason in result.failed]
    if result.stopped_early:
        lines.append(f"Gestopt: {result.stopped_early}.")
    if result.limit_reached:
        lines.append(
            f"Limiet van deze run bereikt: {counted(result.not_attempted, 'bericht volgt', 'berichten volgen')} "
            "bij de volgende run."
        )
    elif result.not_attempted:
        lines.append(f"Niet geprobeerd: {counted(result.not_attempted, 'bericht', 'berichten')}.")
    if result.resume_hint and not result.limit_reached:
        lines.append(f"Hervatten: {result.resume_hint}.")
    return lines


def mail_preview_lines(mails: Any, heading: str, send_hint: str = "") -> list[str]:
    """The one preview format for mail: a heading, the first message in full, the others by recipient and subject.

    `mails` are any objects with `to`, `subject` and `text` (OutgoingMail and the areas' summaries alike).
    """
    mails = list(mails)
    lines = [heading]
    if mails:
        first, rest = mails[0], mails[1:]
        lines += ["", f"--- eerste bericht, aan {', '.join(first.to)} ---", f"Onderwerp: {first.subject}", ""]
        lines += first.text.rstrip().splitlines()
        lines.append("---")
        lines += [f"  ook aan {', '.join(m.to)}: {m.subject}" for m in rest]
    if send_hint:
        lines.append(f"Er is niets verstuurd. Versturen: {send_hint}")
    return lines


def send_lines(sent: int, failed: Any, one: str = "bericht", many: str = "berichten") -> list[str]:
    """After a real send: a ✓ only for what went out, a ✗ per failure."""
    lines = [f"{OK} {counted(sent, one, many)} verstuurd."] if sent else []
    failed = list(failed)
    if failed:
        lines.append(f"{BAD} {counted(len(failed), one, many)} niet verstuurd:")
        lines += [f"    - {why}" for why in failed]
    return lines


@contextmanager
def progress_bar(total: int, label: str = "Versturen") -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for a batch, shown only when stderr is a terminal; yields `progress(n)`.

    Use: `with progress_bar(len(mails)) as progress: report = mailer.send_all(mails, progress=progress)`.
    Output piped to a file, a log or a test runner stays clean.
    """
    stream = sys.stderr  # CliRunner and redirections replace it: then it is no terminal
    if total < 2 or not stream.isatty():
        yield _no_progress
        return
    with click.progressbar(length=total, label=label, file=stream, show_pos=True) as bar:
        yield bar.update


def _no_progress(steps: int) -> None:
    """Progress nobody sees."""


# Each area's renderers register themselves on import; they import nothing heavy (types only for type checking).
from toolkit.render import dilemmas, interests, mail, raffle, registers, reports, staff  # noqa: E402, F401
