"""The pathway summary: a document for the client, in the client's language, in plain language.

The fixed texts are written here for each language rather than translated
from the interface strings: a text for the client is worded for the client
(short sentences, no abbreviations) and reviewed as a whole in each language.
Services are named with their service type's client name (ServiceType.client_name), the
plain-language name written for the client, not the administrative name with its
abbreviations ("(IPS)", "(Jobcenter-malli)"); plans with a name for the client ("Suunnitelmasi
kohti työtä"), not the statute's ("Aktivointisuunnitelma tai monialainen
työllistymissuunnitelma"); the timeline's months in words ("heinäkuu 2026"), not "7/2026".

A name printed in another language than the document's (a unit with no Swedish name, shown in
Finnish) is a services.i18n.Phrase: the HTML marks it with its lang, which WeasyPrint uses for
hyphenation and line breaking. WeasyPrint (70) writes no /Lang on the tagged PDF's structure
elements, only the document's /Lang from <html lang>, so a screen reader reading the PDF reads
such a name in the document's language.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import rules
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from clients.models import CareTeamMembership, ClientPlan, GoalStatus, PlanGoal, TeamRole
from config.numbers import plain_number
from consents.coverage import disclosure_basis
from consents.models import Consent, InformationCategory, Purpose
from pathways.actions.common import format_day
from pathways.models import PathwayStep
from pathways.timeline import build as build_timeline
from services.i18n import Phrase
from services.models import PlanType

# The version of the summary's template (pathways/pdf/summary.html) and of the texts here,
# recorded on each printed summary: raise it with any change to what the paper says or shows.
# tests/test_print_template_versions.py fails on a change to its files without a new version.
TEMPLATE_VERSION = "2026.12.7.1"

SECTIONS = ("situation", "timeline", "services", "dates", "contacts")
# The sections that carry the client's plans: the situation (the plan's own words and goals)
# and the important dates (each plan's review, named by its plan). Printed only by who may read
# the plans (clients.read_plan): not by the manager of the responsible unit, who prints the
# summary but sees the client's page without the plans (PERMISSIONS.md).
PLAN_SECTIONS = frozenset({"situation", "dates"})
PLAN_TYPE_ORDER = list(PlanType.values)

TEXTS = {
    "fi": {
        "title": "Palvelupolkusi",
        "intro": "Tässä on yhteenveto palveluistasi. Voit kysyä siitä omalta työntekijältäsi.",
        "printed": "Tulostettu",
        "situation": "Tilanteesi ja tavoitteesi",
        "own_words": "Omin sanoin",
        "goals": "Tavoitteesi",
        "reached": "saavutettu",
        "no_plan": "Suunnitelmaa ei ole vielä tehty.",
        "your_plan": "Suunnitelmasi",
        "plan_types": {
            "client_plan": "Suunnitelmasi",
            "activation_plan": "Suunnitelmasi kohti työtä",
            "work_ability_support_plan": "Suunnitelmasi työkyvyn tueksi",
        },
        "timeline": "Palvelupolkusi aikajanalla",
        "timeline_desc": "Palvelusi aikajärjestyksessä. Sama tieto on alla luettelona.",
        "no_timeline": "Palvelupolullasi ei ole vielä palveluja.",
        "today": "tänään",
        "services": "Palvelusi nyt ja seuraavaksi",
        "no_services": "Sinulla ei ole nyt palveluja.",
        "from": "Alkaa",
        "started": "Alkoi",
        "until": "Päättyy",
        "ended": "Päättyi",
        "end_passed": "Päättymispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi.",
        "start_passed": "Alkamispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi.",
        "dates_passed": "Alkamis- ja päättymispäivä tarkistetaan. Kysy niistä omalta työntekijältäsi.",
        "no_end": "Ei päättymispäivää.",
        "open_from": "{day} alkaen",
        "paused_from": "Tauolla {day} alkaen.",
        "day": "päivä viikossa",
        "days": "päivää viikossa",
        "hour": "tunti päivässä",
        "hours": "tuntia päivässä",
        "place": "Paikka",
        "contact": "Yhteyshenkilö",
        "dates": "Tärkeät päivät",
        "no_dates": "Ei tulevia päiviä.",
        "review": "{plan} tarkistetaan",
        "review_late": "{plan} piti tarkistaa jo",
        "review_late_ask": "Kysy omalta työntekijältäsi, milloin se tarkistetaan.",
        "first_day": "ensimmäinen päivä",
        "last_day": "viimeinen päivä",
        "contacts": "Keneen voit ottaa yhteyttä",
        "worker": "Oma työntekijäsi",
        "phone": "Puhelin",
        "email": "Sähköposti",
        "visiting_address": "Käyntiosoite",
        "no_worker": "Sinulle ei ole vielä nimetty omaa työntekijää.",
        "worker_left": "Oma työntekijäsi vaihtuu. Ota yhteyttä yksikköön.",
        "statuses": {
            "planned": "tulossa",
            "active": "käynnissä",
            "paused": "tauolla",
            "ended": "päättynyt",
        },
        "footer": "Tämä paperi on sinua varten. Säilytä se.",
    },
    "sv": {
        "title": "Din servicestig",
        "intro": "Här är en sammanfattning av dina tjänster. Du kan fråga din egen kontaktperson om den.",
        "printed": "Utskriven",
        "situation": "Din situation och dina mål",
        "own_words": "Med egna ord",
        "goals": "Dina mål",
        "reached": "uppnått",
        "no_plan": "Det finns ingen plan ännu.",
        "your_plan": "Din plan",
        "plan_types": {
            "client_plan": "Din plan",
            "activation_plan": "Din plan för att komma i arbete",
            "work_ability_support_plan": "Din plan för att stödja din arbetsförmåga",
        },
        "timeline": "Din servicestig på en tidslinje",
        "timeline_desc": "Dina tjänster i tidsordning. Samma sak står i listan nedan.",
        "no_timeline": "Det finns ännu inga tjänster på din servicestig.",
        "today": "i dag",
        "services": "Dina tjänster nu och framöver",
        "no_services": "Du har inga tjänster just nu.",
        "from": "Börjar",
        "started": "Började",
        "until": "Slutar",
        "ended": "Slutade",
        "end_passed": "Slutdatumet ses över. Fråga din egen kontaktperson om det.",
        "start_passed": "Startdatumet ses över. Fråga din egen kontaktperson om det.",
        "dates_passed": "Start- och slutdatumet ses över. Fråga din egen kontaktperson om dem.",
        "no_end": "Inget slutdatum.",
        "open_from": "från {day}",
        "paused_from": "Paus från {day}.",
        "day": "dag i veckan",
        "days": "dagar i veckan",
        "hour": "timme om dagen",
        "hours": "timmar om dagen",
        "place": "Plats",
        "contact": "Kontaktperson",
        "dates": "Viktiga dagar",
        "no_dates": "Inga kommande dagar.",
        "review": "{plan} ses över",
        "review_late": "{plan} skulle redan ha setts över",
        "review_late_ask": "Fråga din egen kontaktperson när den ses över.",
        "first_day": "första dagen",
        "last_day": "sista dagen",
        "contacts": "Vem du kan kontakta",
        "worker": "Din egen kontaktperson",
        "phone": "Telefon",
        "email": "E-post",
        "visiting_address": "Besöksadress",
        "no_worker": "Du har ännu ingen egen kontaktperson.",
        "worker_left": "Din egen kontaktperson byts ut. Kontakta enheten.",
        "statuses": {
            "planned": "kommande",
            "active": "pågår",
            "paused": "pausad",
            "ended": "avslutad",
        },
        "footer": "Det här pappret är till för dig. Spara det.",
    },
    "en": {
        "title": "Your pathway",
        "intro": "This is a summary of your services. You can ask your own worker about it.",
        "printed": "Printed",
        "situation": "Your situation and your goals",
        "own_words": "In your own words",
        "goals": "Your goals",
        "reached": "reached",
        "no_plan": "There is no plan yet.",
        "your_plan": "Your plan",
        "plan_types": {
            "client_plan": "Your plan",
            "activation_plan": "Your plan for getting into work",
            "work_ability_support_plan": "Your plan to support your ability to work",
        },
        "timeline": "Your pathway on a timeline",
        "timeline_desc": "Your services in order of time. The list below says the same.",
        "no_timeline": "There are no services on your pathway yet.",
        "today": "today",
        "services": "Your services now and next",
        "no_services": "You have no services right now.",
        "from": "Starts",
        "started": "Started",
        "until": "Ends",
        "ended": "Ended",
        "end_passed": "The end date will be looked at again. Ask your own worker about it.",
        "start_passed": "The start date will be looked at again. Ask your own worker about it.",
        "dates_passed": "The start and end dates will be looked at again. Ask your own worker about them.",
        "no_end": "No end date.",
        "open_from": "from {day}",
        "paused_from": "On a break from {day}.",
        "day": "day a week",
        "days": "days a week",
        "hour": "hour a day",
        "hours": "hours a day",
        "place": "Place",
        "contact": "Contact person",
        "dates": "Important dates",
        "no_dates": "No dates coming up.",
        "review": "{plan} will be looked at again",
        "review_late": "{plan} should have been looked at again by now",
        "review_late_ask": "Ask your own worker when it will be.",
        "first_day": "first day",
        "last_day": "last day",
        "contacts": "Who you can contact",
        "worker": "Your own worker",
        "phone": "Phone",
        "email": "Email",
        "visiting_address": "Visiting address",
        "no_worker": "You do not have your own worker yet.",
        "worker_left": "Your own worker is changing. Contact the unit.",
        "statuses": {
            "planned": "coming",
            "active": "going on",
            "paused": "on a break",
            "ended": "ended",
        },
        "footer": "This paper is for you. Keep it.",
    },
}


def sections_for(user, client) -> tuple[str, ...]:
    """The sections `user`, in their active role, may print on `client`'s summary, in order."""
    if rules.has_perm("clients.read_plan", user, client):
        return SECTIONS
    return tuple(section for section in SECTIONS if section not in PLAN_SECTIONS)


