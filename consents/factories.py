"""Consent factories with named states, shared by tests and the demo data."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clients.factories import ClientFactory
from consents.models import (
    EVENT_KINDS_TIMED_BY_SOURCE,
    EVENT_TIME_ZONE,
    Consent,
    ConsentFormType,
    ConsentMethod,
    ConsentParty,
    GiverKind,
    InformationCategory,
    OralEventKind,
    Purpose,
    StatutoryBasis,
)
from services.factories import OrganisationFactory
from services.models import Organisation, OrganisationKind

# The smallest files each allowed type starts as (magic bytes and a little body).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
# What a Windows executable starts as.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

ORDINARY = [
    InformationCategory.IDENTITY,
    InformationCategory.PATHWAY,
    InformationCategory.INCOME,
    InformationCategory.WORK_CAPACITY,
]


def kela() -> Organisation:
    """Kela: the demo's organisation when it exists, else one made for the test."""
    return Organisation.objects.filter(kind=OrganisationKind.KELA).order_by(
        "pk"
    ).first() or OrganisationFactory(kela=True, slug="kela")


def acting(user):
    """The user acting in their first role, as the request middleware would set it."""
    user.active_assignment = user.role_assignments.select_related("unit").order_by("pk").first()
    return user


def event_hour(day: datetime.date) -> dict[str, datetime.datetime]:
    """The start and end of an hour-long oral-consent event on `day` (Helsinki time): from
    half an hour ago when `day` is today, kept within the day; 9 to 10 on another day."""
    now = timezone.localtime(timezone.now(), EVENT_TIME_ZONE)
    minute = now.hour * 60 + now.minute if day == now.date() else 9 * 60 + 30
    start = min(max(minute - 30, 0), 23 * 60)
    end = start + 60
    times = (
        datetime.time(start // 60, start % 60),
        datetime.time(end // 60, end % 60) if end < 24 * 60 else datetime.time.max,
    )
    return {
        "event_starts_at": datetime.datetime.combine(day, times[0], tzinfo=EVENT_TIME_ZONE),
        "event_ends_at": datetime.datetime.combine(day, times[1], tzinfo=EVENT_TIME_ZONE),
    }


def _event_hour(o, bound: str) -> datetime.datetime | None:
    # None for a session (it has times of its own) and without an event.
    if not o.event_kind or o.event_kind in EVENT_KINDS_TIMED_BY_SOURCE or not o.event_date:
        return None
    return event_hour(o.event_date)[bound]


def _recorded_at(day: datetime.date) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    return min(moment, timezone.now())


class ConsentFactory(factory.django.DjangoModelFactory):
    """A written Kela Y 100 signed 30 days ago, in force until further notice, naming
    Kela and every employment-services organisation, for every purpose but health
    care and every category but health. Named states: `expired`, `upcoming`,
    `with_health`, `oral` (a call with Kela today, from half an hour ago to half an
    hour ahead), `by_guardian`, `county_form`."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    class Params:
        today = factory.LazyFunction(timezone.localdate)
        expired = factory.Trait(
            signed_on=factory.LazyAttribute(lambda o: o.today - datetime.timedelta(days=400)),
            valid_until=factory.LazyAttribute(lambda o: o.today - datetime.timedelta(days=35)),
        )
        upcoming = factory.Trait(
            valid_from=factory.LazyAttribute(lambda o: o.today + datetime.timedelta(days=7))
        )
        with_health = factory.Trait(
            categories=[*ORDINARY, InformationCategory.HEALTH], health_confirmed=True
        )
        oral = factory.Trait(
            method=ConsentMethod.ORAL,
            form="",
            event_kind=OralEventKind.KELA_CALL,
            event_name="Puhelu Kelan työkykyneuvojan kanssa",
            event_date=factory.SelfAttribute("today"),
            event_reference="",
            event_starts_at=factory.LazyAttribute(lambda o: _event_hour(o, "event_starts_at")),
            event_ends_at=factory.LazyAttribute(lambda o: _event_hour(o, "event_ends_at")),
            signed_on=factory.SelfAttribute("today"),
            valid_from=factory.SelfAttribute("today"),
            valid_until=factory.SelfAttribute("today"),
        )
        by_guardian = factory.Trait(
            giver_kind=GiverKind.REPRESENTATIVE,
            giver_name="Eeva Edunvalvoja",
            giver_basis="Edunvalvojan määräys, Helsingin käräjäoikeus 3.2.2024",
        )
        county_form = factory.Trait(form=ConsentFormType.COUNTY_FORM)

    client = factory.SubFactory(ClientFactory)
    method = ConsentMethod.SIGNATURE
    form = ConsentFormType.KELA_Y100
    purposes = factory.LazyFunction(
        lambda: [
            Purpose.SERVICE_PLANNING,
            Purpose.CASE_CONSULTATION,
            Purpose.KELA_BENEFITS,
            Purpose.EMPLOYMENT_SERVICES,
        ]
    )
    categories = factory.LazyFunction(lambda: list(ORDINARY))
    health_confirmed = False
    signed_on = factory.LazyAttribute(lambda o: o.today - datetime.timedelta(days=30))
    valid_from = factory.SelfAttribute("signed_on")
    valid_until = None
    recorded_at = factory.LazyAttribute(lambda o: _recorded_at(o.signed_on))
    recorded_by = factory.LazyAttribute(lambda o: o.client.created_by)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        """`parties=[organisation or kind, ...]`; by default Kela and employment services."""
        if not create:
            return
        if extracted is None:
            extracted = [kela(), OrganisationKind.EMPLOYMENT_SERVICES]
        add_parties(self, extracted)


def add_parties(consent: Consent, parties) -> None:
    ConsentParty.objects.bulk_create(
        ConsentParty(consent=consent, organisation=party)
        if isinstance(party, Organisation)
        else ConsentParty(consent=consent, organisation_kind=party)
        for party in parties
    )


class StatutoryBasisFactory(factory.django.DjangoModelFactory):
    """Kela's right to the information it needs for a benefit decision."""

    class Meta:
        model = StatutoryBasis

    client = factory.SubFactory(ClientFactory)
    organisation = None
    organisation_kind = OrganisationKind.KELA
    statute = "Laki Kansaneläkelaitoksen etuuksista 1099/2022 (esimerkki)"
    purposes = factory.LazyFunction(lambda: [Purpose.KELA_BENEFITS])
    categories = factory.LazyFunction(lambda: [InformationCategory.INCOME])
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    recorded_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    recorded_by = factory.LazyAttribute(lambda o: o.client.created_by)


def upload(content: bytes = PDF_BYTES, name: str = "y100.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_scan(consent: Consent, by, content: bytes = PDF_BYTES, name: str = "y100.pdf"):
    """A scan attached through the action, so the file exists where the download looks."""
    from consents.actions import attach_scan

    return attach_scan(consent=consent, uploaded=upload(content, name), uploaded_by=acting(by))
