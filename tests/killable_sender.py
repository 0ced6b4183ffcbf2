"""Exactly-once under SIGKILL: a child process that sends a batch through Mailer.send_all, and the trial that kills it.

Child: `python -m tests.killable_sender SPEC_JSON` builds the backend named in the spec, opens the state store and
audit trail in `spec["state"]`, prints `ready`, and sends `spec["count"]` messages (see `batch`). Its secret, if the
backend needs one, comes from the environment as in production. With `spec["pause"]` = {"after": N, "where": W} the
child stops inside its N-th backend send, prints `paused` and blocks: W = "after_send" stops once the backend has
the message but before the ledger says 'sent' (the narrowest window), W = "before_send" stops after the ledger says
'sending' but before the backend has it. The parent kills it there: a kill that lands mid-batch, every time, no sleeps.

Parent (tests/test_exactly_once.py, bench/bench_mail.py): `run_trial` makes a fresh world (a loopback server in this
process, or an outbox folder), starts a child, SIGKILLs it at a pause point drawn from the seed, counts what had
arrived by then, repeats, then lets a last child run to completion and counts what every recipient got and which
messages that last run sent or recovered.

Adding a backend takes one entry in each of two dicts: `CHILD_BACKENDS` (spec -> MailBackend, in the child) and
`WORLDS` (root folder -> World, in the parent). The Graph backend plugs in the same way as "exchange".
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any, Protocol

from toolkit.mail.backend import MailBackend
from toolkit.mail.message import OutgoingMail

REPO = Path(__file__).resolve().parent.parent
SHARED = "integriteit@woonpartners.example"
PASSWORD = "loopback-wachtwoord"
PURPOSE = "leveranciers"
TENANT, CLIENT = "loopback-tenant", "loopback-client"


def recipient(index: int) -> str:
    return f"leverancier{index:04d}@woonpartners.example"


def batch(count: int) -> list[OutgoingMail]:
    """The mailing every child sends: one message per recipient, keys stable across runs."""
    return [
        OutgoingMail(
            key=f"{PURPOSE}:{recipient(i)}:2027",
            purpose=PURPOSE,
            to=(recipient(i),),
            subject="Integriteitscode Woonpartners",
            text=f"Geachte leverancier {i},\n\nBijgaand onze integriteitscode. Wilt u de ontvangst bevestigen?\n",
            html=f"<p>Geachte leverancier {i},</p><p>Bijgaand onze integriteitscode.</p>",
            audit_ref=f"rij {i + 2}",
        )
        for i in range(count)
    ]


# ---------------------------------------------------------------- child side


def _folder_backend(spec: dict[str, Any], env: Mapping[str, str]) -> MailBackend:
    from toolkit.mail.folder import FolderBackend

    return FolderBackend(Path(spec["outbox"]), {})


def _exchange_backend(spec: dict[str, Any], env: Mapping[str, str]) -> MailBackend:
    from toolkit.mail.exchange import ExchangeBackend, ExchangeSettings

    settings = ExchangeSettings(
        endpoint=spec["url"],
        autodiscover=False,
        username=SHARED,
        mailbox=SHARED,
        auth="basic",
        processed_folder="Verwerkt",
        max_wait=10.0,
    )
    return ExchangeBackend(settings, env["INTEGRITY_EXCHANGE_PASSWORD"], None)


class DuplicateWitness:
    """Wraps a backend whose store can't show a second copy (the folder outbox overwrites by Message-ID).

    Before each send it asks the backend whether the message is already there; if so, the send would be a
    duplicate in the real world, and a line is appended (and synced) to the witness file before sending.
    """

    def __init__(self, inner: MailBackend, witness: Path) -> None:
        self.inner = inner
        self.witness = witness
        self.name = inner.name

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        if self.inner.was_sent(message_id):
            with open(self.witness, "a", encoding="utf-8") as handle:
                handle.write(message_id + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        self.inner.send(raw, message_id, recipients, save_copy=save_copy)

    def was_sent(self, message_id: str) -> bool:
        return self.inner.was_sent(message_id)


class PausingBackend:
    """Stops the child inside its N-th send (before or after the real send), says `paused` and waits to be killed."""

    def __init__(self, inner: MailBackend, after: int, where: str) -> None:
        self.inner = inner
        self.after = after
        self.where = where
        self.name = inner.name
        self.sends = 0

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        self.sends += 1
        if self.sends == self.after and self.where == "before_send":
            self._pause()
        self.inner.send(raw, message_id, recipients, save_copy=save_copy)
        if self.sends == self.after and self.where == "after_send":
            self._pause()

    def was_sent(self, message_id: str) -> bool:
        return self.inner.was_sent(message_id)

    @staticmethod
    def _pause() -> None:
        print("paused", flush=True)
        sys.stdin.read()  # the parent SIGKILLs us here; if it closes stdin instead, stop without finishing
        os._exit(3)


def _graph_backend(spec: dict[str, Any], env: Mapping[str, str]) -> MailBackend:
    from toolkit.mail.graph import GraphBackend, GraphSettings

    settings = GraphSettings(
        tenant_id=TENANT,
        client_id=CLIENT,
        mailbox=SHARED,
        processed_folder="Verwerkt",
        authority=spec["authority"],
        graph_url=spec["graph_url"],
        ca_bundle=spec["ca_bundle"],
        max_wait_seconds=10.0,
    )
    return GraphBackend(settings, env["INTEGRITY_GRAPH_CLIENT_SECRET"], None)


CHILD_BACKENDS: dict[str, Callable[[dict[str, Any], Mapping[str, str]], MailBackend]] = {
    "folder": _folder_backend,
    "exchange": _exchange_backend,
    "graph": _graph_backend,
}


def make_backend(spec: dict[str, Any], env: Mapping[str, str]) -> MailBackend:
    """The backend a spec names (the child's, or the same one in the test process), with the duplicate witness."""
    backend = CHILD_BACKENDS[spec["backend"]](spec, env)
    if spec.get("witness"):
        backend = DuplicateWitness(backend, Path(spec["witness"]))  # type: ignore[assignment]
    if spec.get("pause"):
        backend = PausingBackend(backend, int(spec["pause"]["after"]), spec["pause"]["where"])  # type: ignore[assignment]
    return backend


def child_main(spec: dict[str, Any]) -> int:
    from toolkit.audit import AuditTrail
    from toolkit.mail.sender import Mailer
    from toolkit.state import StateStore

    state_dir = Path(spec["state"])
    state = StateStore(state_dir / "state.sqlite")
    audit = AuditTrail(state_dir / "audit.jsonl", head_store=state)
    backend = make_backend(spec, os.environ)
    mailer = Mailer(backend, state, audit, SHARED, "Woonpartners Integriteit", actor="killable")
    mails = batch(int(spec["count"]))
    print("ready", flush=True)
    report = mailer.send_all(mails)
    print(json.dumps({"sent": report.sent, "recovered": report.recovered, "failed": report.failed}), flush=True)
    return 0 if report.ok else 1


# ---------------------------------------------------------------- parent side


class World(Protocol):
    """Where the child sends to, and how the parent counts what arrived."""

    def spec(self) -> dict[str, Any]: ...

    def env(self) -> dict[str, str]: ...

    def deliveries(self) -> Counter[str]:
        """Messages received per recipient address."""
        ...

    def sent_copies(self) -> Counter[str]:
        """Copies per Message-ID in Sent Items (or the outbox)."""
        ...


def _headers(raw: bytes) -> tuple[str, list[str]]:
    headers = BytesHeaderParser().parsebytes(raw)
    return (headers["Message-ID"] or "").strip(), [a.lower() for _, a in getaddresses(headers.get_all("To", []))]


@dataclass
class FolderWorld:
    root: Path

    def spec(self) -> dict[str, Any]:
        return {"backend": "folder", "outbox": str(self.root / "outbox"), "witness": str(self.witness)}

    @property
    def witness(self) -> Path:
        return self.root / "duplicates.log"

    def env(self) -> dict[str, str]:
        return {}

    def _messages(self) -> list[tuple[str, list[str]]]:
        return [_headers(p.read_bytes()) for p in sorted((self.root / "outbox").glob("*.eml"))]

    def deliveries(self) -> Counter[str]:
        return Counter(address for _, to in self._messages() for address in to)

    def sent_copies(self) -> Counter[str]:
        """Files per Message-ID, plus one for every send the witness saw of a message already in the outbox."""
        copies = Counter(message_id for message_id, _ in self._messages())
        if self.witness.exists():
            copies.update(self.witness.read_text(encoding="utf-8").split())
        return copies


@dataclass
class EwsWorld:
    server: Any  # tests.loopback.ews.EwsServer, running in this process
    count: int

    def spec(self) -> dict[str, Any]:
        return {"backend": "exchange", "url": self.server.url}

    def env(self) -> dict[str, str]:
        return {"INTEGRITY_EXCHANGE_PASSWORD": PASSWORD}

    def deliveries(self) -> Counter[str]:
        from tests.loopback.store import INBOX

        store = self.server.store
        return Counter({recipient(i): len(store.keys(recipient(i), INBOX)) for i in range(self.count)})

    def sent_copies(self) -> Counter[str]:
        from tests.loopback.store import SENT

        return Counter(_headers(raw)[0] for raw in self.server.store.all_messages(SHARED, SENT))


@contextmanager
def folder_world(root: Path, count: int) -> Iterator[World]:
    (root / "outbox").mkdir(parents=True)
    yield FolderWorld(root)


@contextmanager
def ews_world(root: Path, count: int) -> Iterator[World]:
    from tests.loopback.ews import EwsServer
    from tests.loopback.store import INBOX, SENT

    with EwsServer(root / "store", {SHARED: PASSWORD}) as server:
        for folder in (INBOX, SENT):
            server.store.create_folder(SHARED, folder)
        for i in range(count):
            server.store.create_folder(recipient(i), INBOX)
        yield EwsWorld(server, count)


@dataclass
class GraphWorld(EwsWorld):
    def spec(self) -> dict[str, Any]:
        server = self.server
        return {
            "backend": "graph",
            "authority": server.authority,
            "graph_url": server.graph_url,
            "ca_bundle": str(server.ca_file),
        }

    def env(self) -> dict[str, str]:
        return {"INTEGRITY_GRAPH_CLIENT_SECRET": PASSWORD}


@contextmanager
def graph_world(root: Path, count: int) -> Iterator[World]:
    from tests.loopback.graph import GraphServer
    from tests.loopback.store import INBOX, SENT

    mailboxes = (SHARED, *(recipient(i) for i in range(count)))
    with GraphServer(root / "store", TENANT, CLIENT, PASSWORD, mailboxes=mailboxes) as server:
        for folder in (INBOX, SENT):
            server.store.create_folder(SHARED, folder)
        for i in range(count):
            server.store.create_folder(recipient(i), INBOX)
        yield GraphWorld(server, count)


WORLDS: dict[str, Callable[[Path, int], AbstractContextManager[World]]] = {
    "folder": folder_world,
    "exchange": ews_world,
    "graph": graph_world,
}


@dataclass(frozen=True)
class Kill:
    """One child killed at a pause point: where, after how many of its own sends, and what had arrived by then."""

    where: str  # "after_send" or "before_send"
    after: int  # the child's own send at which it paused
    delivered_before: int  # recipients holding their message when the kill landed
    running: bool  # the child was still alive (blocked at its pause) when killed


@dataclass(frozen=True)
class TrialResult:
    backend: str
    seed: str
    messages: int
    kills: int  # children killed while still running
    duplicates: int  # extra messages beyond one, over all recipients and Sent Items copies
    missing: int  # recipients without a message
    ledger_not_sent: int  # ledger entries not 'sent' at the end
    audit_sent_twice: int  # Message-IDs with more than one 'mail.sent' line
    audit_missing: int  # delivered Message-IDs with neither 'mail.sent' nor 'mail.recovered'
    recovered: int  # 'mail.recovered' lines: messages found in Sent Items after a kill
    final_exit: int  # exit code of the run to completion
    audit_intact: bool  # `audit verify` passes (informative: see the report on the audit head)
    kill_points: tuple[Kill, ...] = ()  # each kill: where it landed and what had arrived by then
    final_sent: tuple[str, ...] = ()  # keys the run to completion sent
    final_recovered: tuple[str, ...] = ()  # keys the run to completion found in Sent Items instead of sending
    undelivered_before_final: tuple[str, ...] = ()  # keys whose recipient had nothing when the last run started

    @property
    def ok(self) -> bool:
        problems = self.duplicates + self.missing + self.ledger_not_sent + self.audit_sent_twice + self.audit_missing
        return problems == 0 and self.final_exit == 0


def run_child(spec: dict[str, Any], env: dict[str, str], kill_at_pause: bool) -> tuple[bool, int, dict[str, Any]]:
    """Start a child; with `kill_at_pause`, SIGKILL it once it says `paused`. Returns (killed while running, exit,
    the child's closing report when it ran to the end)."""
    child_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tests.killable_sender", json.dumps(spec)]
    with subprocess.Popen(
        command, cwd=REPO, env=child_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        assert child.stdout is not None
        ready = child.stdout.readline()
        if kill_at_pause and ready.strip() == b"ready":
            paused = child.stdout.readline()  # blocks until the child sits inside its pause point
            running = paused.strip() == b"paused" and child.poll() is None
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=60)
            return running, child.returncode, {}
        out, err = child.communicate(timeout=300)
        if child.returncode != 0:
            sys.stderr.write(err.decode("utf-8", "replace"))
        lines = out.decode("utf-8", "replace").strip().splitlines()
        return False, child.returncode, json.loads(lines[-1]) if lines else {}


def key_of(address: str) -> str:
    """The batch key of the message for this recipient (see `batch`)."""
    return f"{PURPOSE}:{address}:2027"


def run_trial(backend: str, root: Path, seed: str, kills: int = 2, count: int = 200) -> TrialResult:
    """One trial: `kills` children each SIGKILLed inside a send drawn from `seed` (which send, before or after the
    backend has it), each kill landing mid-batch; then one run to completion."""
    rng = random.Random(seed)
    points: list[Kill] = []
    with WORLDS[backend](root / "world", count) as world:
        base = {**world.spec(), "state": str(root / "state"), "count": count}
        windows = ["after_send", "before_send"]
        rng.shuffle(windows)  # every trial with two kills kills in both windows, in an order drawn from the seed
        for number in range(kills):
            delivered = sum(1 for n in world.deliveries().values() if n)
            left = count - delivered
            if left < 4:
                break
            # at least 2 sends, so a kill before the second still leaves one delivered; well before the batch's end
            pause = {
                "after": rng.randint(2, max(2, left // kills - 1)),
                "where": windows[number % 2],
            }
            running, _, _ = run_child({**base, "pause": pause}, world.env(), kill_at_pause=True)
            arrived = sum(1 for n in world.deliveries().values() if n)
            points.append(Kill(pause["where"], pause["after"], arrived, running))
        undelivered = tuple(sorted(key_of(recipient(i)) for i in range(count) if not world.deliveries()[recipient(i)]))
        _, final_exit, report = run_child(base, world.env(), kill_at_pause=False)
        result = _count(backend, seed, count, sum(k.running for k in points), final_exit, world, root / "state")
        return dataclasses.replace(
            result,
            kill_points=tuple(points),
            final_sent=tuple(sorted(report.get("sent", []))),
            final_recovered=tuple(sorted(report.get("recovered", []))),
            undelivered_before_final=undelivered,
        )


def _count(
    backend: str, seed: str, count: int, kills: int, final_exit: int, world: World, state_dir: Path
) -> TrialResult:
    from toolkit.audit import AuditTrail
    from toolkit.state import StateStore

    delivered = world.deliveries()
    copies = world.sent_copies()
    expected = {recipient(i) for i in range(count)}
    with StateStore(state_dir / "state.sqlite") as state:
        statuses = Counter(row["status"] for row in state.execute("SELECT status FROM outgoing"))
        trail = AuditTrail(state_dir / "audit.jsonl", head_store=state)
        events = trail.events()
        audit_intact = trail.verify().ok
    sent_lines = Counter(e["target"] for e in events if e["action"] == "mail.sent")
    recovered_lines = Counter(e["target"] for e in events if e["action"] == "mail.recovered")
    return TrialResult(
        backend=backend,
        seed=seed,
        messages=count,
        kills=kills,
        duplicates=sum(n - 1 for n in delivered.values() if n > 1) + sum(n - 1 for n in copies.values() if n > 1),
        missing=len(expected - {a for a, n in delivered.items() if n > 0}),
        ledger_not_sent=count - statuses.get("sent", 0),
        audit_sent_twice=sum(1 for n in sent_lines.values() if n > 1),
        audit_missing=len([m for m in copies if not (sent_lines[m] or recovered_lines[m])]),
        recovered=sum(recovered_lines.values()),
        final_exit=final_exit,
        audit_intact=audit_intact,
    )


if __name__ == "__main__":
    raise SystemExit(child_main(json.loads(sys.argv[1])))