@dataclass
class PlanSection:
    name: str
    plan: ClientPlan
    goals: list[PlanGoal]


@dataclass
class ServiceLine:
    name: Phrase
    status: str
    start_on: datetime.date
    end_on: datetime.date | None
    schedule: str  # "1 päivä viikossa, 4,5 tuntia päivässä.", or "" when not planned
    place: Phrase | str
    contact: Phrase | str  # a person's name, or their organisation's
    when: str  # "Started 5.7.2026. Ends 4.7.2027.", in the tense the day of printing calls for


def build_context(document) -> dict:
    """Everything the summary shows, redacted: no identity code, no address, and
    names of people from other organisations only where the client's consent
    lets the client's data be shared with that organisation for service planning."""
    client, language = document.client, document.language
    texts = TEXTS[language]
    today = timezone.localdate()
    # A step cancelled before it started is no part of the client's plan.
    steps = list(
        PathwayStep.objects.of_client(client)
        .not_cancelled()
        .for_timeline()
        .with_coach_on_team(today)
        .select_related("rule_set", "coach__organisation")
    )
    # Each plan type's version in force: a draft revision being written does not hide it.
    plans = sorted(
        ClientPlan.objects.filter(client=client).in_force().prefetch_related("goals"),
        key=lambda plan: PLAN_TYPE_ORDER.index(plan.plan_type),
    )
    # Only a worker who can act for the client (as the reminders address them): one whose
    # account was closed or who left the unit keeps the caseload until it is handed over, but
    # the client could no longer reach them. The client then reads that their worker is
    # changing and to contact the unit (not that they have none), whose contacts still print.
    # The current responsible worker (at most one) and whether they can act, in one query.
    responsible = (
        CareTeamMembership.objects.current(today)
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .annotate(
            can_act=Exists(CareTeamMembership.objects.reachable(today).filter(pk=OuterRef("pk")))
        )
        .select_related("user", "user__organisation")
        .first()
    )
    own_organisation = client.responsible_unit.organisation_id
    # Read once for each other organisation whose workers coach a step, not once a step; only
    # for coaches the client can still reach (the others are not named whatever the consent).
    named_organisations = _organisations_named_by_consent(
        client,
        {
            step.coach.organisation
            for step in steps
            if step.coach is not None
            and step.coach_on_team
            and step.coach.organisation_id != own_organisation
        },
    )
    services = [
        ServiceLine(
            name=step.service_type.client_name(language),
            status=texts["statuses"][step.status],
            start_on=step.start_on,
            end_on=step.planned_end_on,
            schedule=_schedule(texts, step.days_per_week, step.hours_per_day),
            place=step.unit.name_in(language) if step.unit else "",
            contact=_contact_name(
                step.coach, step.coach_on_team, own_organisation, named_organisations, language
            ),
            when=_when(
                texts,
                step.start_on,
                step.ended_on or step.planned_end_on,
                today,
                status=step.status,
            )
            + _paused(texts, step),
        )
        for step in steps
        if step.status != "ended"
    ]
    dates = [_review_date(texts, plan, today, named=len(plans) > 1) for plan in plans]
    # "Koulutus ja opinnot, ensimmäinen päivä": a verb after the name ("alkaa") would not agree
    # with every service's name.
    for step in steps:
        name = step.service_type.client_name(language)
        if step.start_on >= today:
            dates.append((step.start_on, format_html("{}, {}", name, texts["first_day"])))
        if step.status != "ended" and step.planned_end_on and step.planned_end_on >= today:
            dates.append((step.planned_end_on, format_html("{}, {}", name, texts["last_day"])))
    timeline = build_timeline(steps, today, language=language)
    return {
        "t": texts,
        "language": language,
        "sections": set(document.sections),
        "client_name": client.display_name,
        "printed_on": today,
        "plans": [
            PlanSection(texts["plan_types"][plan.plan_type], plan, _clients_goals(plan))
            for plan in plans
        ],
        "timeline": timeline,
        "timeline_rows": [
            _timeline_row(bar.step.service_type.client_name(language), bar, timeline, texts)
            for bar in timeline.bars
        ]
        if timeline
        else [],
        "services": services,
        # Steps' days gone by are left out above; a review whose day has passed is late.
        "dates": sorted(dates),
        "worker": responsible.user if responsible and responsible.can_act else None,
        "worker_left": responsible is not None and not responsible.can_act,
        "worker_unit": client.responsible_unit.name_in(language),
        # The unit's own phone and visiting address: a client who does not use e-mail, or
        # whose worker has no phone of their own in Polku, can still call or come by.
        "unit": client.responsible_unit,
    }


