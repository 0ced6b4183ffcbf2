"""Result objects rendered in one place: as text for people, or as JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from toolkit.audit import Verdict
    from toolkit.checks import CheckReport
    from toolkit.init import InitResult
    from toolkit.mail.sender import SendReport
    from toolkit.nightly import JobReport


OK, BAD, WAIT = "✓", "✗", "…"


def emit(result: Any, as_json: bool = False) -> None:
    """Print a result: JSON when asked, else its text form."""
    if as_json:
        click.echo(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
    else:
        for line in text(result):
            click.echo(line)


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


@renders("toolkit.init.InitResult")
def _(result: InitResult) -> list[str]:
    lines = [f"Werkmap aangemaakt in {result.root}" + (" (met fictieve voorbeeldgegevens)" if result.demo else "")]
    lines += [f"  {OK} {item}" for item in result.created]
    lines += ["", "Volgende stap:", f"  cd {result.root} && integrity check"]
    return lines


@renders("toolkit.checks.CheckReport")
def _(result: CheckReport) -> list[str]:
    lines = []
    for section in result.sections:
        mark = OK if section.ok else BAD
        lines.append(f"{mark} {section.title}" + (f": {section.ok_line}" if section.ok and section.ok_line else ""))
        lines += [f"    - {problem}" for problem in section.problems]
    problems = sum(len(s.problems) for s in result.sections)
    lines.append("")
    lines.append("Alles in orde." if result.ok else f"{problems} punt(en) om op te lossen.")
    return lines


@renders("toolkit.nightly.JobReport")
def _(result: JobReport) -> list[str]:
    lines = [f"Taak '{result.job}':"]
    for step in result.steps:
        lines.append(f"  {OK if step.ok else BAD} {step.name}: {step.summary}")
        lines += [f"      {detail}" for detail in step.details]
    if result.ok:
        lines.append(f"Klaar: {len(result.steps)} stappen uitgevoerd, geen fouten.")
    else:
        lines.append(f"Klaar met fouten in: {', '.join(result.failed)}.")
    return lines


@renders("toolkit.audit.Verdict")
def _(result: Verdict) -> list[str]:
    if result.ok:
        return [f"{OK} Logboek intact: {result.lines} regels, keten klopt."]
    return [f"{BAD} Logboek niet intact: regel {result.bad_line}: {result.why}."]


@renders("toolkit.mail.sender.SendReport")
def _(result: SendReport) -> list[str]:
    lines = [
        f"{OK if result.ok else BAD} {len(result.sent)} verstuurd, {len(result.already_sent)} al eerder verstuurd"
        + (
            f", {len(result.recovered)} na een onderbreking teruggevonden in Verzonden items"
            if result.recovered
            else ""
        )
        + (f", {len(result.failed)} mislukt" if result.failed else "")
        + f" (van {result.total})."
    ]
    lines += [f"    - {key}: {reason}" for key, reason in result.failed]
    if result.stopped_early:
        lines.append(f"Gestopt: {result.stopped_early}.")
    if result.limit_reached:
        lines.append(f"Limiet van deze run bereikt: {result.not_attempted} bericht(en) volgen bij de volgende run.")
    elif result.not_attempted:
        lines.append(f"Niet geprobeerd: {result.not_attempted} bericht(en).")
    if result.resume_hint and not result.limit_reached:
        lines.append(f"Hervatten: {result.resume_hint}.")
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
from toolkit.render import mail, raffle, registers, reports, staff  # noqa: E402, F401
