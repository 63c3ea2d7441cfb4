"""Demo consents (DOMAIN.md "Demo stories"): most demo clients have a Kela Y 100;
some have expired, a few end soon, one is revoked (its notification tasks
open for the responsible worker), one client gave an oral consent for an
hour-long call with Kela going on as the demo is seeded, and Kaarina
Koivisto's consent covers employment services and health care but not Kela,
so the Kela liaison sees her case pseudonymously.

Safe to run again: a client who already has a consent is left as it is. Runs
after the clients' demo data; without clients or without Kela it does nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import CareTeamMembership, Client, TeamRole
from consents import actions, events
from consents.factories import ConsentFactory, acting, add_parties, event_hour
from consents.models import (
    Consent,
    ConsentFormType,
    ConsentMethod,
    GiverKind,
    InformationCategory,
    OralEventKind,
    Purpose,
    RevocationMethod,
)
from consents.team_coverage import CARE_TEAM_CHANNEL, end_uncovered_memberships
from services.models import Organisation, OrganisationKind

WRITTEN_PURPOSES = [
    Purpose.SERVICE_PLANNING,
    Purpose.CASE_CONSULTATION,
    Purpose.KELA_BENEFITS,
    Purpose.EMPLOYMENT_SERVICES,
]
# The demo social worker's clients come first, so her dashboard and inbox show the stories.
FEATURED_WORKER_EMAIL = "social_worker@demo.polku.test"


def _worker(client: Client):
    membership = (
        CareTeamMembership.objects.current()
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("user")
        .first()
    )
    return acting(membership.user if membership else client.created_by)


def _employment_services(client: Client):
    """The employment services of the client's own region when the demo has them."""
    region = client.responsible_unit.organisation.slug.split("-")[0]
    services = Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_SERVICES)
    return (
        services.filter(slug__startswith=region).order_by("pk").first()
        or services.order_by("pk").first()
        or OrganisationKind.EMPLOYMENT_SERVICES
    )


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@transaction.atomic
def seed() -> None:
    kela = Organisation.objects.filter(kind=OrganisationKind.KELA).order_by("pk").first()
    clients = list(Client.objects.select_related("responsible_unit__organisation").order_by("pk"))
    if kela is None or not clients:
        return
    # Stories are dealt over every client in a fixed order, so a second run deals the
    # same ones and skips the clients that have a consent already.
    done = set(Consent.objects.values_list("client_id", flat=True))
    today = timezone.localdate()
    named = {(c.first_names, c.last_name): c for c in clients}

    kaarina = named.pop(("Kaarina", "Koivisto"), None)
    if kaarina is not None and kaarina.pk not in done:
        # The complex case: employment services and health care, health data ticked; not Kela.
        ConsentFactory(
            client=kaarina,
            recorded_by=_worker(kaarina),
            signed_on=today - _days(45),
            purposes=[
                Purpose.SERVICE_PLANNING,
                Purpose.CASE_CONSULTATION,
                Purpose.EMPLOYMENT_SERVICES,
                Purpose.HEALTH_CARE,
            ],
            with_health=True,
            parties=[_employment_services(kaarina), OrganisationKind.HEALTH_CARE],
        )
    onni = named.pop(("Onni", "Orava"), None)
    if onni is not None and onni.pk not in done:
        ConsentFactory(
            client=onni,
            recorded_by=_worker(onni),
            form=ConsentFormType.COUNTY_FORM,
            giver_kind=GiverKind.REPRESENTATIVE,
            giver_name="Leena Orava",
            giver_basis="Edunvalvoja, Etelä-Savon käräjäoikeuden päätös 14.3.2022",
            signed_on=today - _days(120),
            parties=[kela, _employment_services(onni)],
        )

    def featured_first(client: Client) -> tuple:
        worker = _worker(client)
        return (worker.email != FEATURED_WORKER_EMAIL, client.pk)

    rest = sorted(named.values(), key=featured_first)
    revoked_exists = Consent.objects.filter(revoked_at__isnull=False).exists()
    oral_exists = Consent.objects.filter(method=ConsentMethod.ORAL).exists()
    for index, client in enumerate(rest):
        story = index % 8
        if story == 7 or client.pk in done:
            continue  # no consent: the coverage panel says nothing may be disclosed
        worker = _worker(client)
        employment = _employment_services(client)
        if story == 3:
            ConsentFactory(
                client=client, recorded_by=worker, expired=True, parties=[kela, employment]
            )
            continue
        if story == 2 and not oral_exists:
            oral_exists = True
            oral = Consent.objects.create(
                client=client,
                recorded_by=worker,
                method=ConsentMethod.ORAL,
                purposes=[Purpose.KELA_BENEFITS],
                categories=[InformationCategory.IDENTITY, InformationCategory.WORK_CAPACITY],
                signed_on=today,
                valid_from=today,
                valid_until=today,
                event_kind=OralEventKind.KELA_CALL,
                event_name="Puhelu Kelan työkykyneuvojan kanssa kuntoutuksesta",
                event_date=today,
                event_reference=events.own_reference(OralEventKind.KELA_CALL),
                # The call is going on as the demo is seeded, and covers nothing after it.
                **event_hour(today),
            )
            add_parties(oral, [kela])
            continue
        consent = ConsentFactory(
            client=client,
            recorded_by=worker,
            method=ConsentMethod.E_SIGNATURE if story == 6 else ConsentMethod.SIGNATURE,
            purposes=WRITTEN_PURPOSES,
            signed_on=today - _days(20 + (index * 11) % 300),
            # Some end soon: the responsible worker's dashboard lists them.
            valid_until=today + _days(5 + index % 20) if story == 4 else None,
            parties=[kela, employment],
        )
        if story == 1 and not revoked_exists:
            revoked_exists = True
            actions.revoke_consent(
                consent=consent,
                revoked_by=worker,
                revoked_on=today - _days(1),
                method=RevocationMethod.PHONE,
                through="Asiakas itse puhelimessa vastuutyöntekijälle",
            )
    # Members of other organisations stay on a team only where a consent covers them, and
    # their joining is in the disclosure log, as when added through the team page.
    end_uncovered_memberships(notify=False)
    _log_partners_joining()


def _log_partners_joining() -> None:
    """A disclosure-log row for each partner on a team without one (once: a second run
    finds the rows)."""
    from audit.models import DisclosureLogEntry
    from clients.querysets import responsible_worker_of
    from clients.team_scope import check_member, team_coverage

    coverage = team_coverage()
    logged = set(
        DisclosureLogEntry.objects.filter(channel=CARE_TEAM_CHANNEL).values_list(
            "client_id", "recipient_user_id"
        )
    )
    memberships = (
        CareTeamMembership.objects.current()
        .exclude(role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("client__responsible_unit", "user")
        .order_by("pk")
    )
    for membership in memberships:
        client, member = membership.client, membership.user
        if (client.uuid, member.pk) in logged:
            continue
        try:
            others = check_member(client=client, user=member, role=membership.role)
        except ValidationError:
            continue
        worker = responsible_worker_of(client)
        for other in others if worker is not None else ():
            if coverage.disclose(
                actor=acting(worker),
                client=client,
                organisation=other.organisation,
                recipient=member,
                health=other.health,
            ):
                break
