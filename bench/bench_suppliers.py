"""`make bench`, suppliers: the side-function conflict check's growth, and the supplier preview beside mailmerge.

python -m bench.bench_suppliers OUTDIR [--quick]

1. `integrity sidejobs review` (a preview: judges, writes nothing) on 400 side functions against 1,250 and against
   5,000 suppliers: 4x the suppliers may cost at most 1.5x the time (ratio of medians, same run). Then a register
   of 20,000 side functions against 5,000 suppliers: at most 30 s.
2. `integrity suppliers mail` (the preview: reads the .xlsx, renders every message, shows the first and a count,
   writes nothing) beside `mailmerge --dry-run --no-limit --output-format raw` (mailmerge 2.3.0, installed only in
   OUTDIR/mailmerge-venv) on the same rows as CSV and the same text, on 2,000 and 20,000 rows, with the code PDF
   attached on both sides (target <= 1.0x mailmerge) and without (target <= 1.5x).

Medians of several runs with [min–max], CPU seconds and peak memory for both sides. A row that can't measure what its label
says (a command fails, mailmerge can't be installed) prints FOUT and the script exits 1.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import workspaces
from bench.measure import integrity
from bench.spread import RowFailed, Spread, failed_row, measure, ratio_row
from toolkit.init import create_workspace
from toolkit.registers.create import create_register
from toolkit.registers.schema import SIDEJOBS, STAFF, SUPPLIERS
from toolkit.values import counted

AS_OF = "2027-01-10"  # in supplier cycle 2027
MAILMERGE = "mailmerge==2.3.0"
MAILMERGE_MAIN = "from mailmerge.__main__ import main; main()"  # the console script's entry point
SERVER_CONF = "[smtp_server]\nhost = localhost\nport = 25\n"
ATTACHMENT_SETTING = 'code_attachment = "templates/bijlagen/integriteitscode.pdf"'


# -- side functions -------------------------------------------------------------------------------------------------


def side_functions(count: int, suppliers: int) -> list[dict[str, Any]]:
    """`count` approved side functions; every tenth at an organisation that is (loosely written) a supplier."""
    today = workspaces.TODAY
    rows = []
    for i in range(1, count + 1):
        organisation = f"leverancier {i % suppliers + 1} bv" if i % 10 == 0 else f"Vereniging {i}"
        rows.append(
            {
                "Nr": i,
                "Medewerker": f"Medewerker {i % 200 + 1}",
                "Rol": "medewerker",
                "Nevenfunctie": "bestuurslid",
                "Organisatie": organisation,
                "Betaald": "nee",
                "Uren per maand": 4,
                "Startdatum": today - timedelta(days=100),
                "Gemeld op": today - timedelta(days=110),
                "Status": "goedgekeurd",
                "Besluit door": "M&O",
                "Besluitdatum": today - timedelta(days=105),
                "Risico belangenverstrengeling": "laag",
                "Vastgelegd in personeelsdossier op": today - timedelta(days=104),
            }
        )
    return rows


def sidejobs_workspace(out: Path, count: int, suppliers: int) -> Path:
    root = out / f"sidejobs-{count}x{suppliers}"
    if not (root / "config.toml").exists():
        shutil.rmtree(root, ignore_errors=True)
        create_workspace(root, today=workspaces.TODAY)
        registers = root / "registers"
        create_register(registers / STAFF.filename, STAFF, workspaces.staff(200))
        create_register(registers / SUPPLIERS.filename, SUPPLIERS, workspaces.suppliers(suppliers))
        create_register(registers / SIDEJOBS.filename, SIDEJOBS, side_functions(count, suppliers))
    return root


def review(root: Path, repeat: int) -> Spread:
    """The review as HR runs it without --write: every row judged, conflicts found, nothing written."""
    result = measure(integrity("--config", str(root / "config.toml"), "sidejobs", "review"), repeat=repeat)
    if "Mogelijk belangenconflict (" not in result.output:
        raise RowFailed("de beoordeling vond geen enkel belangenconflict: meet niet wat het label zegt")
    return result


def sidejob_rows(out: Path, quick: bool) -> list[str]:
    functions, base = (40, 125) if quick else (400, 1_250)
    small, large = sidejobs_workspace(out, functions, base), sidejobs_workspace(out, functions, 4 * base)
    repeat = 3 if quick else 5
    label = f"nevenfuncties: {functions} x {4 * base} lev. vs x {base}"
    rows = [ratio_row(label, review(large, repeat), review(small, repeat), f"x {base}", 1.5)]
    big_count = 2_000 if quick else 20_000
    big = review(sidejobs_workspace(out, big_count, 5_000), 1 if quick else 3)
    verdict = "OK" if big.median <= 30 else "BOVEN DOEL"
    rows.append(f"{f'nevenfuncties: {big_count} rijen x 5000 lev.':<44} {big.text()} | doel <= 30 s  {verdict}")
    return rows


# -- supplier preview beside mailmerge ------------------------------------------------------------------------------


def supplier_workspace(out: Path, count: int, attachment: bool) -> Path:
    root = out / f"suppliers-{count}-{'bijlage' if attachment else 'zonder'}"
    if not (root / "config.toml").exists():
        shutil.rmtree(root, ignore_errors=True)
        create_workspace(root, today=workspaces.TODAY)
        create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, workspaces.suppliers(count))
        if not attachment:
            config = root / "config.toml"
            text = config.read_text(encoding="utf-8")
            assert ATTACHMENT_SETTING in text, "config.toml changed: update bench_suppliers.ATTACHMENT_SETTING"
            config.write_text(text.replace(ATTACHMENT_SETTING, "# " + ATTACHMENT_SETTING), encoding="utf-8")
    return root


def mailmerge_inputs(root: Path, folder: Path, count: int, attachment: bool) -> tuple[Path, Path, Path]:
    """The same rows as CSV and the same Dutch template in mailmerge's format (headers, blank line, body)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "leveranciers.csv"
    with database.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "naam", "contactpersoon", "referentie"])
        for item in workspaces.suppliers(count):
            writer.writerow([item["E-mail"], item["Naam"], item["Contactpersoon"], f"[IC-2027-{item['Nr']:04d}]"])
    source = (root / "templates" / "nl" / "leverancier_code.txt").read_text(encoding="utf-8")
    subject_line, _, body = source.partition("\n\n")
    subject = subject_line.removeprefix("Onderwerp:").strip()
    fixed = {"{{ organisatie }}": "Woonpartners", "{{ afzender }}": "Woonpartners Integriteit"}
    for placeholder, value in fixed.items():
        subject, body = subject.replace(placeholder, value), body.replace(placeholder, value)
    pdf = root / "templates" / "bijlagen" / "integriteitscode.pdf"
    headers = (
        f"TO: {{{{ email }}}}\nSUBJECT: {subject}\nFROM: Woonpartners Integriteit <integriteit@woonpartners.example>\n"
    )
    if attachment:
        headers += f"ATTACHMENT: {pdf}\n"
    template = folder / "leverancier_code.txt"
    template.write_text(headers + "\n" + body, encoding="utf-8")
    config = folder / "mailmerge_server.conf"
    config.write_text(SERVER_CONF, encoding="utf-8")
    return template, database, config