def _review_date(
    texts: dict, plan: ClientPlan, today: datetime.date, *, named: bool
) -> tuple[datetime.date, str]:
    """The plan's review among the important dates. A review whose day has passed (from the
    day after it, as the reminders count it) is still due: the client reads that it is late
    and whom to ask, with the day it was due. `named` names the plan by its name for the
    client ("Suunnitelmasi kohti työtä tarkistetaan"), for a client with more than one plan;
    a client with one reads "Suunnitelmasi tarkistetaan"."""
    late = plan.next_review_on < today
    name = texts["plan_types"][plan.plan_type] if named else texts["your_plan"]
    what = (texts["review_late"] if late else texts["review"]).format(plan=name)
    if late:
        what = f"{what}. {texts['review_late_ask']}"
    return plan.next_review_on, what


def _clients_goals(plan: ClientPlan) -> list[PlanGoal]:
    """The plan's goals as the client's paper lists them: a goal changed or given up is no
    longer the client's goal and is left out; a reached one stays (marked reached)."""
    return [goal for goal in plan.goals.all() if goal.status != GoalStatus.CHANGED]


@dataclass
class TimelineRow:
    name: Phrase | str
    bar: object  # pathways.timeline.Bar
    label_x: float
    label_anchor: str  # SVG text-anchor: "start", or "end" for a label left of its bar
    period: str  # "5.7.2026–4.7.2027", or "19.12.2026 alkaen" without an end


