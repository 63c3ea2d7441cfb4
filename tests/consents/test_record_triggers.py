"""No setting switches the consent tables' triggers off (consents migration 0006).

django-pgtrigger's triggers skipped themselves for the names a transaction put in
`pgtrigger.ignore`, which any role may set; these read no setting, and refuse TRUNCATE.
"""

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from consents.factories import ConsentFactory, StatutoryBasisFactory
from consents.models import Consent, ConsentParty, StatutoryBasis

pytestmark = pytest.mark.django_db

# The names the old pgtrigger triggers had, and the new ones.
NAMES = [
    "consent_content_read_only",
    "consent_not_deleted",
    "consent_party_append_only",
    "statutory_basis_read_only",
    "statutory_basis_not_deleted",
]
OLD_IDS = ["cd283", "19e64", "24c21", "c210f", "45c43"]
OLD_NAMES = [f"pgtrigger_{name}_{pgid}" for name, pgid in zip(NAMES, OLD_IDS, strict=True)]
IGNORED = "{" + ",".join(NAMES + OLD_NAMES) + "}"


def run_refused(sql, params, match):
    with (
        pytest.raises(ProgrammingError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL pgtrigger.ignore = %s", [IGNORED])
        cursor.execute(sql, params)


def test_the_pgtrigger_ignore_setting_does_not_open_a_consent(team, parties):
    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    party = consent.parties.get()
    basis = StatutoryBasisFactory(client=team["client"])
    run_refused(
        "UPDATE consents_consent SET purpose_description = 'muutettu' WHERE id = %s",
        [consent.pk],
        "Cannot update rows from consents_consent table",
    )
    run_refused(
        "DELETE FROM consents_consent WHERE id = %s",
        [consent.pk],
        "Cannot delete rows from consents_consent table",
    )
    run_refused(
        "DELETE FROM consents_consentparty WHERE id = %s",
        [party.pk],
        "Cannot update or delete rows from consents_consentparty table",
    )
    run_refused(
        "UPDATE consents_statutorybasis SET statute = 'Muu laki' WHERE id = %s",
        [basis.pk],
        "Cannot update rows from consents_statutorybasis table",
    )
    assert Consent.objects.get(pk=consent.pk).purpose_description != "muutettu"
    assert ConsentParty.objects.filter(pk=party.pk).exists()


def test_what_may_change_still_changes(team):
    """Superseding, revoking and ending write only the columns the triggers leave open."""
    consent = ConsentFactory(client=team["client"])
    Consent.objects.filter(pk=consent.pk).update(superseded_at=timezone.now())
    basis = StatutoryBasisFactory(client=team["client"])
    StatutoryBasis.objects.filter(pk=basis.pk).update(
        ended_at=timezone.now(), ended_by=team["worker"]
    )
    assert StatutoryBasis.objects.get(pk=basis.pk).ended_by == team["worker"]


@pytest.mark.parametrize(
    "table", ["consents_consent", "consents_consentparty", "consents_statutorybasis"]
)
def test_truncate_is_refused(team, parties, table):
    ConsentFactory(client=team["client"], parties=[parties["kela"]])
    StatutoryBasisFactory(client=team["client"])
    connection.check_constraints()  # the test's deferred foreign-key checks first
    with (
        pytest.raises(ProgrammingError, match=f"from {table} table"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
