"""`make bench`, audit: `audit verify` streams a 1,000,000-line trail in constant memory (target <= 100 MB peak).

python -m bench.bench_audit OUTDIR

The trail is written once (cached in OUTDIR/audit/) with the toolkit's own line format, chain, key and anchor,
so verify does all its work (chain, mac per line, anchor). The floor is plain Python reading the same file
line by line and hashing each line (the least any streaming chain check must do).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from bench.measure import python, row, run

LINES = 1_000_000
LIMIT_MB = 100
KEY = "bench-sleutel-niet-geheim"

VERIFY = """
import sys
from pathlib import Path
from toolkit.audit import AuditTrail
verdict = AuditTrail(Path(sys.argv[1])).verify()
print(verdict.ok, verdict.lines, verdict.why)
"""

FLOOR = """
import hashlib, sys
count = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        hashlib.sha256(line.rstrip(b"\\n")).hexdigest()
        count += 1
print(count)
"""


def build(folder: Path) -> Path:
    """A chained, keyed, anchored trail of LINES lines (made once)."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from toolkit.audit import GENESIS, _event_hash
    from toolkit.audit_anchor import Anchor, Head

    path = folder / "audit.jsonl"
    anchor = Anchor(path, folder=folder / "anker")
    if path.exists() and anchor.head_path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    key = KEY.encode("utf-8")
    previous, stamp = GENESIS, datetime(2026, 1, 1, tzinfo=UTC).isoformat(timespec="seconds")
    with open(path, "wb") as handle:
        for seq in range(1, LINES + 1):
            event = {
                "seq": seq,
                "ts": stamp,
                "actor": "nightly",
                "action": "mail.sent",
                "target": f"<{seq:08d}@woonpartners.example>",
                "details": {"purpose": "leverancier_code", "ref": f"Nr {seq}"},
                "prev": previous,
            }
            digest = _event_hash(event)
            event["hash"] = digest
            event["mac"] = anchor.mac(key, digest)
            line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
            handle.write(line + b"\n")
            previous = hashlib.sha256(line).hexdigest()
    head = Head(str(path.resolve()), 0, GENESIS, 0, stamp, Anchor.key_id(key))
    anchor.save(key, replace(head, lines=LINES, head=previous))
    return path


def main() -> int:
    out = Path(sys.argv[1])
    folder = out / "audit"
    os.environ["INTEGRITY_AUDIT_KEY"] = KEY
    os.environ["INTEGRITY_ANCHOR_DIR"] = str(folder / "anker")
    path = build(folder)
    env = {**os.environ}
    ours = run([*python(VERIFY), str(path)], env=env)
    floor = run([*python(FLOOR), str(path)], env=env)
    size_mb = path.stat().st_size / 1e6
    label = "audit verify, " + f"{LINES:,} regels ({size_mb:.0f} MB)".replace(",", ".")
    print(row(label, ours, floor, f"<= {LIMIT_MB} MB piek", None))
    intact = ours.exit_code == 0 and ours.output.startswith("True")
    verdict = "OK" if intact and ours.peak_mb <= LIMIT_MB else ("BOVEN DOEL" if intact else "FOUT: " + ours.output)
    print(
        f"{'  piekgeheugen audit verify':<44} {ours.peak_mb:8.0f} MB (doel <= {LIMIT_MB} MB, bestand {size_mb:.0f} MB)  {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
