"""Demo clients: the seed documents' stories and a believable caseload for every demo user.

Identity codes are fictitious (individual numbers 900-999) and generated from
a fixed random seed, so a second run finds the same clients and adds nothing.
"""

import datetime
import random

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from clients import identity
from clients.actions import set_search_names
from clients.factories import demo_identity_code, member_organisation
from clients.models import (
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    ContactMethod,
    PlanGoal,
    TeamRole,
)
from services.calendar import add_months
from services.models import Unit

# Extra staff so Essote's clients have responsible workers of their own (not role logins).
EXTRA_STAFF = [
    ("eeva.essote", "Eeva", "Ekholm", Role.SOCIAL_WORKER, "essote-tyoikaisten-sosiaalipalvelut"),
    ("kalle.kipina", "Kalle", "Kinnunen", Role.SOCIAL_COUNSELLOR, "essote-osaamiskeskus-kipina"),
    ("mirja.manager", "Mirja", "Mattila", Role.MANAGER, "essote-tyoikaisten-sosiaalipalvelut"),
    # The work-activity unit's own social counsellor: its clients are the unit's, so the
    # demo manager's second role (leading that unit) has a caseload to look after.
    ("sari.tyotoiminta", "Sari", "Salonen", Role.SOCIAL_COUNSELLOR, "hki-tyotoiminta-itakeskus"),
]

# Partners and coaches on the care teams of the generated caseload, chosen by the
# client's running number so that a re-run picks the same clients:
# worker whose clients, member, team role, every n-th client (remainder), note.
PARTNER_MEMBERSHIPS = [
    (
        "social_counsellor",
        "health_professional",
        TeamRole.SOTE_CONTACT,
        (4, 1),
        "Terveydenhoitaja, työkyvyn tuki",
    ),
    (
        "social_worker",
        "health_professional",
        TeamRole.SOTE_CONTACT,
        (8, 3),
        "Terveydenhoitaja, terveystarkastus",
    ),
    (
        "social_worker",
        "employment_expert",
        TeamRole.OTHER,
        (5, 2),
        "Työllisyyspalveluiden asiakkuus, työnhaku",
    ),
    (
        "social_counsellor",
        "employment_expert",
        TeamRole.OTHER,
        (6, 4),
        "Työllisyyspalveluiden asiakkuus",
    ),
    ("social_counsellor", "kela_liaison", TeamRole.OTHER, (5, 0), "Kelan työkykyneuvonta"),
    ("social_worker", "kela_liaison", TeamRole.OTHER, (9, 4), "Kelan ammatillinen kuntoutus"),
    ("eeva.essote", "workshop_coach", TeamRole.COACH, (3, 0), "Nuorten työpajat"),
    ("sari.tyotoiminta", "work_coach", TeamRole.COACH, (1, 0), "Kuntouttava työtoiminta"),
]
# Memberships agreed for a time, in days from the day the demo is loaded: Kela's
# vocational rehabilitation adviser joins for the assessment (its reminder fires soon).
MEMBERSHIP_DAYS = {("social_worker", "kela_liaison"): 6, ("social_counsellor", "kela_liaison"): 90}
# Essote's youth workshops serve young adults: these clients are drawn young.
YOUNG_CLIENTS = {"eeva.essote": (3, 0)}

