"""config.toml, read once with tomllib into frozen dataclasses and checked on load.

Every section is a dataclass; a field without a default is a required key. Unknown keys, missing keys,
wrong types, bad e-mail addresses and missing paths are ConfigError naming the file and the key.
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
from toolkit.errors import ConfigError

CONFIG_ENV = "INTEGRITY_CONFIG"


def locate_config(option: str | None) -> Path:
    """--config, else $INTEGRITY_CONFIG, else ./config.toml."""
    return Path(option or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: Path) -> Config:
    """Read and check config.toml; every problem is a ConfigError naming the file and the key."""
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuratiebestand niet gevonden.",
            hint="maak een werkmap met 'integrity init MAP', of geef het bestand met --config of INTEGRITY_CONFIG.",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: geen geldige TOML: {exc}", hint="herstel de regel die genoemd wordt.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: geen UTF-8-tekst.", hint="sla het bestand op als UTF-8.") from exc
    config = _build(Config, data, path, prefix="", skip={"source"})
    config = dataclasses.replace(config, source=path.resolve())
    _check_paths(config)
    _check_onboarding(config)
    _check_board(config)
    _check_dilemmas(config)
    _check_reports(config)
    return config


def _build(cls: type, data: Any, file: Path, prefix: str, skip: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    where = prefix.rstrip(".") or "(bovenste niveau)"
    if not isinstance(data, dict):
        raise ConfigError(
            f"{file}: [{where}] moet een sectie zijn.", hint=f"schrijf het als [{where}] met sleutels eronder."
        )
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    for key in data:
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(
                f"{file}: onbekende sleutel '{prefix}{key}'.", hint=f"bekende sleutels in [{where}]: {known}."
            )
    values = {}
    for name, spec in fields.items():
        key = f"{prefix}{name}"
        if name in data:
            values[name] = _convert(hints[name], data[name], file, key)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{file}: sleutel '{key}' ontbreekt.", hint=f"voeg '{name} = ...' toe onder [{where}].")
    return cls(**values)


def _convert(hint: Any, value: Any, file: Path, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(options[0], value, file, key)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{file}: '{key}' is {value!r}.", hint=f"kies uit {', '.join(map(repr, allowed))}.")
        return value
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{file}: '{key}' moet een lijst van teksten zijn.",
                hint=f'bijvoorbeeld {key.split(".")[-1]} = ["a", "b"].',
            )
        return list(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, file, prefix=f"{key}.")
    return _scalar(hint, value, file, key)


def _scalar(hint: Any, value: Any, file: Path, key: str) -> Any:
    expected = {
        bool: "ja/nee (true of false)",
        int: "een geheel getal",
        float: "een getal",
        str: "een tekst tussen aanhalingstekens",
    }
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(
            f"{file}: '{key}' moet true of false zijn, niet {value!r}.", hint=f"schrijf {key.split('.')[-1]} = true."
        )
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(
            f"{file}: '{key}' moet {expected[int]} zijn, niet {value!r}.",
            hint="schrijf het getal zonder aanhalingstekens.",
        )
    if hint is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{file}: '{key}' moet {expected[float]} zijn, niet {value!r}.", hint="bijvoorbeeld 25.0.")
    if hint in (str, Email, LocalTime, Path) and not isinstance(value, str):
        raise ConfigError(
            f"{file}: '{key}' moet {expected[str]} zijn, niet {value!r}.", hint=f'schrijf {key.split(".")[-1]} = "...".'
        )
    if hint is Email:
        if not EMAIL_RE.match(value):
            raise ConfigError(
                f"{file}: '{key}' is geen geldig e-mailadres: {value!r}.", hint="bijvoorbeeld naam@woonpartners.nl."
            )
        return Email(value.strip().lower())
    if hint is LocalTime:
        try:
            time.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(
                f"{file}: '{key}' is geen tijd: {value!r}.", hint='schrijf uu:mm, bijvoorbeeld "02:00".'
            ) from exc
        return LocalTime(value)
    if hint is Path:
        return Path(value)
    if hint is float:
        return float(value)
    return value


def _check_paths(config: Config) -> None:
    checks = {
        "paths.registers": config.paths.registers,
        "paths.templates": config.paths.templates,
        "paths.code_attachment": config.paths.code_attachment,
        "paths.handout_attachment": config.paths.handout_attachment,
    }
    for key, relative in checks.items():
        if relative is not None and not config.path(relative).exists():
            raise ConfigError(
                f"{config.source}: '{key}' wijst naar {config.path(relative)}, dat niet bestaat.",
                hint="maak het aan of zet het juiste pad (relatief aan de map van config.toml).",
            )
    backend = config.mail.backend
    if backend != "folder" and getattr(config.mail, backend) is None:
        raise ConfigError(
            f"{config.source}: mail.backend is '{backend}' maar de sectie [mail.{backend}] ontbreekt.",
            hint=f"voeg [mail.{backend}] toe (zie README, 'Mail instellen').",
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(config.organisation.timezone)
    except Exception as exc:  # noqa: BLE001 - any failure means the zone name is unusable
        raise ConfigError(
            f"{config.source}: 'organisation.timezone' {config.organisation.timezone!r} is onbekend.",
            hint='gebruik bijvoorbeeld "Europe/Amsterdam".',
        ) from exc


def _check_onboarding(config: Config) -> None:
    value = config.onboarding.send_from
    try:
        date.fromisoformat(value or "2000-01-01")
    except ValueError as exc:
        raise ConfigError(
            f"{config.source}: 'onboarding.send_from' is geen datum: {value!r}.",
            hint='schrijf JJJJ-MM-DD, bijvoorbeeld send_from = "2026-01-01", of laat de sleutel weg.',
        ) from exc
    if not 1 <= config.onboarding.agenda_month <= 12:
        raise ConfigError(
            f"{config.source}: 'onboarding.agenda_month' moet een maand zijn (1 t/m 12), niet {config.onboarding.agenda_month}.",
            hint="bijvoorbeeld agenda_month = 9 voor september.",
        )


def _check_board(config: Config) -> None:
    board = config.board
    for day in board.meetings:
        try:
            date.fromisoformat(day)
        except ValueError as exc:
            raise ConfigError(
                f"{config.source}: 'board.meetings' bevat {day!r}, dat is geen datum.",
                hint='schrijf JJJJ-MM-DD, bijvoorbeeld meetings = ["2027-03-15", "2027-06-14"].',
            ) from exc
    if board.min_cell < 2 or board.days_ahead < 0:
        raise ConfigError(
            f"{config.source}: 'board.min_cell' moet minstens 2 zijn en 'board.days_ahead' niet negatief "
            f"(nu {board.min_cell} en {board.days_ahead}).",
            hint="bijvoorbeeld min_cell = 3 en days_ahead = 10.",
        )


def _check_dilemmas(config: Config) -> None:
    settings = config.dilemmas
    for key in ("mt_meetings", "rvc_meetings"):
        for day in getattr(settings, key):
            try:
                date.fromisoformat(day)
            except ValueError as exc:
                raise ConfigError(
                    f"{config.source}: 'dilemmas.{key}' bevat {day!r}, dat is geen datum.",
                    hint=f'schrijf JJJJ-MM-DD, bijvoorbeeld {key} = ["2027-03-15", "2027-06-14"].',
                ) from exc
    for key in ("days_ahead", "followup_days", "recent_months", "max_cases"):
        if getattr(settings, key) < 0:
            raise ConfigError(
                f"{config.source}: 'dilemmas.{key}' mag niet negatief zijn (nu {getattr(settings, key)}).",
                hint="vul 0 of een positief getal in.",
            )


def _check_reports(config: Config) -> None:
    if config.reports.progress_weeks < 1:
        raise ConfigError(
            f"{config.source}: 'reports.progress_weeks' moet minstens 1 zijn, niet {config.reports.progress_weeks}.",
            hint="bijvoorbeeld progress_weeks = 6 (elke zes weken een voortgangsherinnering).",
        )