# Roughly how wide one character of the timeline's 12 pt labels is in the SVG's units.
LABEL_CHAR_WIDTH = 7


def _timeline_row(name: Phrase | str, bar, timeline, texts: dict) -> TimelineRow:
    """Where a bar's label is drawn so that it can be read: inside a bar long enough for it,
    otherwise after the bar, or before it when the bar reaches the right edge."""
    step = bar.step
    end = step.ended_on or step.planned_end_on
    period = (
        f"{format_day(step.start_on)}–{format_day(end)}"
        if end
        else texts["open_from"].format(day=format_day(step.start_on))
    )
    label_width = len(name) * LABEL_CHAR_WIDTH
    after = bar.x + bar.width + 4
    if bar.width >= label_width + 8 or (
        after + label_width > timeline.width and bar.x - 4 - label_width < 0
    ):
        return TimelineRow(name, bar, bar.x + 4, "start", period)
    if after + label_width <= timeline.width:
        return TimelineRow(name, bar, after, "start", period)
    return TimelineRow(name, bar, bar.x - 4, "end", period)


def _when(
    texts: dict, start_on: datetime.date, end_on, today: datetime.date, *, status: str
) -> str:
    """When a service runs, in short sentences: a day already passed in the past tense, for
    what has happened. A step "started" only once it has (active, paused or ended): one still
    planned whose start date has passed did not start then, and the client reads that the
    start date is being looked at and whom to ask (with its end, when that has passed too).
    Only an ended step "ended"; a step still running (or paused) past its planned end has
    not: the client reads that the end date is being looked at and whom to ask."""
    if status == "planned" and start_on < today:
        if end_on is not None and end_on < today:
            return texts["dates_passed"]
        started = texts["start_passed"]
    else:
        begun = start_on <= today and status != "planned"
        started = f"{texts['started'] if begun else texts['from']} {format_day(start_on)}."
    if end_on is None:
        return f"{started} {texts['no_end']}"
    if end_on >= today:
        return f"{started} {texts['until']} {format_day(end_on)}."
    if status != "ended":
        return f"{started} {texts['end_passed']}"
    return f"{started} {texts['ended']} {format_day(end_on)}."