STORIES = [
    {
        "key": "silmu",
        "first_names": "Silmu",
        "last_name": "Suunnistaja",
        "age": 23,
        "worker": "social_worker",
        "team": [("work_coach", TeamRole.COACH)],
        "plan": (
            "activation_plan",
            "Mietin, opiskelenko vai menenkö töihin. Haluan tietää, mitä osaan.",
            [
                "Selvitän, mikä ala kiinnostaa: opiskelu vai työ",
                "Hankin hygieniapassin",
                "Kokeilen palkkatyötä Jobcenterissä",
            ],
        ),
        "needs": [],
        "contact": ContactMethod.TEXT_MESSAGE,
    },
    {
        "key": "tuisku",
        "first_names": "Tuisku",
        "last_name": "Tietävä",
        "age": 35,
        "worker": "social_worker",
        "team": [("job_coach", TeamRole.COACH)],
        "plan": (
            "client_plan",
            "Tiedän, mitä haluan: työn varastolta. Tarvitsen tukea työnhakuun ja työpaikalle.",
            [
                "Löydän varastotyön avoimilta työmarkkinoilta",
                "Pärjään työpaikalla työhönvalmentajan tuella",
            ],
        ),
        "needs": [],
        "contact": ContactMethod.PHONE_CALL,
    },
    {
        "key": "ritva",
        "first_names": "Ritva",
        "last_name": "Rantanen",
        "age": 47,
        "worker": "eeva.essote",
        "team": [],
        "plan": (
            "client_plan",
            "Ryhmä tuo päiviin rytmiä. Haluaisin tehdä vapaaehtoistyötä.",
            ["Osallistun ryhmään kerran viikossa", "Kokeilen vapaaehtoistyötä kirpputorilla"],
        ),
        "needs": [],
        "contact": ContactMethod.LETTER,
    },
    {
        "key": "onni",
        "first_names": "Onni",
        "last_name": "Orava",
        "age": 31,
        "worker": "kalle.kipina",
        "team": [],
        "plan": (
            "client_plan",
            "Tykkään kahvilasta. Haluan tehdä töitä siellä.",
            ["Teen kahvilassa töitä kolme päivää viikossa", "Opin käyttämään astianpesukonetta"],
        ),
        "needs": ["picture_support", "plain_language"],
        "contact": ContactMethod.IN_PERSON,
    },
    {
        "key": "kaarina",
        "first_names": "Kaarina",
        "last_name": "Koivisto",
        "age": 52,
        "worker": "social_counsellor",
        "team": [("health_professional", TeamRole.SOTE_CONTACT)],
        "plan": (
            "work_ability_support_plan",
            "Selkä ja mieliala rajoittavat. Toimeentulo ja asunto huolettavat.",
            ["Työkyky selvitetään", "Asumisen tilanne ratkeaa", "Toimeentulo on turvattu"],
        ),
        "needs": [],
        "contact": ContactMethod.PHONE_CALL,
    },
]

# The caseload's preferred ways of contact in turn, some not known (the demo clients have a
# phone number but no e-mail address).
CONTACTS = [
    ContactMethod.TEXT_MESSAGE,
    ContactMethod.PHONE_CALL,
    "",
    ContactMethod.TEXT_MESSAGE,
    ContactMethod.LETTER,
    ContactMethod.IN_PERSON,
    "",
]

FIRST_NAMES = [
    "Aino",
    "Eetu",
    "Helmi",
    "Juho",
    "Leevi",
    "Lumi",
    "Niilo",
    "Oona",
    "Pihla",
    "Rasmus",
    "Sisu",
    "Venla",
    "Väinö",
    "Elli",
    "Iivari",
    "Kerttu",
    "Aleksi",
    "Minea",
    "Tapio",
    "Hilja",
]
LAST_NAMES = [
    "Aaltonen",
    "Heikkilä",
    "Järvinen",
    "Korhonen",
    "Laine",
    "Mäkelä",
    "Nieminen",
    "Ojala",
    "Peltonen",
    "Räsänen",
    "Salminen",
    "Toivonen",
    "Virtanen",
    "Ylönen",
    "Åkerlund",
    "Lindqvist",
]
NOTE_TEXTS = [
    "Tapaaminen toimistolla. Asiakas kertoi viikostaan ja toiveistaan.",
    "Puhelu: sovittiin seuraava tapaaminen ja käytiin läpi hakemukset.",
    "Verkostopalaveri työtoimintayksikössä. Tavoitteet päivitettiin yhdessä.",
    "Kotikäynti. Arjen rytmi on parantunut.",
]
# Each demo note reads as what its kind says it was.
NOTE_TEXT_BY_KIND = dict(
    zip(["meeting", "phone", "network_meeting", "home_visit"], NOTE_TEXTS, strict=True)
)


