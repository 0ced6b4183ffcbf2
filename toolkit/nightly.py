"""The nightly job: each step isolated, so one failing step never blocks the others; a summary at the end."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

log = logging.getLogger("toolkit.nightly")  # under "toolkit": in the scheduler's log file


@dataclass(frozen=True)
class StepResult:
    """One step's outcome: a short Dutch summary line plus details."""

    name: str
    ok: bool
    summary: str
    details: tuple[str, ...] = ()


@dataclass
class JobReport:
    job: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failed(self) -> list[str]:
        return [step.name for step in self.steps if not step.ok]


# In order. Each entry: (step name, "module:function"); the function takes a Workspace and returns a StepResult.
NIGHTLY_STEPS: list[tuple[str, str]] = [
    ("meldingen binnenhalen", "toolkit.reports.intake_run:intake_step"),
    ("post verwerken", "toolkit.inbox.shared:inbox_step"),
    ("wachtende wijzigingen", "toolkit.registers.steps:apply_pending_step"),
    ("getypte datums en bedragen", "toolkit.registers.steps:typed_values_step"),
    ("keuzelijst medewerkers", "toolkit.registers.steps:picker_step"),
    (
        "nieuwe medewerkers: welkomstmail",
        "toolkit.onboarding.steps:welcome_step",
    ),  # before the judging steps that read medewerkers.xlsx
    ("geschenken beoordelen", "toolkit.gifts.service:check_gifts_step"),
    ("nevenfuncties beoordelen", "toolkit.sidejobs.steps:review_step"),
    ("belangen beoordelen", "toolkit.interests.service:check_step"),  # a declaration to manager and HR tonight
    ("belangen: jaarvraag", "toolkit.interests.attest:follow_up_step"),
    ("woonruimte beoordelen", "toolkit.housing.service:check_housing_step"),
    ("leveranciers: nieuwe leveranciers", "toolkit.suppliers.steps:new_suppliers_step"),
    ("leveranciers: herinneringen", "toolkit.suppliers.steps:follow_up_step"),
    ("meldingen toewijzen", "toolkit.reports.assign:routing_step"),
    ("termijnen meldingen", "toolkit.reports.followup:reminders_step"),
    ("RvC-rapportage", "toolkit.board.service:board_step"),
    ("identiteit melders wissen", "toolkit.reports.purge:retention_step"),
    ("reservekopieën opruimen", "toolkit.registers.steps:prune_backups_step"),
    ("periodieke taken", "toolkit.periodic:periodic_step"),
    ("integriteit op de agenda: herinneringen", "toolkit.dilemmas.service:follow_up_step"),
]

Step = Callable[["Workspace"], StepResult]


def load_step(target: str) -> Step:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def run_steps(ws: Workspace, job: str, steps: list[tuple[str, str]], stop: threading.Event | None = None) -> JobReport:
    """Run each step; a ToolkitError or a bug in one step is reported and the next step still runs.

    With `stop` set (SIGTERM to the scheduler), the running step finishes and the rest wait for the next run.
    """
    from toolkit.collector import fewer_collections
    from toolkit.registers.reader import shared_reads

    report = JobReport(job)
    # a register read by several steps is parsed once while its bytes stay the same; few garbage collector runs
    with shared_reads(), fewer_collections():  # also for jobs run in-process (the scheduler, tests)
        _run_each(ws, steps, stop, report)
    ws.audit.record(f"job.{job}", actor=ws.actor, ok=int(report.ok), failed=", ".join(report.failed) or None)
    return report


def _run_each(ws: Workspace, steps: list[tuple[str, str]], stop: threading.Event | None, report: JobReport) -> None:
    for name, target in steps:
        if stop is not None and stop.is_set():
            report.steps.append(StepResult(name, True, "overgeslagen: de planner stopt; volgt bij de volgende run"))
            continue
        try:
            result = load_step(target)(ws)
        except ToolkitError as exc:
            result = StepResult(name, False, f"mislukt: {exc.message}", (f"Oplossing: {exc.hint}",) if exc.hint else ())
        except Exception as exc:  # noqa: BLE001 - isolation is the point: log it, report it, go on
            log.error("stap %s mislukt: interne fout %s: %s", name, type(exc).__name__, exc, exc_info=exc)
            result = StepResult(
                name,
                False,
                f"interne fout in de toolkit: {type(exc).__name__}: {exc}",
                (
                    "Oplossing: de traceback staat in het logbestand; meld het met dat logbestand aan wie de toolkit onderhoudt",
                ),
            )
        report.steps.append(result)


def inputs_key(ws: Workspace, filenames: list[str], extra: str = "", *, dated: bool = True) -> str:
    """A digest of what a judging step reads: its registers' bytes, config.toml, the date (if its rules use one)."""
    import hashlib

    from toolkit.registers.reader import file_fingerprint

    digest = hashlib.sha256(f"{ws.today.isoformat() if dated else ''}|{extra}".encode())
    for path in [ws.config.source, *(ws.config.registers_dir / name for name in filenames)]:
        digest.update(f"|{path.name}:{file_fingerprint(path) if path.exists() else '-'}".encode())
    return digest.hexdigest()


def code_digest(*modules: ModuleType) -> str:
    """A digest of these modules' source, for a key of a remembered judgement: other rules, another key. Installed
    without sources, the toolkit's version stands in for them."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    for module in modules:
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:
            from toolkit import __version__

            digest.update(f"{module.__name__} {__version__}".encode())
    return digest.hexdigest()


def recall_names(ws: Workspace, key: str, digest: str) -> tuple[str, ...] | None:
    """Names a writing run kept under `key` for inputs with exactly this digest (`remember_names`); None when the
    inputs differ or what is kept can't be read."""
    import json

    stored, _, names_json = (ws.state.get(key) or "").partition(" ")
    if stored != digest:
        return None
    try:
        found = json.loads(names_json)
    except ValueError:
        return None
    return tuple(found) if isinstance(found, list) and all(isinstance(n, str) for n in found) else None


def remember_names(ws: Workspace, key: str, digest: str, names: list[str]) -> None:
    """Keep names derived from a register (state: "<digest> <JSON list>"), for a later writing run on the same inputs."""
    import json

    ws.state.set(key, f"{digest} {json.dumps(names, ensure_ascii=False)}")


def unchanged_since_last_run(ws: Workspace, step: str, key: str) -> bool:
    """True when this step already ran on exactly these inputs (so a rerun reads and writes nothing)."""
    return ws.state.get(f"step.{step}.inputs") == key


def remember_inputs(ws: Workspace, step: str, key: str) -> None:
    ws.state.set(f"step.{step}.inputs", key)
