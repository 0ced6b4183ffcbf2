"""config.toml, read once with tomllib into frozen dataclasses and checked on load.

Every section is a dataclass; a field without a default is a required key. Unknown keys, missing keys,
wrong types, bad e-mail addresses and missing paths are collected, and told all at once in one ConfigError
(`ConfigProblems`), each naming the file, the line and the key; a TOML syntax error names its line, in Dutch.
Secrets never live here: they come from the environment or the keyring (see `secret`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from datetime import date, time
from pathlib import Path
from typing import Any, Literal

from toolkit.config.sections import DEFAULT_CONFIG, EMAIL_RE, Config, Email, LocalTime
from toolkit.config.toml_lines import key_lines, line_of, syntax_error
from toolkit.errors import ConfigError

CONFIG_ENV = "INTEGRITY_CONFIG"


def locate_config(option: str | None) -> Path:
    """--config, else $INTEGRITY_CONFIG, else ./config.toml."""
    return Path(option or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


class ConfigProblems(ConfigError):
    """Every problem of one config.toml at once, each naming the file, the line and the key."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"{path}: {count} in de configuratie (herstel ze en draai 'integrity check' opnieuw):\n{lines}"
        )
        self.problems = problems


class _Collector:
    """Gathers the problems of one file with the line of their key, so all of them are told at once."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)
        self.problems: list[str] = []

    def add(self, key: str, what: str, fix: str) -> None:
        line = line_of(self.lines, key) if key else None
        where = f"{self.path.name}, regel {line}" if line else self.path.name
        named = f", sleutel '{key}'" if key else ""
        self.problems.append(f"{where}{named}: {what}; oplossing: {fix}")


def load_config(path: Path) -> Config:
    """Read and check config.toml; every problem, all at once, in one ConfigError naming file, line and key."""
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuratiebestand niet gevonden.",
            hint="maak een werkmap met 'integrity init MAP', of geef het bestand met --config of INTEGRITY_CONFIG.",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: geen UTF-8-tekst.", hint="sla het bestand op als UTF-8.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, what = syntax_error(exc)
        where = f"{path}, regel {line}" if line else str(path)
        raise ConfigError(
            f"{where}: geen geldige TOML: {what}.",
            hint=f"herstel regel {line} (en kijk ook naar de regel erboven)." if line else "herstel het bestand.",
        ) from exc
    found = _Collector(path, text)
    config = _build(Config, data, found, prefix="", skip={"source"})
    if found.problems or config is None:
        raise ConfigProblems(path, found.problems)
    config = dataclasses.replace(config, source=path.resolve())
    for check in (_check_paths, _check_onboarding, _check_interests, _check_board, _check_dilemmas, _check_reports):
        check(config, found)
    if found.problems:
        raise ConfigProblems(path, found.problems)
    return config


_INVALID = object()  # a value with a problem: noted, and the section is not built


def _build(cls: type, data: Any, found: _Collector, prefix: str, skip: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    where = prefix.rstrip(".") or "(bovenste niveau)"
    if not isinstance(data, dict):
        found.add(where, "moet een sectie zijn", f"schrijf het als [{where}] met sleutels eronder")
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    for key in data:
        if key not in fields:
            known = ", ".join(sorted(fields))
            found.add(f"{prefix}{key}", "onbekende sleutel", f"bekende sleutels in [{where}]: {known}")
    values = {}
    complete = True
    for name, spec in fields.items():
        key = f"{prefix}{name}"
        if name in data:
            value = _convert(hints[name], data[name], found, key)
            if value is _INVALID:
                complete = False
            else:
                values[name] = value
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            found.add(key, "ontbreekt", f"voeg '{name} = ...' toe onder [{where}]")
            complete = False
    return cls(**values) if complete else None


def _convert(hint: Any, value: Any, found: _Collector, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(options[0], value, found, key)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            found.add(key, f"{value!r} is geen mogelijke waarde", f"kies uit {', '.join(map(repr, allowed))}")
            return _INVALID
        return value
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            found.add(key, "moet een lijst van teksten zijn", f'bijvoorbeeld {key.split(".")[-1]} = ["a", "b"]')
            return _INVALID
        return list(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        built = _build(hint, value, found, prefix=f"{key}.")
        return _INVALID if built is None else built
    return _scalar(hint, value, found, key)


def _scalar(hint: Any, value: Any, found: _Collector, key: str) -> Any:
    name = key.split(".")[-1]
    if hint is bool and not isinstance(value, bool):
        found.add(key, f"moet true of false zijn, niet {value!r}", f"schrijf {name} = true")
        return _INVALID
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        found.add(key, f"moet een geheel getal zijn, niet {value!r}", "schrijf het getal zonder aanhalingstekens")
        return _INVALID
    if hint is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        found.add(key, f"moet een getal zijn, niet {value!r}", "bijvoorbeeld 25.0")
        return _INVALID
    if hint in (str, Email, LocalTime, Path) and not isinstance(value, str):
        found.add(key, f"moet een tekst tussen aanhalingstekens zijn, niet {value!r}", f'schrijf {name} = "..."')
        return _INVALID
    if hint is Email:
        if not EMAIL_RE.match(value):
            found.add(key, f"geen geldig e-mailadres: {value!r}", "bijvoorbeeld naam@woonpartners.nl")
            return _INVALID
        return Email(value.strip().lower())
    if hint is LocalTime:
        try:
            time.fromisoformat(value)
        except ValueError:
            found.add(key, f"geen tijd: {value!r}", 'schrijf uu:mm, bijvoorbeeld "02:00"')
            return _INVALID
        return LocalTime(value)
    if hint is Path:
        return Path(value)
    if hint is float:
        return float(value)
    return value


def _check_paths(config: Config, found: _Collector) -> None:
    checks = {
        "paths.registers": config.paths.registers,
        "paths.templates": config.paths.templates,
        "paths.code_attachment": config.paths.code_attachment,
        "paths.handout_attachment": config.paths.handout_attachment,
    }
    for key, relative in checks.items():
        if relative is not None and not config.path(relative).exists():
            found.add(
                key,
                f"wijst naar {config.path(relative)}, dat niet bestaat",
                "maak het aan of zet het juiste pad (relatief aan de map van config.toml)",
            )
    backend = config.mail.backend
    if backend != "folder" and getattr(config.mail, backend) is None:
        found.add(
            "mail.backend",
            f"is '{backend}' maar de sectie [mail.{backend}] ontbreekt",
            f"voeg [mail.{backend}] toe (zie README, 'Mail instellen')",
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(config.organisation.timezone)
    except Exception:  # noqa: BLE001 - any failure means the zone name is unusable
        found.add(
            "organisation.timezone",
            f"{config.organisation.timezone!r} is onbekend",
            'gebruik bijvoorbeeld "Europe/Amsterdam"',
        )


def _check_onboarding(config: Config, found: _Collector) -> None:
    value = config.onboarding.send_from
    try:
        date.fromisoformat(value or "2000-01-01")
    except ValueError:
        found.add(
            "onboarding.send_from",
            f"geen datum: {value!r}",
            'schrijf JJJJ-MM-DD, bijvoorbeeld send_from = "2026-01-01", of laat de sleutel weg',
        )
    if not 1 <= config.onboarding.agenda_month <= 12:
        found.add(
            "onboarding.agenda_month",
            f"moet een maand zijn (1 t/m 12), niet {config.onboarding.agenda_month}",
            "bijvoorbeeld agenda_month = 9 voor september",
        )


def _check_interests(config: Config, found: _Collector) -> None:
    settings = config.interests
    if not 1 <= settings.attest_month <= 12:
        found.add(
            "interests.attest_month",
            f"moet een maand zijn (1 t/m 12), niet {settings.attest_month}",
            "bijvoorbeeld attest_month = 1 voor januari",
        )
    for key in ("decision_days", "reminder_days"):
        if getattr(settings, key) < 1:
            found.add(
                f"interests.{key}",
                f"moet minstens 1 dag zijn, niet {getattr(settings, key)}",
                f"bijvoorbeeld {key} = 14",
            )


def _check_board(config: Config, found: _Collector) -> None:
    board = config.board
    for day in board.meetings:
        try:
            date.fromisoformat(day)
        except ValueError:
            found.add(
                "board.meetings",
                f"bevat {day!r}, dat is geen datum",
                'schrijf JJJJ-MM-DD, bijvoorbeeld meetings = ["2027-03-15", "2027-06-14"]',
            )
    if board.min_cell < 2:
        found.add("board.min_cell", f"moet minstens 2 zijn, niet {board.min_cell}", "bijvoorbeeld min_cell = 3")
    if board.days_ahead < 0:
        found.add("board.days_ahead", f"mag niet negatief zijn ({board.days_ahead})", "bijvoorbeeld days_ahead = 10")


def _check_dilemmas(config: Config, found: _Collector) -> None:
    settings = config.dilemmas
    for key in ("mt_meetings", "rvc_meetings"):
        for day in getattr(settings, key):
            try:
                date.fromisoformat(day)
            except ValueError:
                found.add(
                    f"dilemmas.{key}",
                    f"bevat {day!r}, dat is geen datum",
                    f'schrijf JJJJ-MM-DD, bijvoorbeeld {key} = ["2027-03-15", "2027-06-14"]',
                )
    for key in ("days_ahead", "followup_days", "recent_months", "max_cases"):
        if getattr(settings, key) < 0:
            found.add(
                f"dilemmas.{key}",
                f"mag niet negatief zijn (nu {getattr(settings, key)})",
                "vul 0 of een positief getal in",
            )


def _check_reports(config: Config, found: _Collector) -> None:
    if config.reports.progress_weeks < 1:
        found.add(
            "reports.progress_weeks",
            f"moet minstens 1 zijn, niet {config.reports.progress_weeks}",
            "bijvoorbeeld progress_weeks = 6 (elke zes weken een voortgangsherinnering)",
        )
