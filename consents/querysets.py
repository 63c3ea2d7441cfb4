"""Reads of consents and statutory bases.

`in_force(at)` is the one statement of "valid at this moment" that the
coverage function, the coverage panel and the lists share.
"""

import datetime

from django.db import models
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, When
from django.utils import timezone

from clients.majority import LastDayAsMinor, adults_born_by

# GiverKind.GUARDIAN (consents.models imports this module).
GUARDIAN = "guardian"


def given_for_a_minor_on(day: datetime.date) -> Q:
    """Versions whose giver may consent for the client on `day`: any giver but a guardian, and
    a guardian (huoltaja) only while the client is a minor. From the client's 18th birthday
    on a guardian's consent covers nothing, whatever its own last day: the client consents
    for themself (clients.majority counts the birthday as Client.age_on does)."""
    return ~Q(giver_kind=GUARDIAN) | Q(client__birth_date__gt=adults_born_by(day))


def ends_at_majority() -> Q:
    """Guardian's versions that would run past the client's last day as a minor (until
    further notice, or to a later day): they end on that day instead (`in_force`)."""
    return Q(giver_kind=GUARDIAN) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=LastDayAsMinor(F("client__birth_date")))
    )


class ConsentQuerySet(models.QuerySet):
    def current(self):
        """The newest version of each consent (revoked ones included)."""
        return self.filter(superseded_at__isnull=True)

    def not_revoked(self):
        return self.filter(revoked_at__isnull=True)

    def in_force(self, at: datetime.datetime | None = None):
        """Versions that allowed disclosures at the moment `at` (default: now).

        Recorded by then, neither superseded nor revoked by then (a revocation
        takes effect at the moment it is recorded, so `revoked_at == at` no
        longer covers), and `at`'s day within valid_from..valid_until; a guardian's
        consent only until the day before the client's 18th birthday
        (`given_for_a_minor_on`), whatever its valid_until says. An oral
        consent is given at its event and may be recorded after it the same day
        (the database holds it to that day): it counts from its event on, so a
        disclosure made during a call and logged with the consent after hanging up
        is covered (coverage still holds it to the event's times).
        """
        at = at or timezone.now()
        day = timezone.localdate(at)
        return self.filter(
            Q(recorded_at__lte=at) | Q(method="oral"),
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=at),
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
            Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            given_for_a_minor_on(day),
        )

    def naming(self, organisation):
        """Versions whose parties include the organisation, by name or by its kind."""
        return self.naming_party(organisation, organisation.kind)

    def naming_party(self, organisation, kind):
        """Versions whose parties include `organisation` by name or name its `kind` (values,
        or expressions such as another consent's party: consents.majority)."""
        from consents.models import ConsentParty

        return self.filter(
            Exists(
                ConsentParty.objects.filter(consent=OuterRef("pk")).filter(
                    Q(organisation=organisation) | Q(organisation_kind=kind)
                )
            )
        )

    def expiring(self, today: datetime.date, days: int):
        """Current, unrevoked, written consents whose last day is within `days` from today.
        Not a guardian's consent that ends earlier, when the client comes of age
        (`ending_at_majority`)."""
        return (
            self.current()
            .not_revoked()
            .exclude(method="oral")
            .filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days))
            .exclude(ends_at_majority())
        )

    def ending_at_majority(self, today: datetime.date, days: int):
        """Current, unrevoked, written guardian's consents that end, within `days` from today,
        on the day before the client's 18th birthday rather than on their own last day
        (`ends_at_majority`), annotated with that day (`last_day`)."""
        return (
            self.current()
            .not_revoked()
            .exclude(method="oral")
            .filter(ends_at_majority())
            .annotate(last_day=LastDayAsMinor(F("client__birth_date")))
            .filter(last_day__gte=today, last_day__lte=today + datetime.timedelta(days=days))
        )

    def ending(self, today: datetime.date, days: int):
        """`expiring` and `ending_at_majority` together, in one read: current, unrevoked,
        written versions whose last day (`ends_on`: the day before the client's 18th
        birthday for a guardian's consent that ends then, else `valid_until`) is within
        `days` from today. `Consent.ends_at_majority` tells which (reads the client)."""
        last_day = Case(
            When(ends_at_majority(), then=LastDayAsMinor(F("client__birth_date"))),
            default=F("valid_until"),
            output_field=DateField(),
        )
        return (
            self.current()
            .not_revoked()
            .exclude(method="oral")
            .annotate(ends_on=last_day)
            .filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days))
        )

    def of_responsible_worker(self, user):
        """Consents of the clients whose current responsible worker `user` is, while acting
        in a role that fits it (as the client page reads the membership)."""
        from clients.models import CareTeamMembership, TeamRole

        return self.filter(
            Exists(
                CareTeamMembership.objects.acting(user).filter(
                    client=OuterRef("client"), role=TeamRole.RESPONSIBLE_WORKER
                )
            )
        )


class ConsentScanQuerySet(models.QuerySet):
    def available(self):
        from consents.models import AVAILABLE_SCAN_STATUSES

        return self.filter(status__in=AVAILABLE_SCAN_STATUSES)


class StatutoryBasisQuerySet(models.QuerySet):
    def not_ended(self):
        return self.filter(ended_at__isnull=True)

    def in_force(self, at: datetime.datetime | None = None):
        at = at or timezone.now()
        day = timezone.localdate(at)
        return self.filter(
            Q(recorded_at__lte=at),
            Q(ended_at__isnull=True) | Q(ended_at__gt=at),
            Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def naming(self, organisation):
        return self.filter(Q(organisation=organisation) | Q(organisation_kind=organisation.kind))
