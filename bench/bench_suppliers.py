"""`make bench`, suppliers: the preview of the supplier mailing beside mailmerge 2.3's dry run on the same rows.

python -m bench.bench_suppliers OUTDIR

1. 2,000 suppliers: `integrity suppliers mail` (preview: reads the .xlsx, renders every message with the code
   attached and writes each as .eml) beside `mailmerge --dry-run --no-limit` on the same 2,000 rows as CSV with an
   equivalent template (same text, same attachment; mailmerge prints every message). mailmerge is installed only
   into OUTDIR/mailmerge-venv; when pip can't reach it, the comparison is skipped and said so. Target: ours no slower.
2. The large workspace's 5,000 suppliers: the preview on its own (info).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from bench import workspaces
from bench.measure import Measurement, integrity, row, run
from toolkit.init import create_workspace
from toolkit.registers.create import create_register
from toolkit.registers.schema import SUPPLIERS

COUNT = 2_000
AS_OF = "2027-01-10"  # in cycle 2027
MAILMERGE = "mailmerge==2.3.0"
SERVER_CONF = "[smtp_server]\nhost = localhost\nport = 25\n"


def supplier_workspace(out: Path) -> Path:
    root = out / f"suppliers-{COUNT}"
    if not (root / "config.toml").exists():
        shutil.rmtree(root, ignore_errors=True)
        create_workspace(root, today=workspaces.TODAY)
        create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, workspaces.suppliers(COUNT))
    return root


def mailmerge_inputs(root: Path, folder: Path) -> tuple[Path, Path, Path]:
    """The same rows as CSV and the same Dutch template in mailmerge's format (headers, blank line, body)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "leveranciers.csv"
    with database.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "naam", "contactpersoon", "referentie"])
        for item in workspaces.suppliers(COUNT):
            writer.writerow([item["E-mail"], item["Naam"], item["Contactpersoon"], f"[IC-2027-{item['Nr']:04d}]"])
    source = (root / "templates" / "nl" / "leverancier_code.txt").read_text(encoding="utf-8")
    subject_line, _, body = source.partition("\n\n")
    subject = subject_line.removeprefix("Onderwerp:").strip()
    fixed = {"{{ organisatie }}": "Woonpartners", "{{ afzender }}": "Woonpartners Integriteit"}
    for placeholder, value in fixed.items():
        subject, body = subject.replace(placeholder, value), body.replace(placeholder, value)
    attachment = root / "templates" / "bijlagen" / "integriteitscode.pdf"
    template = folder / "leverancier_code.txt"
    template.write_text(
        "TO: {{ email }}\nSUBJECT: "
        + subject
        + "\nFROM: Woonpartners Integriteit <integriteit@woonpartners.example>\n"
        + f"ATTACHMENT: {attachment}\n\n"
        + body,
        encoding="utf-8",
    )
    config = folder / "mailmerge_server.conf"
    config.write_text(SERVER_CONF, encoding="utf-8")
    return template, database, config


def mailmerge_venv(out: Path) -> Path | None:
    """OUTDIR/mailmerge-venv with mailmerge 2.3.0, or None (with the reason printed) when pip can't get it."""
    venv = out / "mailmerge-venv"
    program = venv / "bin" / "mailmerge"
    if program.exists():
        return program
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", MAILMERGE], capture_output=True, text=True, timeout=600
    )
    if pip.returncode != 0 or not program.exists():
        last = (pip.stderr or pip.stdout).strip().splitlines()[-1:] or ["onbekende fout"]
        print(f"mailmerge niet vergeleken: pip kon {MAILMERGE} niet installeren ({last[0]})")
        return None
    return program


def preview(root: Path) -> Measurement:
    config = str(root / "config.toml")
    run(integrity("--config", config, "--as-of", AS_OF, "suppliers", "mail"))  # warm up; numbers rows if needed
    result = run(integrity("--config", config, "--as-of", AS_OF, "suppliers", "mail"), repeat=3)
    assert result.exit_code == 0, result.output[-2000:]
    return result


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "bench/out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    root = supplier_workspace(out)
    ours = preview(root)
    program = mailmerge_venv(out)
    if program is not None:
        template, database, config = mailmerge_inputs(root, out / "mailmerge")
        argv_mm = [str(program), "--template", str(template), "--database", str(database), "--config", str(config)]
        theirs = run([*argv_mm, "--dry-run", "--no-limit", "--output-format", "raw"], repeat=3)
        assert theirs.exit_code == 0, theirs.output[-2000:]
        print(row(f"leveranciers: voorbeeld {COUNT} (vs mailmerge)", ours, theirs, "<= 1x mailmerge", 1.0))
    else:
        print(f"leveranciers: voorbeeld {COUNT:<27} {ours.seconds:8.2f} s {ours.peak_mb:8.0f} MB")
    large = workspaces.build(out, "large")
    big = preview(large)
    print(f"leveranciers: voorbeeld 5000 (groot)         {big.seconds:8.2f} s {big.peak_mb:8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
