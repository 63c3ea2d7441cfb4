"""Joining a client's care team from another organisation is a disclosure: clients asks,
through the hook in clients.team_scope, and the consents enforcement function answers.
When nothing covers such a member any longer, their membership ends."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from audit.history import history_context
from clients.team_scope import TeamCoverage
from consents.coverage import DisclosureNotCovered, disclosure_basis, record_disclosure
from consents.models import InformationCategory, Purpose


def team_coverage() -> TeamCoverage:
    """The coverage ConsentsConfig.ready() registers with clients.team_scope: joining a
    client's team discloses identity, pathway and plans (and health data to a role that
    reads health-related notes) for service planning and coordination, decided and logged
    by consents.coverage."""

    def categories(health: bool) -> list[str]:
        ordinary = [InformationCategory.IDENTITY, InformationCategory.PATHWAY]
        return [*ordinary, InformationCategory.HEALTH] if health else ordinary

    def covered(client, organisations, *, health: bool) -> set[int]:
        return {
            organisation.pk
            for organisation in organisations
            if disclosure_basis(
                client=client,
                organisation=organisation,
                category=categories(health),
                purpose=Purpose.SERVICE_PLANNING,
            )
            is not None
        }

    def disclose(*, actor, client, organisation, recipient, health: bool) -> bool:
        try:
            record_disclosure(
                actor=actor,
                client=client,
                organisation=organisation,
                category=categories(health),
                purpose=Purpose.SERVICE_PLANNING,
                channel="care_team",
                recipient_user=recipient,
                recipient_description="Omatiimin jäsen",
            )
        except DisclosureNotCovered:
            return False
        return True

    return TeamCoverage(covered=covered, disclose=disclose)


MEMBER_UNCOVERED_TASK = "consents.member_uncovered"
ENDED_UNCOVERED = "consents.membership.ended_uncovered"


def end_uncovered_memberships(*, clients=None, ended_by=None, notify: bool = True) -> int:
    """Ends today the care-team memberships of people of other organisations whom nothing
    covers any longer: the client's consent was revoked, changed or ran out, or the
    statutory basis ended. Access stops with the membership (clients.access).

    A member counts as of another organisation when they hold a current role there and
    none in the client's organisation. `clients` limits the check to those clients (a
    revocation, a change); without it every client is checked (daily from Celery beat,
    after a consent's last day). Each ending is in the membership's history; with
    `ended_by` it is logged on the client's access log too, and with `notify` the
    responsible worker gets a task to tell the member. Returns how many ended.
    """
    from accounts.models import RoleAssignment
    from clients.access import log_client_access
    from clients.models import CareTeamMembership, TeamRole
    from clients.team_scope import check_member
    from consents.actions import responsible_worker_of
    from notifications.actions import create_task

    coverage = team_coverage()
    roles = RoleAssignment.objects.current()
    own = roles.filter(
        user=OuterRef("user"), unit__organisation=OuterRef("client__responsible_unit__organisation")
    )
    elsewhere = roles.filter(user=OuterRef("user")).exclude(
        unit__organisation=OuterRef("client__responsible_unit__organisation")
    )
    memberships = (
        CareTeamMembership.objects.current()
        .exclude(role=TeamRole.RESPONSIBLE_WORKER)
        .filter(Exists(elsewhere), ~Exists(own))
        .select_related("client__responsible_unit", "user")
        .order_by("pk")
    )
    if clients is not None:
        memberships = memberships.filter(client__in=clients)
    today = timezone.localdate()
    ended = 0
    for membership in memberships:
        client, member = membership.client, membership.user
        try:
            others = check_member(client=client, user=member, role=membership.role)
        except ValidationError:
            others = []  # no current role left through which they could be on the team
        covered = [
            other
            for other in others
            if coverage.covered(client, [other.organisation], health=other.health)
        ]
        if covered:
            continue
        with history_context(ended_by, ENDED_UNCOVERED):
            membership.ended_on = max(today, membership.started_on)
            membership.save(update_fields=["ended_on"])
        names = ", ".join(str(other.organisation) for other in others) or str(member)
        if ended_by is not None:
            log_client_access(ended_by, client, ENDED_UNCOVERED, membership, detail=names)
        worker = responsible_worker_of(client)
        if notify and worker is not None:
            create_task(
                assignee=worker,
                kind=MEMBER_UNCOVERED_TASK,
                title=format_lazy(
                    gettext_lazy(
                        "{name} ei ole enää asiakkaan tiimissä: suostumus ei kata "
                        "organisaatiota {organisation}. Kerro hänelle."
                    ),
                    name=member.get_full_name(),
                    organisation=names,
                ),
                client_id=client.uuid,
                link=f"/clients/{client.uuid}/",
                created_by=ended_by,
                key=f"{MEMBER_UNCOVERED_TASK}:{membership.pk}",
            )
        ended += 1
    return ended