def _paused(texts: dict, step: PathwayStep) -> str:
    """Since when a step on a break has been paused: " Tauolla 20.11.2026 alkaen." The
    reason is not printed (it is often about health, and it is the worker's note)."""
    if step.status != "paused" or step.paused_on is None:
        return ""
    return " " + texts["paused_from"].format(day=format_day(step.paused_on))


def _schedule(texts: dict, days: int | None, hours: Decimal | None) -> str:
    """How much the service takes, in one sentence whose words agree with the numbers:
    "1 päivä viikossa, 1 tunti päivässä." / "3 päivää viikossa, 4,5 tuntia päivässä."
    Nothing without days a week."""
    if not days:
        return ""
    text = f"{days} {texts['day'] if days == 1 else texts['days']}"
    if hours:
        # 4.50 is "4,5" and 5.00 is "5", as on the step page (config.numbers).
        text += f", {plain_number(hours)} "
        text += texts["hour"] if hours == 1 else texts["hours"]
    return f"{text}."


def _organisations_named_by_consent(client, organisations) -> set[int]:
    """The ids of those of `organisations` whose workers the summary may name: the client's
    consent lets the client's identity data be shared with the organisation for service
    planning. The client's consent, not a statutory basis: a statute lets the organisation
    have the client's data, it does not let Polku print its worker's name for the client.
    One lookup for each organisation."""
    return {
        organisation.pk
        for organisation in organisations
        if isinstance(
            disclosure_basis(
                client=client,
                organisation=organisation,
                category=InformationCategory.IDENTITY,
                purpose=Purpose.SERVICE_PLANNING,
            ),
            Consent,
        )
    }


def _contact_name(
    person, on_team: bool, own_organisation, named_organisations: set[int], language: str
) -> Phrase | str:
    """A coach's name where the client can reach them (`on_team`: on the client's care team
    today, with an active account and a role that fits, PathwayStepQuerySet
    .with_coach_on_team) and their organisation is the client's own or named by the client's
    consent (`named_organisations`); otherwise only their organisation's name. A coach who
    left (account closed, taken off the team but kept on the step) is not a person the
    client can contact: as a responsible worker who can no longer act is not named."""
    if person is None:
        return ""
    if on_team and (
        person.organisation_id == own_organisation or person.organisation_id in named_organisations
    ):
        return person.get_full_name()
    return person.organisation.name_in(language)


def render_summary_html(document) -> str:
    return render_to_string("pathways/pdf/summary.html", build_context(document))
