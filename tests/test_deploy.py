"""The service files in deploy/ are valid and say what the README says: Windows Task Scheduler XML, systemd, cron."""

from __future__ import annotations

import configparser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


def readme_section(title: str) -> str:
    """The README text from a heading to the next heading of the same level."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_windows_task_is_valid_task_scheduler_xml_matching_the_readme() -> None:
    """deploy/windows/integrity-nightly.xml is a Task Scheduler 1.4 task (UTF-16 as exported) that runs the command,
    arguments and working folder the README names, daily at [scheduler] nightly_at, one instance at a time."""
    raw = (DEPLOY / "windows" / "integrity-nightly.xml").read_bytes()
    assert raw.startswith(b"\xff\xfe"), "exported tasks are UTF-16 LE with a BOM"
    task = ET.fromstring(raw)
    assert task.tag == f"{TASK}Task" and task.get("version") == "1.4"
    exec_ = task.find(f"{TASK}Actions/{TASK}Exec")
    assert exec_ is not None
    action = {child.tag.removeprefix(TASK): (child.text or "") for child in exec_}
    section = readme_section("Draaien als dienst")
    shown = dict(re.findall(r"^\s*(Programma|Argumenten|Map):\s+(.+?)\s*$", section, re.MULTILINE))
    assert action == {
        "Command": shown["Programma"],
        "Arguments": shown["Argumenten"],
        "WorkingDirectory": shown["Map"],
    }
    assert action["Arguments"].endswith(" nightly") and action["Command"].endswith("integrity.exe")
    assert "deploy/windows/integrity-nightly.xml" in section or "deploy\\windows\\integrity-nightly.xml" in section
    trigger = task.find(f"{TASK}Triggers/{TASK}CalendarTrigger")
    assert trigger is not None and trigger.findtext(f"{TASK}ScheduleByDay/{TASK}DaysInterval") == "1"
    assert (trigger.findtext(f"{TASK}StartBoundary") or "").endswith("T02:00:00")
    assert task.findtext(f"{TASK}Settings/{TASK}MultipleInstancesPolicy") == "IgnoreNew"
    assert task.findtext(f"{TASK}Settings/{TASK}StartWhenAvailable") == "true"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_systemd_units_and_cron_line_match_the_readme() -> None:
    """The README's systemd service is deploy/systemd/integrity.service word for word; the timer runs the nightly job
    at 02:00 and catches up a missed night; the cron file runs the same command as the README."""
    section = readme_section("Draaien als dienst")
    service = (DEPLOY / "systemd" / "integrity.service").read_text(encoding="utf-8")
    assert service.strip() in section
    assert unit(DEPLOY / "systemd" / "integrity.service")["Service"]["ExecStart"].endswith("integrity scheduler")
    nightly = unit(DEPLOY / "systemd" / "integrity-nightly.service")["Service"]
    assert nightly["Type"] == "oneshot" and nightly["ExecStart"].endswith("integrity nightly")
    timer = unit(DEPLOY / "systemd" / "integrity-nightly.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:00:00" and timer["Persistent"] == "true"
    cron = [
        line
        for line in (DEPLOY / "cron" / "integrity").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(cron) == 1 and cron[0].startswith("0 2 * * *") and cron[0].split(None, 6)[6] in section
