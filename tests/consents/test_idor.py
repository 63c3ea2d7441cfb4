"""IDOR: ids of another client's consents, scans, statutory bases and tasks, put under the
URL of a client the user may work with, answer 404 and change nothing, even when the
user is the responsible worker of both clients."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.factories import ClientFactory
from consents import actions
from consents.factories import ConsentFactory, StatutoryBasisFactory, make_scan
from consents.models import Consent, ConsentScan, StatutoryBasis
from notifications.models import Task
from tests.conftest import login


@pytest.fixture
def other(team, parties):
    """A second client of the same responsible worker, with a consent (revoked, so it has a
    notification task), a scan and a statutory basis."""
    client = ClientFactory(responsible_worker=team["worker"], first_names="Toinen")
    consent = ConsentFactory(client=client, recorded_by=team["worker"], parties=[parties["kela"]])
    scan = make_scan(consent, team["worker"])
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas",
    )
    return {
        "client": client,
        "consent": consent,
        "scan": scan,
        "task": Task.objects.get(client_id=client.uuid),
        "basis": StatutoryBasisFactory(client=client),
    }


@pytest.fixture
def own(team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    return {"consent": consent, "scan": make_scan(consent, team["worker"])}


def url(name, team, **kwargs):
    return reverse(f"consents:{name}", kwargs={"client_id": team["client"].uuid, **kwargs})


def test_the_other_clients_ids_are_reachable_under_their_own_client(client, team, other):
    """The control: the worker does reach them where they belong."""
    login(client, team["worker"])
    own_url = reverse(
        "consents:detail",
        kwargs={"client_id": other["client"].uuid, "consent_id": other["consent"].pk},
    )
    assert client.get(own_url).status_code == 200


@pytest.mark.parametrize(
    ("name", "method", "ids"),
    [
        ("detail", "get", ("consent",)),
        ("change", "get", ("consent",)),
        ("change", "post", ("consent",)),
        ("revoke", "get", ("consent",)),
        ("revoke", "post", ("consent",)),
        ("scan_upload", "get", ("consent",)),
        ("scan_upload", "post", ("consent",)),
        ("scan_download", "get", ("consent", "scan")),
        ("scan_download", "get", ("own_consent", "scan")),
        ("complete_notification", "post", ("consent", "task")),
        ("complete_notification", "post", ("own_consent", "task")),
        ("statutory_basis_end", "post", ("basis",)),
    ],
)
def test_another_clients_ids_under_ones_own_clients_url_are_404(
    client, team, own, other, name, method, ids
):
    values = {
        "consent": ("consent_id", other["consent"].pk),
        "own_consent": ("consent_id", own["consent"].pk),
        "scan": ("scan_id", other["scan"].pk),
        "task": ("task_id", other["task"].pk),
        "basis": ("basis_id", other["basis"].pk),
    }
    kwargs = dict(values[key] for key in ids)
    consents_before = Consent.objects.count()
    scans_before = ConsentScan.objects.count()
    login(client, team["worker"])
    data = {"done_on": timezone.localdate().isoformat()} if method == "post" else None
    response = getattr(client, method)(url(name, team, **kwargs), data)
    assert response.status_code == 404
    assert Consent.objects.count() == consents_before
    assert ConsentScan.objects.count() == scans_before
    assert Task.objects.get(pk=other["task"].pk).done_at is None
    assert StatutoryBasis.objects.get(pk=other["basis"].pk).ended_by is None