def seed() -> None:
    staff = _extra_staff()
    workers = {role: User.objects.get(email=demo_email(role)) for role in Role.values}
    workers.update(staff)
    today = timezone.localdate()
    for index, story in enumerate(STORIES):
        rng = _rng(index)
        client = _client(
            rng,
            index,
            story["first_names"],
            story["last_name"],
            story["age"],
            workers[story["worker"]],
            needs=story["needs"],
            contact=story["contact"],
        )
        for member, role in story["team"]:
            _member(client, workers[member], role)
        plan_type, view, goals = story["plan"]
        _plan(client, workers[story["worker"]], plan_type, view, goals, today)
        _notes(rng, client, workers[story["worker"]], today)
        _registered_before(client, today, index)
    # A believable caseload: the social worker, the counsellor and Essote's worker.
    caseload = [
        ("social_worker", 24),
        ("social_counsellor", 16),
        ("eeva.essote", 12),
        ("kalle.kipina", 3),
        ("sari.tyotoiminta", 5),
    ]
    number = len(STORIES)
    coaches = [
        ("work_coach", TeamRole.COACH),
        ("job_coach", TeamRole.COACH),
        ("coordinator", TeamRole.WORK_PAIR),
    ]
    for worker_key, count in caseload:
        for _ in range(count):
            rng = _rng(number)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            young = _every(number, YOUNG_CLIENTS.get(worker_key))
            age = rng.randint(18, 28) if young else rng.randint(18, 63)
            client = _client(
                rng,
                number,
                first,
                last,
                age,
                workers[worker_key],
                contact=CONTACTS[number % len(CONTACTS)],
            )
            for owner, member, role, every, note in PARTNER_MEMBERSHIPS:
                if owner == worker_key and _every(number, every):
                    _member(
                        client,
                        workers[member],
                        role,
                        added_by=workers[owner],
                        note=note,
                        days=MEMBERSHIP_DAYS.get((owner, member)),
                    )
            number += 1
            if worker_key in ("social_worker", "social_counsellor") and rng.random() < 0.5:
                member, role = rng.choice(coaches)
                _member(client, workers[member], role)
            written_on = None
            if rng.random() < 0.85:
                written_on = today - datetime.timedelta(days=rng.randint(0, 200))
                _plan(
                    client,
                    workers[worker_key],
                    "client_plan",
                    "Haluan löytää oman polkuni kohti työtä.",
                    ["Arjen rytmi säilyy", "Löydän sopivan palvelun"],
                    written_on,
                )
            _notes(rng, client, workers[worker_key], today)
            _registered_before(client, written_on or today, number - 1)


def _every(number: int, every: tuple[int, int] | None) -> bool:
    return every is not None and number % every[0] == every[1]


def _rng(number: int) -> random.Random:
    """Each demo client draws from its own seeded generator, so a re-run draws the same values."""
    return random.Random(20261124 + number)


def _extra_staff() -> dict:
    staff = {}
    for key, first, last, role, unit_slug in EXTRA_STAFF:
        unit = Unit.objects.select_related("organisation").get(slug=unit_slug)
        user, created = User.objects.get_or_create(
            email=f"{key}@demo.polku.test",
            defaults={"first_name": first, "last_name": last, "organisation": unit.organisation},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
            )
        RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
        staff[key] = user
    return staff


