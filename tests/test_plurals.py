"""What people read says "1 rij" and "2 rijen", never "rij(en)": CLI output, step summaries, logs, mails."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.inbox.shared import WaitingList, WaitingMessage
from toolkit.mail.templates import TemplateSet
from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS
from toolkit.registers.steps import prune_backups_step
from toolkit.render import text
from toolkit.workspace import Workspace

AS_OF = "2026-11-26"
BRACKETED = re.compile(r"\w\((en|s|n|ën|len|men|sen)\)|\b(persoon/personen|zaak/zaken|kop/koppen|naam/namen)\b")
SECRETS = {"INTEGRITY_REPORTS_PASSWORD": "meldingen", "INTEGRITY_IDENTITY_PASSWORD": "identiteit"}


def gift(nr: int) -> dict[str, Any]:
    """A harmless gift: a € 15 box of chocolates made available to the organisation."""
    return {
        "Nr": nr, "Datum ontvangen": "1-12-2025", "Medewerker": "Anna de Vries", "Gever": "Bloemist Roos",
        "Soort": "geschenk", "Omschrijving": "doos bonbons", "Waarde (€)": "15", "Bezorgd op privéadres": "nee",
        "Relatie in onderhandeling of toezicht": "nee", "Besluit": "ter beschikking organisatie",
        "Overlegd met leidinggevende": "nee",
    }  # fmt: skip


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A fresh (non-demo) workspace."""
    folder = tmp_path / "ws"
    assert run_cli("--as-of", AS_OF, "init", str(folder)).exit_code == 0
    return folder


def bracketed(output: str) -> list[str]:
    return [line for line in output.splitlines() if BRACKETED.search(line)]


@pytest.mark.parametrize(("rows", "said"), [(1, "1 rij beoordeeld"), (2, "2 rijen beoordeeld")])
def test_gifts_check_counts_one_row_and_more_rows_in_dutch(root: Path, run_cli, rows: int, said: str) -> None:
    """`integrity gifts check` on 1 row says "1 rij beoordeeld", on 2 rows "2 rijen beoordeeld", no "rij(en)"."""
    (root / "registers" / GIFTS.filename).unlink()
    create_register(root / "registers" / GIFTS.filename, GIFTS, [gift(n) for n in range(1, rows + 1)])
    result = run_cli("--config", str(root / "config.toml"), "--as-of", AS_OF, "gifts", "check")
    assert result.exit_code == 0, result.output
    assert f"Register geschenken ({GIFTS.filename}): {said}," in result.output, result.output
    assert bracketed(result.output) == []


@pytest.mark.parametrize(
    ("removed", "said"), [(1, "1 oude reservekopie verwijderd"), (2, "2 oude reservekopieën verwijderd")]
)
def test_the_backup_step_summary_counts_in_dutch(root: Path, removed: int, said: str) -> None:
    """The nightly step that prunes backups says "1 oude reservekopie" and "2 oude reservekopieën"."""
    ws = Workspace(load_config(root / "config.toml"), date(2026, 11, 26), actor="test")
    keep = ws.config.registers.backups_keep
    ws.backups_dir.mkdir(parents=True, exist_ok=True)
    for n in range(keep + removed):
        (ws.backups_dir / f"geschenken.2026-11-{n + 1:02d}T000000.xlsx").write_bytes(b"kopie")
    step = prune_backups_step(ws)
    assert step.summary == f"{said}, de laatste {keep} per register bewaard"
    assert len(list(ws.backups_dir.glob("*.xlsx"))) == keep


def test_the_waiting_list_agrees_its_verb_with_the_count() -> None:
    """`integrity inbox unmatched`: "1 bericht wacht" for one message, "2 berichten wachten" for two."""
    one = WaitingMessage("a@example.org", "26-11-2026 09:00", "Vraag")
    two = WaitingMessage("b@example.org", "26-11-2026 10:00", "Nog een vraag")
    assert text(WaitingList((one,)))[0] == "1 bericht wacht in de gedeelde mailbox op een mens:"
    assert text(WaitingList((one, two)))[0] == "2 berichten wachten in de gedeelde mailbox op een mens:"


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("nl", "Er is 1 geschenk en 1 deelnemer.", "Er zijn 2 geschenken en 3 deelnemers."),
        ("en", "There is 1 gift and 1 participant.", "There are 2 gifts and 3 participants."),
    ],
)
def test_the_raffle_announcement_counts_gifts_and_participants(lang: str, one: str, many: str) -> None:
    """The standard raffle announcement says "1 geschenk" and "2 geschenken" (and in English "1 gift")."""
    templates = TemplateSet(Path(__file__).resolve().parents[1] / "templates")
    context = {
        "organisatie": "Woonpartners", "naam": "Anna", "jaar": 2026, "lot": "L001", "digest": "ab", "seedbron": "x",
        "bestand": "a.txt", "hr": "hr@woonpartners.example",
    }  # fmt: skip
    assert one in templates.render("kerstloting_aankondiging", {**context, "geschenken": 1, "deelnemers": 1}, lang).text
    assert (
        many in templates.render("kerstloting_aankondiging", {**context, "geschenken": 2, "deelnemers": 3}, lang).text
    )


