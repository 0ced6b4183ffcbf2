"""`make bench`, mail: throughput of Mailer.send_all (ledger and audit trail included) and SIGKILL trials.

python -m bench.bench_mail OUTDIR [--trials N] [--skip-trials]

1. 2,000 messages to the folder backend (ledger, audit line per message), five rounds: median [min–max] messages/s,
   and messages per CPU-second (what an unloaded machine reaches when the disk keeps up), beside the floor: the same
   messages built and written as .eml files by plain Python (no ledger, no audit). Target: >= 1,000 messages/s.
2. 2,000 messages to the loopback EWS server (a separate process, so client and server don't share one GIL).
3. >= 20 SIGKILL trials per backend (tests/killable_sender.py): 200 messages, the sender killed twice at random
   moments, then run to completion; counts of kills, duplicates and missing messages (all must be 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.killable_sender import SHARED, WORLDS, TrialResult, batch, run_trial
from toolkit.audit import AuditTrail
from toolkit.mail.backend import MailBackend
from toolkit.mail.message import build_message
from toolkit.mail.sender import Mailer
from toolkit.state import StateStore

REPO = Path(__file__).resolve().parent.parent
COUNT = 2_000
TARGET = 1000.0


def timed_send(backend: MailBackend, state_dir: Path, count: int) -> tuple[float, float]:
    """Messages per second of Mailer.send_all over `count` new messages: by the wall clock and per CPU-second."""
    with StateStore(state_dir / "state.sqlite") as state:
        audit = AuditTrail(state_dir / "audit.jsonl", head_store=state)
        mailer = Mailer(backend, state, audit, SHARED, "Woonpartners Integriteit", actor="bench")
        mails = batch(count)
        started, cpu = time.perf_counter(), time.process_time()
        report = mailer.send_all(mails)
        elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    assert len(report.sent) == count, report.failed[:3]
    assert len(audit.events()) == count, "one audit line per message"
    return count / elapsed, count / cpu_used


def floor_rate(outbox: Path, count: int) -> float:
    """The same messages built and written as .eml files with plain Python: no ledger, no audit trail, no fsync."""
    outbox.mkdir(parents=True)
    started = time.perf_counter()
    for index, mail in enumerate(batch(count)):
        (outbox / f"{index}.eml").write_bytes(build_message(mail, SHARED, "Woonpartners Integriteit").as_bytes())
    return count / (time.perf_counter() - started)


def folder_throughput(out: Path, rounds: int = 5) -> str:
    from toolkit.mail.folder import FolderBackend

    ours, cpu, floor = [], [], []
    for n in range(rounds):
        wall, per_cpu = timed_send(
            FolderBackend(out / f"folder{n}" / "outbox", {}), out / f"folder{n}" / "state", COUNT
        )
        ours.append(wall)
        cpu.append(per_cpu)
        floor.append(floor_rate(out / f"floor{n}" / "outbox", COUNT))
    median = statistics.median(ours)
    verdict = "OK" if median >= TARGET else "ONDER DOEL"
    return (
        f"mail: {COUNT} berichten, map-backend (ledger + logboek)  {median:6.0f} msg/s [{min(ours):.0f}–{max(ours):.0f}]"
        f", per CPU-seconde {statistics.median(cpu):.0f} | floor (alleen .eml schrijven) {statistics.median(floor):6.0f}"
        f" msg/s [{min(floor):.0f}–{max(floor):.0f}] | x{statistics.median(floor) / median:4.2f}"
        f" (doel >= {TARGET:.0f} msg/s)  {verdict}"
    )


def with_ews_server(store: Path, work: Callable[[str, str], str]) -> str:
    """Run the loopback EWS server as its own process (as `python -m tests.loopback.ews` does) during `work`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tests.loopback.ews", "--port", "0", "--store", str(store)]
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(7)]
        url = next(line.split('"')[1] for line in lines if line.startswith("endpoint"))
        password = next(line.split("=", 1)[1].strip() for line in lines if line.startswith("INTEGRITY_"))
        try:
            return work(url, password)
        finally:
            server.terminate()
            server.wait(timeout=10)


def ews_throughput(out: Path) -> str:
    from toolkit.mail.exchange import ExchangeBackend, ExchangeSettings

    def work(url: str, password: str) -> str:
        settings = ExchangeSettings(url, False, SHARED, SHARED, "basic", "Verwerkt")
        rate, _ = timed_send(ExchangeBackend(settings, password, None), out / "ews" / "state", COUNT)
        return f"mail: {COUNT} berichten, EWS-loopback (ledger + logboek)  {rate:7.0f} msg/s (info)"

    return with_ews_server(out / "ews" / "store", work)


def trials(out: Path, backend: str, count: int) -> str:
    results: list[TrialResult] = []
    started = time.perf_counter()
    for trial in range(count):
        root = out / "trials" / f"{backend}-{trial}"
        results.append(run_trial(backend, root, seed=f"{backend}-{trial}", kills=2, count=200))
        shutil.rmtree(root, ignore_errors=True)
    bad = [r.seed for r in results if not r.ok]
    return (
        f"mail: SIGKILL-proeven {backend:<9} proeven {len(results)}, kills {sum(r.kills for r in results)},"
        f" berichten {sum(r.messages for r in results)}, dubbel {sum(r.duplicates for r in results)},"
        f" ontbrekend {sum(r.missing for r in results)}, hersteld uit Verzonden items {sum(r.recovered for r in results)},"
        f" logboek niet intact {sum(not r.audit_intact for r in results)}"
        f" ({time.perf_counter() - started:.0f} s)  {'OK' if not bad else 'FOUT in ' + ', '.join(bad)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--skip-trials", action="store_true")
    args = parser.parse_args(argv)
    out = args.outdir / "mail"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # the trails' anchors in a folder of this run: an anchor from an earlier run would know the same trail paths
    # (removed above) and rightly refuse to go on without them
    os.environ["INTEGRITY_ANCHOR_DIR"] = str(out / "anker")
    print(folder_throughput(out), flush=True)
    print(ews_throughput(out), flush=True)
    if not args.skip_trials:
        for backend in sorted(WORLDS):
            print(trials(out, backend, args.trials), flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