def _client(rng, number, first, last, age, worker, *, needs=(), contact="") -> Client:
    today = timezone.localdate()
    birth = today - datetime.timedelta(days=age * 365 + rng.randint(20, 340))
    phone, street, postal = rng.randint(1000000, 9999999), rng.randint(1, 99), rng.randint(100, 990)
    # Found again by name and worker: the birth date (and so the code) moves with today's date.
    existing = (
        Client.objects.filter(first_names=first, last_name=last, created_by=worker)
        .order_by("pk")
        .first()
    )
    if existing:
        return existing
    code = demo_identity_code(birth, 900 + number % 100)
    unit = worker.role_assignments.order_by("pk").first().unit
    helsinki = unit.organisation.slug.startswith("helsinki")
    client = Client(
        identity_code_encrypted=identity.encrypt(code),
        identity_code_hash=identity.search_hash(code),
        identity_code_masked=identity.mask(code),
        # Fictitious codes of 900-999 that stand for ordinary codes (DESIGN.md).
        identity_code_is_temporary=False,
        birth_date=birth,
        first_names=first,
        last_name=last,
        organisation=unit.organisation,
        responsible_unit=unit,
        created_by=worker,
        phone=f"040 {phone}",
        street_address=f"Demokatu {street}",
        # Helsinki's postal codes begin 00, Mikkeli's (Essote) 501.
        postal_code=f"00{postal}" if helsinki else f"50{100 + postal // 10}",
        city="Helsinki" if helsinki else "Mikkeli",
        communication_needs=list(needs),
        preferred_contact=contact,
        address_non_disclosure=number % 17 == 3,
    )
    set_search_names(client)
    client.save()
    CareTeamMembership.objects.create(
        client=client,
        user=worker,
        role=TeamRole.RESPONSIBLE_WORKER,
        organisation_id=client.responsible_unit.organisation_id,
        created_by=worker,
    )
    return client


def _member(client, user, role, *, added_by=None, note="", days=None) -> None:
    """Adds the membership once: a second run does not bring back one that has ended (the
    consents' demo ends those of partners no consent covers)."""
    if not CareTeamMembership.objects.filter(client=client, user=user, role=role).exists():
        CareTeamMembership.objects.create(
            client=client,
            user=user,
            role=role,
            organisation_id=member_organisation(client, user),
            created_by=added_by or user,
            note=note,
            valid_until=timezone.localdate() + datetime.timedelta(days=days) if days else None,
        )


def _plan(client, author, plan_type, view, goals, written_on) -> None:
    if ClientPlan.objects.filter(client=client, plan_type=plan_type).exists():
        return
    plan = ClientPlan.objects.create(
        client=client,
        plan_type=plan_type,
        status="active",
        client_view=view,
        created_by=author,
        next_review_on=add_months(written_on, 3),
        participants="Asiakas ja vastuutyöntekijä",
    )
    PlanGoal.objects.bulk_create(
        PlanGoal(plan=plan, position=i, text=text) for i, text in enumerate(goals)
    )
    # Recorded on the day it was written (created_at is set on insert).
    written_at = datetime.datetime.combine(written_on, datetime.time(13))
    ClientPlan.objects.filter(pk=plan.pk).update(created_at=timezone.make_aware(written_at))


def _registered_before(client, day, number) -> None:
    """A client registered today gets a believable past: registered some weeks before `day`
    (their first plan's, or today) and before their first note, so the manager's report
    shows real lead times (pathways' demo moves it before the first step, too). A later run
    changes no client registered on an earlier day."""
    if timezone.localtime(client.created_at).date() != timezone.localdate():
        return
    first_note = client.notes.order_by("written_on").values_list("written_on", flat=True).first()
    day = min(day, first_note or day)
    register_on(client, day - datetime.timedelta(days=random.Random(number * 7 + 1).randint(5, 45)))


def register_on(client, day) -> None:
    """The demo client as registered on `day`, its first responsible worker from then."""
    registered_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    Client.objects.filter(pk=client.pk).update(created_at=registered_at)
    first = (
        CareTeamMembership.objects.filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .order_by("pk")
        .first()
    )
    if first and first.started_on > day:
        CareTeamMembership.objects.filter(pk=first.pk).update(started_on=day)


def _notes(rng, client, author, today) -> None:
    if CaseNote.objects.filter(client=client).exists():
        return
    for days_ago in sorted(rng.sample(range(1, 120), 3), reverse=True):
        kind = rng.choice(list(NOTE_TEXT_BY_KIND))
        rng.choice(NOTE_TEXTS)  # drawn as before, so the rest of the demo stays as it was
        CaseNote.objects.create(
            client=client,
            author=author,
            written_on=today - datetime.timedelta(days=days_ago),
            kind=kind,
            text=NOTE_TEXT_BY_KIND[kind],
        )