@pytest.mark.parametrize(("missing", "said"), [(1, "1 heeft geen"), (4, "4 hebben geen")])
def test_the_new_supplier_round_mail_agrees_its_verb(missing: int, said: str) -> None:
    """The mail about a new supplier round: "1 heeft geen (geldig) e-mailadres", "4 hebben geen"."""
    templates = TemplateSet(Path(__file__).resolve().parents[1] / "templates")
    context = {"organisatie": "Woonpartners", "cyclus": 2029, "aantal": 312, "zonder_adres": missing}
    assert said in templates.render("leveranciers_nieuwe_ronde", context).text


def test_a_demo_nightly_run_writes_no_bracketed_plural(tmp_path: Path, run_cli) -> None:
    """`init --demo`, `check`, the nightly job and a second run: no "(en)"/"(s)" form in output, logs or mail."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", AS_OF, "init", str(root), "--demo").exit_code == 0
    config = str(root / "config.toml")
    outputs = [run_cli("--config", config, "--as-of", AS_OF, "check").output]
    for day in (AS_OF, "2026-11-27"):
        night = run_cli("--config", config, "--as-of", day, "nightly", env=SECRETS)
        assert "Taak 'nightly':" in night.output, night.output
        outputs.append(night.output)
    for command in (("gifts", "check"), ("housing", "check"), ("sidejobs", "review"), ("interests", "check")):
        outputs.append(run_cli("--config", config, "--as-of", AS_OF, *command).output)
    logs = [p.read_text(encoding="utf-8") for p in (root / ".integrity" / "logs").rglob("*") if p.is_file()]
    mails = [p.read_text(encoding="utf-8", errors="replace") for p in (root / "mail" / "outbox").glob("*.eml")]
    assert any(re.search(r"\b1 (rij|bericht|cel|melding)\b|\b[02-9]\d* (rijen|berichten|cellen)\b", o) for o in outputs)
    assert len(mails) > 0 and len(logs) > 0
    found = [line for chunk in outputs + logs + mails for line in bracketed(chunk)]
    assert found == []


@pytest.mark.parametrize(("days", "said"), [(1, "geen besluit na 1 dag"), (14, "geen besluit na 14 dagen")])
def test_a_missing_decision_names_its_term_in_dutch(days: int, said: str) -> None:
    """B1 with `[interests] decision_days` = 1 says "na 1 dag" (the register's Beoordeling), 14 "na 14 dagen"."""
    from toolkit.interests.rules import Declaration, judge

    item = Declaration(
        nr=1, employee="Piet", kind="belang", what="Zwager bij aannemer", relation="Bouw BV", relative="zwager",
        declared_on=date(2026, 1, 5), decision="", decided_on=None, measures="", review_on=None,
    )  # fmt: skip
    verdict = judge(item, date(2026, 3, 1), days)
    assert said in verdict.text and not re.search(r"\b1 dagen\b", verdict.text), verdict.text


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.mark.parametrize(("term", "said"), [(1, "Binnen 1 dag na de melding"), (10, "Binnen 10 dagen na de melding")])
def test_the_declaration_mail_names_the_decision_term_in_dutch(term: int, said: str) -> None:
    """The mail to the manager about a declaration: "binnen 1 dag", "binnen 10 dagen"; to HR: "na 1 dag"."""
    context = {
        "medewerker": "Piet", "register": "belangen.xlsx", "nr": 3, "voor": "leidinggevende", "soort": "belang",
        "gemeld_op": date(2026, 1, 5), "omschrijving": "Zwager bij aannemer", "relatie": "", "naaste": "",
        "termijn": term, "organisatie": "Woonpartners", "leidinggevende": "m@woonpartners.example",
    }  # fmt: skip
    assert said in " ".join(TemplateSet(TEMPLATES).render("belang_melding", context).text.split())
    to_hr = TemplateSet(TEMPLATES).render("belang_melding", {**context, "voor": "hr"}).text
    assert f"na {term} {'dag' if term == 1 else 'dagen'} geen besluit" in " ".join(to_hr.split())


@pytest.mark.parametrize(
    ("lang", "weeks", "said"),
    [
        ("nl", 1, "binnen 1 week na"),
        ("nl", 4, "binnen 4 weken na"),
        ("en", 1, "within 1 week of"),
        ("en", 4, "within 4 weeks of"),
    ],
)
def test_the_onboarding_overview_names_the_talk_term(lang: str, weeks: int, said: str) -> None:
    """`[onboarding]`'s weeks for the talk with M&O: "1 week", "4 weken" (and in English "1 week", "4 weeks")."""
    context = {"datum": date(2026, 11, 26), "gesprek_weken": weeks, "medewerkers": [], "organisatie": "Woonpartners"}
    assert said in TemplateSet(TEMPLATES).render("welkom_overzicht", context, lang).text


@pytest.mark.parametrize(("lang", "one", "many"), [("nl", "1 dag,", "12 dagen,"), ("en", "1 day,", "12 days,")])
def test_the_side_function_overview_counts_days(lang: str, one: str, many: str) -> None:
    """A request waiting 1 day reads "1 dag", 12 days "12 dagen" (English "1 day", "12 days")."""
    row = {
        "nr": 4, "medewerker": "Piet", "nevenfunctie": "penningmeester", "organisatie": "Voetbalclub",
        "gemeld_op": date(2026, 11, 1), "besluit_uiterlijk": date(2026, 11, 30),
    }  # fmt: skip
    context = {
        "datum": date(2026, 11, 26), "register": "nevenfuncties.xlsx", "aantal": 2, "in_orde": 0,
        "te_laat": [{**row, "dagen": 12}], "wachtend": [{**row, "dagen": 1}], "herbevestigen": [], "conflicten": [],
        "overige": [], "niet_te_beoordelen": [], "opmerkingen": [], "lang": lang,
    }  # fmt: skip
    text = TemplateSet(TEMPLATES).render("nevenfuncties_overzicht", context, lang).text
    assert one in text and many in text, text


@pytest.mark.parametrize(("number", "said"), [(1, "1 rij"), (2000, "2000 rijen"), (20037, "20.037 rijen")])
def test_a_large_count_groups_its_thousands_the_dutch_way(number: int, said: str) -> None:
    """From five digits on Dutch writes a point between the thousands: "20.037 rijen beoordeeld"; "2000" stays."""
    from toolkit.values import counted

    assert counted(number, "rij", "rijen") == said


@pytest.mark.parametrize(("lang", "said"), [("nl", "59.973 nieuwe bevindingen"), ("en", "59,973 new findings")])
def test_the_officer_overview_subject_groups_the_thousands(lang: str, said: str) -> None:
    """The first night over a register with years of history: "Register geschenken: 59.973 nieuwe bevindingen"."""
    context = {
        "aantal": 59973, "datum": date(2026, 11, 26), "register": "geschenken.xlsx", "organisatie": "Woonpartners",
        "bevindingen": [], "niet_te_beoordelen": [], "lang": lang,
    }  # fmt: skip
    mail = TemplateSet(TEMPLATES).render("geschenken_overzicht", context, lang)
    assert said in mail.subject, mail.subject


def test_the_gifts_check_line_groups_every_large_count() -> None:
    """Every count in the check's first lines is written alike: "20.107 rijen beoordeeld, 8183 OK, 10.924 tegen de
    code", "G5 10.025"; not "10924" beside "20.107"."""
    from toolkit.gifts.notify import GiftFinding
    from toolkit.gifts.service import GiftCheckResult

    finding = GiftFinding(1, 2, "Anna", "Bakker", "taart", "G2: te duur", ("G2",), None, "k", False)
    result = GiftCheckResult(
        workbook="geschenken.xlsx", judged=20_107, ok_rows=8_183, per_rule={"G1": 0, "G5": 10_025},
        against_code=(finding,) * 10_924, unjudgeable=(), for_review=(finding,) * 1_000, cells_written=0, waiting="",
        notes=(), notify=False, dry_run=True, new_findings=0, mails=(), sent=0, failed=(),
    )  # fmt: skip
    first, per_rule = text(result)[:2]
    assert "20.107 rijen beoordeeld, 8183 OK, 10.924 tegen de code, 1000 ter beoordeling" in first, first
    assert per_rule == "Per regel: G1 0, G5 10.025"
