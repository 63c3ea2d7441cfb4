"""Demo consents on top of the demo clients: the stories are there, and a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import DisclosureLogEntry
from clients.models import CareTeamMembership, Client
from consents import demo
from consents.coverage import disclosure_basis
from consents.models import Consent, ConsentMethod
from notifications.models import Task
from services.models import Organisation, OrganisationKind


@pytest.mark.django_db
def test_demo_consents_tell_the_stories_and_seeding_again_adds_nothing():
    call_command("seed_demo")
    joined = DisclosureLogEntry.objects.filter(channel="care_team")
    counts = (Consent.objects.count(), Task.objects.count(), joined.count())
    demo.seed()
    assert (Consent.objects.count(), Task.objects.count(), joined.count()) == counts

    # Each partner on a team is covered by a consent, and their joining is logged once.
    partners = [
        m
        for m in CareTeamMembership.objects.current().select_related("client__responsible_unit")
        if m.user.organisation_id != m.client.responsible_unit.organisation_id
    ]
    assert partners
    assert {(m.client.uuid, m.user_id) for m in partners} == set(
        joined.values_list("client_id", "recipient_user_id")
    )

    clients = Client.objects.count()
    with_consent = Client.objects.filter(consents__isnull=False).distinct().count()
    assert with_consent > clients * 0.75  # most have one
    y100 = Consent.objects.filter(form="kela_y100")
    assert y100.count() > clients / 2
    assert y100.filter(valid_until__lt=timezone.localdate()).exists()  # some expired
    assert Consent.objects.expiring(timezone.localdate(), 30).exists()  # some end soon
    assert Consent.objects.filter(revoked_at__isnull=False).count() == 1
    assert Consent.objects.filter(method=ConsentMethod.ORAL).count() == 1
    assert Task.objects.filter(title="Lähetä peruutus Kelaan suojatulla sähköpostilla").count() == 1

    kaarina = Client.objects.get(first_names="Kaarina", last_name="Koivisto")
    kela = Organisation.objects.get(kind=OrganisationKind.KELA)
    employment = Organisation.objects.get(slug="helsinki-tyollisyyspalvelut")
    ask = {"client": kaarina, "category": "identity", "purpose": "case_consultation"}
    assert disclosure_basis(organisation=kela, **ask) is None
    assert disclosure_basis(organisation=employment, **ask) is not None


@pytest.mark.django_db
def test_without_clients_the_demo_does_nothing():
    demo.seed()
    assert not Consent.objects.exists()
