"""Text form of the Christmas raffle: announcement, draw, verification, winner mails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, mail_preview_lines, renders, text
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.raffle.announce import RaffleAnnounceResult
    from toolkit.raffle.service import RaffleDrawResult, RaffleNotifyResult, RaffleVerifyResult


@renders("toolkit.raffle.announce.RaffleAnnounceResult")
def _(result: RaffleAnnounceResult) -> list[str]:
    counts = (
        f"{counted(result.gifts, 'geschenk', 'geschenken')}, {counted(result.participants, 'deelnemer', 'deelnemers')}"
    )
    if not result.send:
        if result.already_announced:
            lines = [f"De kerstloting {result.year} is al aangekondigd ({result.announcement_file}, {counts})."]
        else:
            lines = [
                f"Voorbeeld: aankondiging van de kerstloting {result.year} met {counts}; er is niets vastgelegd of "
                "verstuurd.",
                "  De lotnummers worden bij het versturen willekeurig uitgedeeld; de digest hieronder verandert dan.",
            ]
        lines += [f"  Seed-bron: {result.seed_source}", f"  Aankondiging-digest: {result.digest}"]
        if result.first_mail:
            to, subject, body = result.first_mail
            first = f"--- eerste van {counted(result.mails, 'bericht', 'berichten')}, aan {to} ---"
            lines += ["", first, f"Onderwerp: {subject}", ""]
            lines += [*body.rstrip().splitlines(), "---"]
        lines += [f"{WAIT} zonder e-mailadres, niet gemaild: {who}" for who in result.no_email]
        return [*lines, f"Vastleggen en versturen: integrity raffle announce --year {result.year} "
                        "--seed-source TEKST --send"]  # fmt: skip
    lines = [
        f"{OK} Kerstloting {result.year} aangekondigd: {counts}; vastgelegd in {result.announcement_file}.",
        f"  Seed-bron: {result.seed_source}",
        f"  Aankondiging-digest: {result.digest}",
    ]
    if result.sent:
        lines.append(f"{OK} {counted(result.sent, 'bericht', 'berichten')} met lotnummer verstuurd.")
    if result.already_sent:
        lines.append(f"  {counted(result.already_sent, 'bericht was', 'berichten waren')} al eerder verstuurd.")
    lines += [f"{BAD} niet verstuurd: {why}" for why in result.failed]
    lines += [f"{WAIT} zonder e-mailadres, geef het lotnummer zelf door: {who}" for who in result.no_email]
    return [*lines, "", f"Trek met de seed uit die bron: integrity raffle draw --year {result.year} --seed TEKST"]


@renders("toolkit.raffle.service.RaffleNotifyResult")
def _(result: RaffleNotifyResult) -> list[str]:
    lines = [f"{WAIT} zonder e-mailadres, niet gemaild: {who}" for who in result.no_email]
    if not result.mails:
        return [*lines, "Geen winnaars met een e-mailadres: niets te versturen."]
    if not result.send:
        heading = f"Voorbeeld: {counted(len(result.mails), 'bericht', 'berichten')} aan winnaars, niets verstuurd."
        send = f"Versturen: integrity raffle notify --year {result.year} --send"
        return [*mail_preview_lines(result.mails, heading), *lines, send]
    if result.sent:
        lines.insert(0, f"{OK} {counted(result.sent, 'bericht', 'berichten')} aan winnaars verstuurd.")
    if result.already_sent:
        lines.append(f"  {counted(result.already_sent, 'bericht was', 'berichten waren')} al eerder verstuurd.")
    return lines + [f"{BAD} niet verstuurd: {why}" for why in result.failed]


@renders("toolkit.raffle.service.RaffleDrawResult")
def _(result: RaffleDrawResult) -> list[str]:
    lines = []
    if result.retired_sheet:
        lines.append(
            f"{OK} Oude uitslag bewaard als blad '{result.retired_sheet}'; reden in het logboek: {result.reason}"
        )
    lines += [
        f"{OK} Kerstloting {result.year} getrokken: {counted(result.gifts, 'geschenk', 'geschenken')} onder "
        f"{counted(result.participants, 'lot', 'loten')}.",
        f"  Gepubliceerd in {result.result_file}; voor HR in {result.workbook}, blad '{result.sheet}'.",
        f"  Seed: {result.seed}   (bron: {result.seed_source})",
        f"  Aankondiging-digest: {result.announcement_digest}",
        "",
    ]
    lines += [f"  Nr {w.gift_nr}: {w.gift} ({w.giver}) -> lot {w.lot}: {w.winner} ({w.number})" for w in result.winners]
    if result.changed_since_announcement:
        lines += ["", f"{BAD} Gewijzigd in het geschenkenregister na de aankondiging (telt niet mee; zoek uit waarom):"]
        lines += [f"    {change}" for change in result.changed_since_announcement]
    lines += ["", f"Narekenen: integrity raffle verify --year {result.year}, of door iedereen met alleen de twee "
                  "gepubliceerde bestanden: integrity raffle verify --announcement A --result U"]  # fmt: skip
    if result.notification is None:
        lines.append(f"Winnaars mailen: integrity raffle notify --year {result.year} (voorbeeld), daarna met --send")
        return lines
    return lines + ["", *text(result.notification)]


@renders("toolkit.raffle.service.RaffleVerifyResult")
def _(result: RaffleVerifyResult) -> list[str]:
    if result.ok:
        return [
            f"{OK} Kerstloting {result.year} klopt: {result.checked} geven precies de trekking "
            f"({counted(result.gifts, 'geschenk', 'geschenken')}, {counted(result.participants, 'lot', 'loten')})."
        ]
    lines = [f"{BAD} Kerstloting {result.year} klopt niet: {result.differences[0]}"]
    return lines + [f"    ook: {difference}" for difference in result.differences[1:]]
