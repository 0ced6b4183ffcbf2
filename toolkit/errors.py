"""One error family. Every problem a user can fix is a ToolkitError with a message that says where and how."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes, documented in the README."""

    OK = 0
    FINDINGS = 1  # a check, verify or nightly step found problems or failed
    USAGE = 2  # click's own code for a wrong command line
    CONFIG = 3  # config.toml or a secret is wrong or missing
    INPUT = 4  # a register, template or other input file can't be used
    WORKBOOK_REFUSED = 5  # a workbook holds content the toolkit can't keep; nothing written
    MAIL = 6  # the mail backend can't be reached or refused
    REFUSED = 7  # the action would overwrite or redo something (existing workspace, drawn raffle), or another run holds the lock
    RESOURCE = 8  # a file of the toolkit (state, audit trail, log) is missing, read-only, or the disk is full
    INTERNAL = 70  # a bug: the traceback is in the log; rerun with --debug


class ToolkitError(Exception):
    """Base of every error a user sees as a message, never as a traceback."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  Oplossing: {self.hint}"
        return self.message


class ConfigError(ToolkitError):
    """config.toml or a secret is wrong: names the file and the key."""

    exit_code = ExitCode.CONFIG


class InputError(ToolkitError):
    """An input file (register, template, attachment, mail) can't be used."""

    exit_code = ExitCode.INPUT


class WorkbookRefused(ToolkitError):
    """A workbook holds content the Excel library would drop; it is left untouched."""

    exit_code = ExitCode.WORKBOOK_REFUSED


class WorkbookLocked(ToolkitError):
    """A workbook is open in Excel or not writable; the change waits for a later run."""

    exit_code = ExitCode.OK


class MailError(ToolkitError):
    """The mail backend can't be reached, refuses the login or fails permanently."""

    exit_code = ExitCode.MAIL


class RefusedError(ToolkitError):
    """The action would overwrite or redo something that must not be redone silently."""

    exit_code = ExitCode.REFUSED


class ResourceError(ToolkitError):
    """The disk is full, or a file of the toolkit itself is read-only or missing: names the file and the fix."""

    exit_code = ExitCode.RESOURCE


@dataclass(frozen=True)
class Location:
    """Where a value lives in a register: used in findings and error messages."""

    workbook: str
    sheet: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.workbook, f"blad {self.sheet}"]
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column is not None:
            parts.append(f"kolom {self.column}")
        return ", ".join(parts)
