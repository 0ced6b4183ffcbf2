"""`make bench`, inbox: `integrity inbox process` on 2,000 and 8,000 messages, and their ratio (target <= 4.5x).

python -m bench.bench_inbox OUTDIR

Each size gets a fresh workspace with as many suppliers as messages (sent the code), and a shared mailbox of
replies as suppliers write them: confirmations (by reference), questions, bounces of the registered address,
out-of-office replies and unknown senders. The run sorts, updates the register once, sends the notifications and
moves every message. Floor: reading and parsing the same messages with the standard library (email.message_from_bytes).
"""

from __future__ import annotations

import mailbox
import shutil
import sys
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from bench.measure import Measurement, integrity, python, row, run
from toolkit.init import create_workspace
from toolkit.registers.create import create_register
from toolkit.registers.schema import SUPPLIERS

SIZES = (2_000, 8_000)
AS_OF = "2027-01-10"
TARGET = 4.5

PARSE_FLOOR = """
import email, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*/*")):
    if path.is_file():
        email.message_from_bytes(path.read_bytes()).get_payload()
"""


def _suppliers(count: int) -> list[dict]:
    return [
        {
            "Nr": i,
            "Leveranciersnummer": f"L{i:05d}",
            "Naam": f"Leverancier {i} B.V.",
            "E-mail": f"info@leverancier{i}.example",
            "Taal": "nl",
            "Actief": "ja",
            "Contracteigenaar": "inkoop@woonpartners.example",
            "Cyclus": "2027",
            "Referentie": f"[IC-2027-{i:04d}]",
            "Verzonden op": date(2027, 1, 2),
            "Herinneringen": 0,
            "Status": "verzonden",
        }
        for i in range(1, count + 1)
    ]


def _message(i: int) -> bytes:
    message = EmailMessage()
    address = f"info@leverancier{i}.example"
    message["To"] = "integriteit@woonpartners.example"
    message["Date"] = "Mon, 4 Jan 2027 10:00:00 +0100"
    message["Message-ID"] = f"<bench-{i}@leverancier{i}.example>"
    kind = i % 20
    if kind == 0:  # a bounce of the registered address (Postfix style, text only)
        message["From"] = "MAILER-DAEMON@mx.example"
        message["Subject"] = "Undelivered Mail Returned to Sender"
        message["X-Failed-Recipients"] = address
        message.set_content(f"I'm sorry to have to inform you that your message could not be delivered.\n\n<{address}>")
    elif kind == 1:
        message["From"] = address
        message["Subject"] = "Automatisch antwoord: Integriteitscode"
        message["Auto-Submitted"] = "auto-replied"
        message.set_content("Ik ben afwezig tot 15 januari.")
    elif kind == 2:
        message["From"] = address
        message["Subject"] = f"RE: Integriteitscode Woonpartners [IC-2027-{i:04d}]"
        message.set_content("Geldt dit ook voor onze onderaannemers?\n\n> Wilt u bevestigen met akkoord?\n")
    elif kind == 3:
        message["From"] = f"iemand{i}@elders.example"
        message["Subject"] = "Vraag over een factuur"
        message.set_content("Wanneer wordt factuur 2026-118 betaald")
    else:
        message["From"] = address
        message["Subject"] = f"RE: Integriteitscode Woonpartners [IC-2027-{i:04d}]"
        message.set_content("Akkoord, ontvangen en gelezen.\n\n> Wilt u bevestigen met akkoord?\n")
    return message.as_bytes()


def build(out: Path, count: int) -> Path:
    """A fresh workspace (the run moves every message, so it is rebuilt for each measurement)."""
    root = out / f"inbox-{count}"
    shutil.rmtree(root, ignore_errors=True)
    create_workspace(root, today=date(2027, 1, 2))
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, _suppliers(count))
    box = mailbox.Maildir(root / "mail" / "inbox")
    for old in list(box.iterkeys()):
        box.discard(old)
    for i in range(1, count + 1):
        box.add(_message(i))
    return root


def measure(out: Path, count: int) -> tuple[Measurement, Measurement]:
    root = build(out, count)
    floor = run([*python(PARSE_FLOOR), str(root / "mail" / "inbox")])
    ours = run(integrity("--config", str(root / "config.toml"), "--as-of", AS_OF, "inbox", "process"))
    if ours.exit_code != 0:
        print(ours.output[-2000:])
    return ours, floor


def main(out: Path) -> None:
    results = {count: measure(out, count) for count in SIZES}
    for count, (ours, floor) in results.items():
        print(row(f"inbox process, {count:_} berichten".replace("_", "."), ours, floor, "info", None))
    small, large = (results[size][0].seconds for size in SIZES)
    ratio = large / small if small else float("inf")
    verdict = "OK" if ratio <= TARGET else "BOVEN DOEL"
    label = f"inbox process {SIZES[1] // SIZES[0]}x berichten"
    print(f"{label:<44} x{ratio:5.2f} de tijd van {SIZES[0]:_} (doel <= {TARGET}x)  {verdict}".replace("_", "."))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out")
