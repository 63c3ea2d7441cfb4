"""Reads of networks, sessions and requests. Who may see what is stated here once
(`run_by`, `for_user`, `in_queue_of`) and used by access.py, lists and panels."""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

COORDINATOR = "coordinator"


def _active_organisation_id(user):
    assignment = getattr(user, "active_assignment", None)
    return assignment.unit.organisation_id if assignment else None


def is_coordinator(user) -> bool:
    return bool(
        user and user.is_authenticated and getattr(user, "active_role", None) == COORDINATOR
    )


class NetworkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def run_by(self, user):
        """Networks the user runs in their active role.

        A coordinator runs the networks of their own organisation (the
        convening organisation leads) and the networks they are a current
        member of: Helsinki's work-ability coordinators run the employment
        services' case consultations too, as members of that network.
        """
        if not is_coordinator(user):
            return self.none()
        from consultations.models import NetworkMember

        member = NetworkMember.objects.active_on(timezone.localdate()).filter(
            network=OuterRef("pk"), user=user
        )
        return self.filter(
            Q(convening_organisation_id=_active_organisation_id(user)) | Q(Exists(member))
        )

    def serving(self, organisation_id: int):
        """Networks the organisation's clients are brought to: those it convenes and those
        it takes part in through a current member it nominated itself (as in_queue_of)."""
        from consultations.models import NetworkMember

        member = NetworkMember.objects.active_on(timezone.localdate()).filter(
            network=OuterRef("pk"),
            organisation_id=organisation_id,
            nominated_by_own_organisation=True,
        )
        return self.filter(Q(convening_organisation_id=organisation_id) | Q(Exists(member)))


class NetworkMemberQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(
            Q(active_from__lte=day), Q(active_until__isnull=True) | Q(active_until__gte=day)
        )


class SessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        """Sessions that overlap [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(ends_at__gt=now or timezone.now())

    def open_for_cases_of(self, user):
        """Sessions `user` may place a case on: not cancelled, not yet over, of a network
        they run (the choices of the triage page, and the session the coordinator came
        from to add cases)."""
        from consultations.models import Network

        return (
            self.not_cancelled()
            .upcoming()
            .filter(network__in=Network.objects.run_by(user).values("pk"))
        )

    def discussing(self, client):
        """Sessions with one of the client's consultation requests on the agenda."""
        return self.filter(agenda__request__client=client).distinct()

    def participated_by(self, user):
        from consultations.models import SessionParticipant

        return self.filter(
            Exists(SessionParticipant.objects.seeing().filter(session=OuterRef("pk"), user=user))
        )

    def for_user(self, user):
        """Sessions the user sees: those they take part in, and as a coordinator those
        of the networks they run. Anything else (a Kela liaison's colleague's session)
        is not there at all."""
        if not user.is_authenticated or getattr(user, "active_role", None) in (
            None,
            "admin",
            "dpo",
        ):
            return self.none()
        from consultations.models import Network, SessionParticipant

        visible = Q(
            Exists(SessionParticipant.objects.seeing().filter(session=OuterRef("pk"), user=user))
        )
        if is_coordinator(user):
            visible |= Q(network__in=Network.objects.run_by(user).values("pk"))
        return self.filter(visible)


class SessionParticipantQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True)

    def seeing(self):
        """Current participations that open the session and its cases to their person.

        A presenter (ParticipantKind.PRESENTER) takes part only to bring a case of a client
        they work with, and so sees the session only while they are on the current care
        team of a client whose case is on its agenda (actions.presenters invites the one
        who asked and the responsible worker, each on the team). Taken off that team, they
        no longer work with the client and have no need to know the session's cases, not
        even pseudonymously (the others' cases show to a presenter only so:
        case_view.show_case). Who was invited (current(), the invitation lists) is not
        changed.

        A member whose membership of the network ends keeps a held session (who took part
        is a record), but from then on sees its cases only pseudonymously
        (case_view.show_case, MEMBERSHIP_ENDED).
        """
        from clients.models import CareTeamMembership
        from consultations.models import AgendaItem, ParticipantKind

        on_team = CareTeamMembership.objects.current().filter(
            client=OuterRef("request__client"), user=OuterRef(OuterRef("user"))
        )
        brings = AgendaItem.objects.filter(session=OuterRef("session")).filter(Exists(on_team))
        return self.current().filter(~Q(kind=ParticipantKind.PRESENTER) | Exists(brings))


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        from consultations.models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def in_queue_of(self, user):
        """Requests waiting for a coordinator (in their active role), and so the requests
        they may triage, place or decline (access.get_request_for_coordinator).

        - A request with a network, or with none yet but a preferred one, waits for the
          coordinators who run that network (`NetworkQuerySet.run_by`).
        - A request with neither ("the coordinator chooses") waits for the coordinators
          of the client's own organisation (that of the client's responsible unit) and
          for those who run a network that organisation takes part in (convenes it, or
          has a current member in it whom it nominated itself): the coordinators who
          could bring the case to a network the client's organisation shares. A member
          counts only if the organisation made the nomination itself
          (`NetworkMember.nominated_by_own_organisation`, fixed by add_member when
          someone acting in that organisation added them, and kept after that
          person's role ends): a coordinator who adds another organisation's worker
          to their own network does not thereby draw that organisation's requests
          into their queue. A coordinator of any other organisation does not see it,
          and its pages answer them 404.
        """
        from consultations.models import Network, NetworkMember

        if not is_coordinator(user):
            return self.none()
        run = Network.objects.run_by(user)
        client_organisation = "client__responsible_unit__organisation_id"
        member_of_client_organisation = NetworkMember.objects.active_on(
            timezone.localdate()
        ).filter(
            network=OuterRef("pk"),
            organisation_id=OuterRef(OuterRef(client_organisation)),
            nominated_by_own_organisation=True,
        )
        shared = run.filter(
            Q(convening_organisation_id=OuterRef(client_organisation))
            | Q(Exists(member_of_client_organisation))
        )
        unassigned = Q(network__isnull=True, preferred_network__isnull=True) & (
            Q(**{client_organisation: _active_organisation_id(user)}) | Q(Exists(shared))
        )
        return self.filter(
            Q(network__in=run.values("pk"))
            | Q(network__isnull=True, preferred_network__in=run.values("pk"))
            | unassigned
        )

    def of_worker(self, user):
        """Requests of the user's current clients that they asked or are responsible for
        (through memberships that fit their active role, as the client page reads them)."""
        from clients.models import CareTeamMembership, TeamRole

        team = CareTeamMembership.objects.acting(user).filter(client=OuterRef("client"))
        return self.filter(
            Exists(team.filter(role=TeamRole.RESPONSIBLE_WORKER))
            | (Q(asked_by=user) & Exists(team))
        )


class FeedTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)
