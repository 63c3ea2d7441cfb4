"""No setting switches the consent tables' triggers off (consents migration 0006), and
what they leave open changes only one way (migration 0008).

django-pgtrigger's triggers skipped themselves for the names a transaction put in
`pgtrigger.ignore`, which any role may set; these read no setting, and refuse TRUNCATE.
A revocation and a statutory basis's end are written once; a superseded version's end
only moves earlier. The writes below are raw SQL, as anyone with the table's grants
could send them.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from consents import actions
from consents.coverage import disclosure_basis
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


def revoked(consent, by):
    return actions.revoke_consent(
        consent=consent,
        revoked_by=by,
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )


def test_a_revocation_is_never_undone_or_rewritten(team, parties):
    consent = revoked(
        ConsentFactory(client=team["client"], parties=[parties["kela"]]), team["sote"]
    )
    ask = {
        "client": team["client"],
        "organisation": parties["kela"],
        "category": "identity",
        "purpose": "service_planning",
    }
    assert disclosure_basis(**ask) is None
    refused = "Cannot update rows from consents_consent table: a revocation is recorded once"
    run_refused(
        """UPDATE consents_consent SET revoked_at = NULL, revoked_on = NULL,
        revoked_by_id = NULL, revocation_method = '', revoked_through = '',
        revoked_through_organisation_id = NULL, revocation_note = '' WHERE id = %s""",
        [consent.pk],
        refused,
    )
    run_refused(
        "UPDATE consents_consent SET revoked_at = revoked_at + interval '1 day' WHERE id = %s",
        [consent.pk],
        refused,
    )
    run_refused(
        "UPDATE consents_consent SET revoked_by_id = %s, revocation_note = 'toinen' WHERE id = %s",
        [team["worker"].pk, consent.pk],
        refused,
    )
    after = Consent.objects.get(pk=consent.pk)
    assert (after.revoked_at, after.revoked_by, after.revocation_note) == (
        consent.revoked_at,
        team["sote"],
        "",
    )
    assert disclosure_basis(**ask) is None


def test_a_statutory_basis_end_is_never_undone_or_moved(team):
    basis = actions.end_statutory_basis(
        basis=StatutoryBasisFactory(client=team["client"]), ended_by=team["worker"]
    )
    refused = "Cannot update rows from consents_statutorybasis table: an end is recorded once"
    run_refused(
        "UPDATE consents_statutorybasis SET ended_at = NULL, ended_by_id = NULL WHERE id = %s",
        [basis.pk],
        refused,
    )
    run_refused(
        "UPDATE consents_statutorybasis SET ended_at = ended_at + interval '1 year' WHERE id = %s",
        [basis.pk],
        refused,
    )
    run_refused(
        "UPDATE consents_statutorybasis SET ended_by_id = %s WHERE id = %s",
        [team["sote"].pk, basis.pk],
        refused,
    )
    after = StatutoryBasis.objects.get(pk=basis.pk)
    assert (after.ended_at, after.ended_by) == (basis.ended_at, team["worker"])


def test_a_superseded_version_ends_only_earlier(team, parties):
    """A renewal signed in advance leaves the old version covering until the renewal's first
    day; that end may come sooner (a revocation or another change does so), never later, and
    is never taken back."""
    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    start = timezone.localdate() + datetime.timedelta(days=10)
    terms = actions.ConsentTerms.of(consent)
    actions.change_consent(
        consent=consent,
        terms=actions.ConsentTerms(
            **{**terms.__dict__, "signed_on": timezone.localdate(), "valid_from": start}
        ),
        changed_by=team["worker"],
    )
    ends = Consent.objects.get(pk=consent.pk).superseded_at
    assert ends is not None
    refused = "Cannot update rows from consents_consent table: a superseded version's end"
    run_refused(
        "UPDATE consents_consent SET superseded_at = NULL WHERE id = %s", [consent.pk], refused
    )
    run_refused(
        "UPDATE consents_consent SET superseded_at = superseded_at + interval '1 second' "
        "WHERE id = %s",
        [consent.pk],
        refused,
    )
    assert Consent.objects.get(pk=consent.pk).superseded_at == ends
    sooner = ends - datetime.timedelta(days=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consents_consent SET superseded_at = %s WHERE id = %s", [sooner, consent.pk]
        )
        cursor.execute(  # the same moment again changes nothing, and passes
            "UPDATE consents_consent SET superseded_at = %s WHERE id = %s", [sooner, consent.pk]
        )
    assert Consent.objects.get(pk=consent.pk).superseded_at == sooner
