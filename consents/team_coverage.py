"""Joining a client's care team from another organisation is a disclosure: clients asks,
through the hook in clients.team_scope, and the consents enforcement function answers."""

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
