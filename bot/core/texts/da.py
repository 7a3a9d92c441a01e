"""Danish: every sentence the bot says, and how it says times and repeating rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from datetime import datetime, timedelta

from bot.core.texts.words import Words
from bot.parsing import Prefs, Recurrence, Refusal, RefusalCode
from bot.parsing.describe import how_soon
from bot.parsing.zones import zone

DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {1: "første", 2: "anden", 3: "tredje", 4: "fjerde", 5: "femte", -1: "sidste"}
EXAMPLES = (
    "påmind mig i morgen kl 9 om at ringe til Bo",
    "påmind mig om 2 timer om at strække ud",
    "påmind #ops hver mandag kl 10 om standup",
)
_EXAMPLES = "\n".join(f"  {e}" for e in EXAMPLES)

SAY: dict[str, str] = {
    # -- making reminders
    "you": "dig",
    "no_message": "(ingen besked)",
    "when": "{moment} ({tz}), {relative}",
    "remind": "Påmind {to}: {when}?",
    "field_when": "Hvornår",
    "field_repeats": "Gentages",
    "field_to": "Til",
    "field_message": "Besked",
    "field_quiet": "Stille timer",
    "repeats": "{rule}; næste: {dates}",
    "quiet_yours": "Det er i dine stille timer ({hours}), så den kommer {moment}.",
    "quiet_theirs": "Det er i {who}s stille timer ({hours}), så den kommer {moment}.",
    "confirm": "Bekræft",
    "edit": "Ret",
    "cancel": "Annuller",
    "scheduled": "Planlagt {numbers}: {when}",
    "scheduled_for": " til {targets}",
    "cancelled": "Annulleret. Intet blev planlagt.",
    "edit_title": "Ret påmindelse",
    "edit_label": "Ny sætning",
    "edit_label_stored": "Nyt tidspunkt eller ny sætning",
    "snooze_title": "Udsæt",
    "snooze_label": "Udsæt til",
    "ask_snooze": "Til hvornår? (f.eks. kl 16, om 20 minutter)",
    "ask_edit": "Send den nye sætning til {number}.",
    "ask_edit_stored": "Send det nye tidspunkt (eller hele den nye sætning) til {number}.",
    "ask_was": "\n  (var: {phrase})",
    "deleted": "Påmindelse {number} er slettet.",
    "deleted_undo": (
        "Påmindelse {number} ({message}) er slettet. Fortryd inden for et minut: tryk"
        " Fortryd eller skriv 'undo'."
    ),
    "undo": "Fortryd",
    "restored": "Påmindelse {number} er tilbage: {when} \u2014 {message}",
    "changed": "{number} er ændret: {when} \u2014 {message}",
    # -- lists
    "list_upcoming": "Dine kommende påmindelser (tider i {tz}):",
    "list_done": "Dine tidligere påmindelser (tider i {tz}):",
    "list_all": "Alle dine påmindelser (tider i {tz}):",
    "empty_upcoming": "Du har ingen kommende påmindelser.",
    "empty_done": "Du har ingen tidligere påmindelser.",
    "empty_all": "Du har ingen påmindelser.",
    "list_line": "  {number}  {when}  til {to} \u2014 {message}",
    "list_series": "{rule}, næste {day}",
    "list_unscheduled": "ikke planlagt",
    "list_more": "Viser {first}\u2013{last}. Skriv 'more' for de næste.",
    "delete_n": "Slet {number}",
    "edit_n": "Ret {number}",
    "state_draft": "kladde",
    "state_scheduled": "planlagt",
    "state_paused": "sat på pause",
    "state_completed": "fuldført",
    "state_cancelled": "annulleret",
    "listed_completed": "fuldført",
    "listed_cancelled": "stoppet",
    # -- settings and small talk
    "settings": "Dine indstillinger",
    "field_zone": "Tidszone",
    "field_default_time": "Standardtid",
    "field_date_order": "Datorækkefølge",
    "field_language": "Sprog",
    "off": "fra",
    "day_month": "dag/måned",
    "month_day": "måned/dag",
    "language_en": "engelsk",
    "language_da": "dansk",
    "language_auto": "som du skriver",
    "zone_is": "Din tidszone er {tz} ({source}); 'set my timezone to \u2026' ændrer den.",
    "zone_user": "valgt af dig",
    "zone_platform": "fra din profil",
    "zone_default": "standarden",
    "zone_taken": "Din tidszone er {tz}; 'set my timezone to \u2026' ændrer den.",
    "hello_console": "Hej {name}. Skriv en påmindelse, eller 'hjælp'. Ctrl-D afslutter.",
    "hello": "Hej! Fortæl mig, hvad jeg skal minde dig om og hvornår, eller skriv 'hjælp'.",
    "thanks": "Det var så lidt!",
    "no_choices": (
        "Der er ikke noget at vælge lige nu: et tal vælger blandt valgene i beskeden lige"
        " ovenover. Skriv 'hjælp' for mere."
    ),
    "no_such_choice": (
        "{n} er ikke et af valgene i beskeden lige ovenover ([1] til [{last}]);"
        " 'done 2' eller 'snooze 2 1h' når en tidligere påmindelse ved dens nummer."
    ),
    "help": (
        "Fortæl mig, hvad jeg skal minde dig om og hvornår, for eksempel:\n"
        + _EXAMPLES
        + "\nAndre kommandoer: liste, edit N, slet N, undo, snooze, done, indstillinger,"
        " hjælp.\nIndstillinger: 'set my timezone to Europe/Copenhagen', 'quiet hours"
        " 22:00-07:00', 'quiet hours off', 'default time 8:30', 'date order day/month',"
        " 'sprog engelsk'."
    ),
    "help_delete": (
        "Skriv 'slet' og nummeret for at slette en påmindelse, f.eks. 'slet 3'; 'liste' viser"
        " numrene, og 'undo' henter det, du slettede inden for det sidste minut, tilbage."
    ),
    "help_edit": (
        "Skriv 'edit' med nummeret og det nye tidspunkt for at ændre en påmindelse, f.eks."
        " 'edit 3 fredag kl 10' eller 'move #3 to 16'; 'edit 3' alene spørger efter det."
    ),
    "help_list": (
        "'liste' viser det kommende, 'list done' det tidligere, 'list all' begge dele;"
        " 'more' viser de næste."
    ),
    "help_snooze": (
        "Når en påmindelse er kommet: 'snooze 20m' eller 'snooze until fredag kl 9' udsætter"
        " den sidste; 'snooze 2 1h' udsætter påmindelse #2."
    ),
    "help_done": (
        "Når en påmindelse er kommet: 'done' markerer den sidste som fuldført; 'done 2'"
        " påmindelse #2."
    ),
    # -- delivered reminders
    "reminder": "Påmindelse: {message}",
    "with_status": "{line} \u2014 {status}",
    "late": " (skulle komme kl. {time}{day})",
    "late_day": " {day}",
    "complete": "Fuldført",
    "skip": "Spring næste over",
    "stop": "Stop",
    "snooze": "Udsæt",
    "snooze_15m": "15 minutter",
    "snooze_1h": "1 time",
    "snooze_3h": "3 timer",
    "snooze_tomorrow": "I morgen",
    "snooze_nextweek": "Næste uge",
    "snooze_custom": "Andet\u2026",
    "completed": "Fuldført",
    "snoozed": "Udsat til {day}{time}",
    "skipped": "Sprang {skipped} over; næste gang {following}",
    "stopped": "Stoppet, ikke flere påmindelser",
    "undeliverable": "Jeg kunne ikke levere påmindelse {number} ({reason}): {message}",
    "fired_to": "Til: {to}",
    "fired_by": "Sat af {who}",
    "fired_later": "Dette er {number}: 'done {n}' eller 'snooze {n} 1h' når den også senere.",
    # -- what went wrong
    "not_found": "Den påmindelse findes ikke længere.",
    "no_number": "Du har ingen påmindelse {number}.",
    "not_allowed": "Kun den, der satte påmindelsen (eller modtageren), kan gøre det.",
    "stale": "Den knap virker ikke længere.",
    "already": "Påmindelse {number} er allerede {state}.",
    "already_plain": "Den påmindelse er allerede {state}.",
    "expired": "Den kladde er udløbet. Send sætningen igen.",
    "time_passed": "Tidspunktet er passeret, mens du ventede. Tryk Ret for at ændre det.",
    "snooze_time": "Jeg kunne ikke læse det tidspunkt. Prøv 'kl 16' eller 'om 20 minutter'.",
    "not_recurring": "Kun en gentaget påmindelse har en næste gang at springe over.",
    "platform_unavailable": (
        "Jeg kunne ikke tjekke det med chatplatformen lige nu. Prøv igen om lidt."
    ),
    "unknown_zone": "Den tidszone kender jeg ikke. Brug et navn som Europe/Copenhagen.",
    "quiet_format": "Stille timer skal have to forskellige tider, f.eks. 22:00-07:00.",
    "default_time_format": "En standardtid ser ud som 8:30 eller 9am.",
    "unknown_language": "Jeg kan svare på engelsk eller dansk: 'sprog dansk'.",
    "nothing_to_undo": "Der er intet at fortryde: kun en sletning fra det sidste minut.",
    "undo_expired": "Den sletning er over et minut gammel og kan ikke fortrydes længere.",
    "no_more": "Der er ingen liste at fortsætte. Skriv 'liste' for at starte en.",
    "nothing_delivered": (
        "Der er ikke kommet nogen påmindelse til dig endnu, så der er intet at udsætte"
        " eller markere."
    ),
    "series_needs_rule": (
        "{number} gentages ({rule}). Giv et gentaget tidspunkt for at ændre den, f.eks."
        " 'hver tirsdag kl 10'; for kun at flytte den næste, så udsæt den, når den kommer."
    ),
    "one_target": (
        "En gemt påmindelse går til én person eller kanal: sæt en ny påmindelse til de andre."
    ),
    "not_delivered_yet": (
        "Påmindelse {number} er ikke kommet endnu, så der er intet at udsætte eller markere."
    ),
    "no_channel": "Jeg kan ikke finde {target}, eller jeg må ikke se den.",
    "not_member": "Du kan kun sætte påmindelser i kanaler, du er medlem af ({target}).",
    "bot_not_member": (
        "Jeg er ikke medlem af {target}, så jeg kan ikke skrive der. Inviter mig først."
    ),
    "no_user": "Jeg kan ikke sende påmindelser til {target}: du kan ikke skrive til dem her.",
    # -- records of other systems, offsets before an event
    "field_before": "Før",
    "field_stops": "Stopper",
    "the_record": "sagen",
    "on_status": "når {what} er {status}",
    "on_change": "når {what} skifter status",
    "before": "{spans} før {moment}: {dates}",
    "stopped_by_status": "Stoppet: {what} er {status} ({line})",
    # -- what the REST API and assistants can get wrong
    "token_name": "En nøgle skal have et navn.",
    "token_name_digits": (
        "En nøgles navn skal have et bogstav: {name} alene læses som nøgle #{name}."
    ),
    "token_name_taken": (
        "Der er allerede en aktiv nøgle ved navn {name}; tilbagekald den eller vælg et andet navn."
    ),
    "system_phrase": "En systemkonto har ingen chat: giv felterne, ikke en sætning.",
    "bad_zone": "Jeg kender ikke tidszonen {tz}. Brug et navn som Europe/Copenhagen.",
    "entity_needed": "En stopbetingelse eller en udløser skal vide, hvilken sag den følger.",
    "one_time": "Giv én slags tid: at, rrule, event_at med offsets eller en udløser.",
    "no_time": "Giv en tid: at, rrule (med dtstart), event_at med offsets eller en udløser.",
    "past": "Det tidspunkt er allerede gået ({when}).",
    "rule_over": "Den regel har ingen gange efter nu.",
    "bad_rule": "Det er ikke en gentagelsesregel, jeg kan bruge (RFC 5545 RRULE uden DTSTART).",
    "too_frequent": "Det gentager sig for tit: det korteste er hvert {minutes}. minut.",
    "draft_needs_chat": "En systemkonto kan ikke bekræfte et udkast i chatten: lad confirm stå.",
    "platform_needed": "Sig, hvilken platform modtageren er på (target.platform).",
    "unknown_platform": "Jeg kender ikke platformen {platform}.",
    "system_target": "En systemkonto har ingen chat: giv en person eller en kanal som modtager.",
    "bad_offsets": "Offsets er minutter før begivenheden, nul eller flere, mindst ét.",
    "offsets_past": "Alle tidspunkter før {when} er allerede gået.",
    "not_active": "Påmindelse #{ident} er {state} og kan ikke ændres.",
    "draft_pause": (
        "Påmindelse #{ident} er en kladde: bekræft den først; "
        "så kan den sættes på pause eller genoptages."
    ),
    "at_on_series": "Påmindelse #{ident} gentager sig: ændr reglen eller begivenheden.",
    "no_offsets": "Påmindelse #{ident} har ingen tidspunkter før en begivenhed at flytte.",
    "no_rule": "Påmindelse #{ident} gentager sig ikke: ændr tidspunktet i stedet.",
    "nothing_to_snooze": "Påmindelse #{ident} har intet at udsætte.",
    "bad_status": "En sags type, id og status skal være 1 til 255 tegn.",
    "key_reused": "Den Idempotency-Key blev brugt med en anden forespørgsel.",
    "key_busy": "Den første forespørgsel med den Idempotency-Key kører stadig; prøv igen.",
    "bad_cursor": "Den cursor har jeg ikke givet.",
    "naive_time": "Giv tider med deres forskydning (2026-12-04T09:00:00+01:00).",
    # -- webhooks: a reminder's own webhook URL (bot/core/webhooks.py)
    "bad_webhook_url": (
        "En webhook_url skal være en http- eller https-adresse med en vært, "
        "som https://example.com/hooks/remindbot."
    ),
    # -- email channel (bot.adapters.email): the email's lines, and why it could not go
    "email_due": "Den skulle komme {when}.",
    "email_late": "Den blev sendt {late} senere.",
    "email_days": "{n} d",
    "email_hours": "{n} t",
    "email_minutes": "{n} min",
    "email_about": "Om: {entity}",
    "email_chat_link": "Se den i chatten",
    "email_also_in_chat": "Den er også sendt i chatten.",
    "email_footer": (
        "Sendt af remindbot. Markér den som fuldført eller udsæt den i chatten; "
        "svar på denne e-mail bliver ikke læst."
    ),
    "reason_no_email_address": (
        "der er ingen e-mailadresse for personen: de kan sætte en i deres "
        "indstillinger eller på deres chatprofil"
    ),
    "reason_starttls_unsupported": (
        "mailserveren tilbyder ikke STARTTLS, og jeg sender ikke e-mail ukrypteret"
    ),
    "reason_bad_email_address": "personens e-mailadresse er ikke en, jeg kan sende til",
    "reason_email_not_configured": "e-mail er ikke sat op på denne bot",
    # -- rate limit: opsamlingen af påmindelser, der blev holdt tilbage af timegrænsen
    "summary_one": "Du har 1 påmindelse:",
    "summary": "Du har {count} påmindelser:",
    "summary_line": "{which} {message} (skulle komme {due})",
    "summary_complete": "Fuldfør {which}",
    "summary_snooze": "Udsæt {which} 1 time",
    "summary_more": (
        "Knapperne står ved de første {shown}; 'done N' eller 'snooze N 1h' når de andre."
    ),
    # -- calendar feed, history and statistics (ical)
    "calendar_name": "Påmindelser",
    "calendar_feed": (
        "Dit private kalenderfeed: {url}\n"
        "Tilføj det i din kalender-app som et abonnement (fra en URL). Alle med dette link"
        " kan se dine kommende påmindelser: 'tilbagekald min kalender' slår det fra, og spørger"
        " du igen, får du et nyt link i stedet for dette."
    ),
    "calendar_revoked": "Dit kalenderfeed er slået fra: linket virker ikke længere.",
    "calendar_none": "Du har intet kalenderfeed at tilbagekalde.",
    "help_calendar": (
        "'kalenderfeed' (eller 'min kalender') giver dig et privat link til dine kommende"
        " påmindelser til en kalender-app; 'tilbagekald min kalender' slår det fra."
    ),
    "feed_needs_url": (
        "Et kalenderfeed kræver botens offentlige adresse: en administrator sætter"
        " REMINDBOT_PUBLIC_URL."
    ),
    "system_calendar": "En systemkonto har ingen egne påmindelser og derfor intet kalenderfeed.",
    "bad_period": "Perioden skal slutte, efter den begynder: giv since før until.",
    # -- digests (bot/core/digests.py)
    "digest_head": "Dit overblik for {day} (tider i {tz}):",
    "digest_line": "  {time}  {message}",
    "digest_line_to": "  {time}  til {to} \u2014 {message}",
    "digest_more": "  \u2026og {n} mere.",
    "digest_nothing": "Dit overblik for {day}: der er intet i dag.",
    "digest_set": (
        "Dit overblik kommer {rule} ({tz}); det næste {next}. 'stop mit overblik' stopper det."
    ),
    "digest_even_empty": " (også når det er tomt)",
    "digest_stopped": "Dit overblik er stoppet.",
    "field_digest": "Overblik",
    "no_digest": "Du har intet overblik. Prøv 'send mig et overblik hver hverdag kl 8'.",
    "digest_format": (
        "Jeg kunne ikke læse, hvornår dit overblik skal komme. Prøv 'send mig et overblik"
        " hver hverdag kl 8' eller 'send mig et overblik om mandagen og torsdagen kl 9'."
    ),
    "digest_time": "Et tidspunkt for overblikket skrives som 08:00 (timer og minutter).",
    "digest_days": (
        "Dagene for overblikket er 'weekdays', 'daily', 'weekends' eller en liste af mon,"
        " tue, wed, thu, fri, sat og sun."
    ),
    "no_digest_api": "Du har intet overblik: PUT /api/v1/users/me/digest sætter et.",
    "digest_snooze": (
        "Et overblik kan ikke udsættes; 'send mig et overblik …' giver det en anden tid."
    ),
    "digest_system": "En systemkonto har ingen chat, så den kan ikke få et overblik.",
    # -- message templates per workspace (bot/core/templates.py, docs/templates.md)
    "template_name": "Der er ingen skabelon, der hedder '{name}': skabelonerne er {names}.",
    "template_workspace": "Angiv arbejdsområdet som platform:arbejdsområde, fx slack:T1.",
    "template_long": "En skabelon må højst være {limit} tegn lang.",
    "template_syntax": "Skabelonen har en syntaksfejl i linje {line}: {detail}.",
    "template_field": "Linje {line} bruger '{field}', som ikke er et felt her: brug {fields}.",
    "template_unsafe": "Linje {line} rækker efter noget, en skabelon ikke må: {detail}.",
    "template_error": "Skabelonen fejler i linje {line}: {detail}.",
    "template_output": "Skabelonens tekst bliver længere end {limit} tegn.",
    "template_empty": "Skabelonen giver ingen tekst: en besked skal have noget at sige.",
    "template_filter": (
        "Linje {line} bruger filteret '{filter}', som skabeloner ikke har: brug {filters}."
    ),
    "template_tag": (
        "Linje {line} bruger '{tag}', som skabeloner ikke må: skriv felterne, if og for."
    ),
    "template_loop": (
        "Linje {line}: en for må kun gå over items, højst {depth} dybt, ikke rekursivt."
    ),
    "template_system_only": "Kun en systemnøgle må læse eller ændre beskedskabeloner.",
    "template_missing": "Arbejdsområdet {workspace} har ingen {name}-skabelon.",
    "template_late_minutes": "{m} min",
    "template_late_hours": "{h} t {m} min",
    "template_late_days": "{d} d {h} t",
    # -- escalation and nags
    "field_escalate": "Eskalering",
    "escalate_by": "Hvis ikke gjort kl. {time}: sig det til {to}",
    "escalate_within": "Hvis ikke gjort inden for {span}: sig det til {to}",
    "field_until_done": "Indtil gjort",
    "until_done": "Den gentages, til nogen gør den færdig.",
    "escalated": "Ikke gjort endnu: {who} blev mindet om det {when}: {message}",
    "until_done_repeat": "\u201cIndtil det er gjort\u201d kræver en gentagelse: sig hvor "
    "tit, som hvert 30. minut.",
    "escalate_minutes": "En eskalering skal ligge efter påmindelsen: mindst 1 minut.",
    # -- preferences: channels, email, sources, workspace defaults, App Home (prefs)
    "field_channels": "Kanaler",
    "field_email": "E-mail",
    "field_urgent": "Haster",
    "urgent_yes": "ja, den kommer også i stille timer",
    "channel_chat": "chat",
    "channel_email": "e-mail",
    "channel_webhook": "webhook",
    "setting_shown": "{value} ({source})",
    "source_yours": "din egen",
    "source_platform": "fra din profil",
    "source_workspace": "arbejdsområdets standard",
    "source_default": "indbygget standard",
    "email_profile": "den i din chatprofil",
    "unknown_channel": "Kanalen '{name}' kender jeg ikke: brug chat, e-mail eller webhook.",
    "no_channels": "Nævn mindst én kanal: chat, e-mail eller webhook.",
    "bad_email": "'{email}' er ikke en e-mailadresse; skriv en som ann@example.com.",
    "unknown_default": (
        "Et arbejdsområde kan have standarder for {names}, og '{name}' er ingen af dem."
    ),
    "bad_default": "Den værdi kan en standard for arbejdsområdet ikke have.",
    "unknown_workspace": "Et arbejdsområde skrives platform:arbejdsområde, f.eks. slack:T1.",
    "system_only": "Kun en systemnøgle kan se eller ændre et arbejdsområdes standarder.",
    "unknown_preference": "Indstillingerne er {names}, og '{name}' er ingen af dem.",
    "system_preferences": "En systemkonto har ingen egne indstillinger: brug en persons nøgle.",
    "workspace_defaults": "Standarder for {workspace}:",
    "workspace_none": "{workspace} har ingen standarder: alle får de indbyggede.",
    "workspace_set": "{workspace}: {name} er nu {value}.",
    "workspace_unset": "{workspace}: {name} er tilbage til den indbyggede standard.",
    "home_settings": "Dine indstillinger",
    "home_channels": "Påmind mig via",
    "home_quiet_start": "Stille fra",
    "home_quiet_end": "Stille til",
    "home_quiet_off": "Ingen stille timer",
    "home_default_time": "Standardtid",
    "home_saved": "Gemt.",
    # Health and database outages: the storage did not answer while handling a message.
    "try_again": "Jeg kan ikke nå min database lige nu. Prøv igen om et øjeblik.",
}


def moment(when: datetime) -> str:
    """``fredag 27. november 2026 kl. 09:00``."""
    return (
        f"{DAYS[when.weekday()]} {when.day}. {MONTHS[when.month - 1]} {when.year} kl. {when:%H:%M}"
    )


def date(when: datetime | Date, year: bool) -> str:
    """``tir 24. nov 2026``, or ``tir 24. nov``."""
    short = f"{DAYS[when.weekday()][:3]} {when.day}. {MONTHS[when.month - 1][:3]}"
    return f"{short} {when.year}" if year else short


def relative(when: datetime, now: datetime) -> str:
    """``i morgen``, ``om 4 dage``, ``om 2 timer og 5 minutter``."""
    days, hours, minutes = how_soon(when, now)
    if days:
        return "i morgen" if days == 1 else f"om {days} dage"
    parts = [_count(hours, "time", "timer"), _count(minutes, "minut", "minutter")]
    shown = [p for p in parts if p]
    return "om " + " og ".join(shown) if shown else "om under et minut"


def _count(n: int, one: str, many: str) -> str:
    return "" if n == 0 else f"{n} {one if n == 1 else many}"


def spans(offsets: Sequence[int]) -> str:
    """``[1500, 60]`` -> ``1 dag 1 time og 1 time``."""
    return join([_span(m) for m in offsets])


def _span(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        _count(days, "dag", "dage") if days else "",
        _count(hours, "time", "timer") if hours else "",
        _count(mins, "minut", "minutter") if mins else "",
    ]
    return " ".join(p for p in parts if p) or "0 minutter"


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def rule(rec: Recurrence) -> str:
    """``hver ugedag kl. 09:00, indtil 1. juni 2027``."""
    parts = dict(p.split("=", 1) for p in rec.rrule.split(";"))
    text = _frequency(parts)
    if "BYHOUR" in parts:
        text += f" kl. {int(parts['BYHOUR']):02d}:{int(parts.get('BYMINUTE', '0')):02d}"
    if "UNTIL" in parts:
        end = Date(int(parts["UNTIL"][:4]), int(parts["UNTIL"][4:6]), int(parts["UNTIL"][6:8]))
        year = f" {end.year}" if end.year != rec.dtstart.year else ""
        text += f", indtil {end.day}. {MONTHS[end.month - 1]}{year}"
    if "COUNT" in parts:
        text += f", {_count(int(parts['COUNT']), 'gang', 'gange')}"
    return text


def _frequency(parts: dict[str, str]) -> str:
    n = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"]
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        word, every = {"HOURLY": ("time", "hver"), "MINUTELY": ("minut", "hvert")}.get(
            freq, ("sekund", "hvert")
        )
        return f"{every} {word}" if n == 1 else f"{every} {n}. {word}"
    if freq == "DAILY":
        return {1: "hver dag", 2: "hver anden dag"}.get(n, f"hver {n}. dag")
    if freq == "WEEKLY":
        return _weekly(parts.get("BYDAY", ""), n)
    if freq == "MONTHLY":
        return _monthly(parts, n)
    return f"hvert år den {int(parts['BYMONTHDAY'])}. {MONTHS[int(parts['BYMONTH']) - 1]}"


def _weekly(byday: str, n: int) -> str:
    days = byday.split(",") if byday else []
    if days == ["MO", "TU", "WE", "TH", "FR"] and n == 1:
        return "alle hverdage"
    if days == ["SA", "SU"] and n == 1:
        return "hver weekend"
    names = join([DAYS[_CODES.index(d)] for d in days])
    if n == 1:
        return f"hver {names}"
    return f"hver anden {names}" if n == 2 else f"hver {n}. uge på {names}"


def _monthly(parts: dict[str, str], n: int) -> str:
    every = "hver måned" if n == 1 else f"hver {n}. måned"
    if "BYMONTHDAY" in parts:
        day = int(parts["BYMONTHDAY"])
        return f"{every} den sidste dag" if day == -1 else f"{every} den {day}."
    code = parts["BYDAY"]
    pos, weekday = int(code[:-2]), DAYS[_CODES.index(code[-2:])]
    return f"den {_ORDINALS.get(pos, f'{pos}.')} {weekday} i {every}"


# -- escalation and nags: the refusals of their phrases
_ESCALATION_REFUSALS = {
    "escalate_time": "\u201cHvis det ikke er gjort kl. \u2026\u201d regnes fra påmindelsens "
    "tidspunkt, og denne har intet: sig hvor længe i stedet, som \u201chvis det ikke er "
    "gjort inden for 2 timer\u201d.",
    "escalate_clock": "Jeg kunne ikke læse tidspunktet efter \u201cikke er gjort\u201d: "
    "skriv det som \u201ckl. 11\u201d eller \u201ckl. 11.30\u201d.",
    "until_done_repeat": "\u201cIndtil det er gjort\u201d bliver ved med at minde, til "
    "nogen gør den færdig: sig hvor tit, som \u201chvert 30. minut indtil det er gjort\u201d.",
}


def refusal(refused: Refusal, tz: str, prefs: Prefs | None = None) -> str:
    """The sentence for a refused phrase, as ``bot.parsing.describe.refusal_text`` in English."""
    code = refused.code
    if code is RefusalCode.PAST:
        when = refused.when.astimezone(zone(tz)) if refused.when else None
        read = f" Jeg læste det som {moment(when)} ({tz})." if when else ""
        return f"Det tidspunkt er allerede passeret.{read} Giv mig et tidspunkt i fremtiden."
    if code is RefusalCode.INVALID_DATE:
        return "Den dato eller det tidspunkt findes ikke (som 30. februar eller 25:00). Tjek det."
    if code is RefusalCode.TOO_FREQUENT:
        limit = (prefs or Prefs()).min_interval // timedelta(minutes=1)
        return f"Det gentages for tit: det korteste interval er hvert {limit}. minut."
    if code is RefusalCode.TOO_LONG:
        limit = (prefs or Prefs()).max_message
        return f"Den besked er for lang: hold den under {limit:,} tegn.".replace(",", ".")
    if code is RefusalCode.UNSUPPORTED and refused.detail in _ESCALATION_REFUSALS:
        return f"{_ESCALATION_REFUSALS[refused.detail]} Intet blev gemt."
    examples = "; ".join(f"\u201c{e}\u201d" for e in EXAMPLES)
    return f"Jeg kunne ikke finde et tidspunkt i det. Prøv for eksempel: {examples}."


WORDS = Words(
    code="da",
    say=SAY,
    moment=moment,
    relative=relative,
    date=date,
    rule=rule,
    refusal=refusal,
    join=join,
    spans=spans,
)
