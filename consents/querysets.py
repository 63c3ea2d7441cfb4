"""Reads of consents and statutory bases.

`in_force(at)` is the one statement of "valid at this moment" that the
coverage function, the coverage panel and the lists share.
"""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


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
        longer covers), and `at`'s day within valid_from..valid_until. An oral
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
        )

    def naming(self, organisation):
        """Versions whose parties include the organisation, by name or by its kind."""
        from consents.models import ConsentParty

        return self.filter(
            Exists(
                ConsentParty.objects.filter(consent=OuterRef("pk")).filter(
                    Q(organisation=organisation) | Q(organisation_kind=organisation.kind)
                )
            )
        )

    def expiring(self, today: datetime.date, days: int):
        """Current, unrevoked, written consents whose last day is within `days` from today."""
        return (
            self.current()
            .not_revoked()
            .exclude(method="oral")
            .filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days))
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