def mailmerge_python(out: Path) -> Path:
    """The python of OUTDIR/mailmerge-venv with mailmerge 2.3.0; RowFailed when pip can't get it."""
    venv = out / "mailmerge-venv"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "mailmerge").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", MAILMERGE], capture_output=True, text=True, timeout=600
        )
        if pip.returncode != 0:
            last = (pip.stderr or pip.stdout).strip().splitlines()[-1:] or ["onbekende fout"]
            raise RowFailed(f"pip kon {MAILMERGE} niet installeren ({last[0]})")
    return python


def preview_row(out: Path, count: int, attachment: bool, repeat: int) -> str:
    root = supplier_workspace(out, count, attachment)
    ours = measure(integrity("--config", str(root / "config.toml"), "--as-of", AS_OF, "suppliers", "mail"), repeat)
    if f"{counted(count, 'leverancier krijgt', 'leveranciers krijgen')} de integriteitscode" not in ours.output:
        raise RowFailed("het voorbeeld telde niet elke leverancier: meet niet wat het label zegt")
    folder = out / f"mailmerge-{count}-{'bijlage' if attachment else 'zonder'}"
    template, database, config = mailmerge_inputs(root, folder, count, attachment)
    python = mailmerge_python(out)
    # through bench.probe (standard library only) so the peer's peak memory is measured as ours is
    peer = [str(python), "-m", "bench.probe", "-c", MAILMERGE_MAIN, "--template", str(template)]
    peer += ["--database", str(database), "--config", str(config), "--dry-run", "--no-limit", "--output-format", "raw"]
    theirs = measure(peer, repeat)
    if theirs.peak_mb <= 0:
        raise RowFailed("piekgeheugen van mailmerge niet gemeten")
    what = "met bijlage" if attachment else "zonder bijlage"
    return ratio_row(f"leveranciers: voorbeeld {count} {what}", ours, theirs, "mailmerge", 1.0 if attachment else 1.5)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    quick = "--quick" in argv
    out = Path(args[0] if args else "bench/out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        for line in sidejob_rows(out, quick):
            print(line, flush=True)
    except RowFailed as exc:
        print(failed_row("nevenfuncties: beoordeling", str(exc)), flush=True)
        failed = True
    for count in (200,) if quick else (2_000, 20_000):
        for attachment in (True, False):
            try:
                print(preview_row(out, count, attachment, repeat=3 if count > 2_000 or quick else 5), flush=True)
            except RowFailed as exc:
                print(failed_row(f"leveranciers: voorbeeld {count}", str(exc)), flush=True)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
