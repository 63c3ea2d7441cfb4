"""Demo consultations on top of the demo clients and consents: both seed networks,
Kaarina's case on the support network's next session (the Kela liaison sees it
pseudonymously, the employment expert named), and a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from clients.factories import ClientFactory
from consents.factories import acting
from consultations import demo
from consultations.case_view import show_case
from consultations.factories import make_request
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Network,
    NetworkMember,
    Recommendation,
    Session,
)
from notifications.models import Task


def counts():
    return [
        model.objects.count()
        for model in (Network, NetworkMember, Session, ConsultationRequest, AgendaItem, Task)
    ]


@pytest.mark.django_db
def test_the_demo_tells_the_stories_and_seeding_again_adds_nothing():
    call_command("seed_demo")
    before = counts()
    demo.seed()
    assert counts() == before

    support = Network.objects.get(name_fi=demo.SUPPORT_NETWORK[0])
    employment = Network.objects.get(name_fi=demo.EMPLOYMENT_NETWORK[0])
    # Named in Swedish and English too: a Swedish-speaking coordinator reads the Swedish name.
    assert (support.name_sv, support.name_en) == demo.SUPPORT_NETWORK[1:]
    assert (employment.name_sv, employment.name_en) == demo.EMPLOYMENT_NETWORK[1:]
    assert support.convening_organisation.slug == "helsinki-sote"
    assert employment.convening_organisation.slug == "helsinki-tyollisyyspalvelut"

    kaarina = ConsultationRequest.objects.get(client__first_names="Kaarina")
    item = kaarina.agenda_items.select_related("session").get()
    session = item.session
    assert session.network == support and session.starts_at > timezone.now()
    users = {
        role: User.objects.get(email=demo_email(role))
        for role in ("kela_liaison", "employment_expert")
    }
    participants = set(session.participants.current().values_list("user__email", flat=True))
    assert {u.email for u in users.values()} <= participants
    # The worker who asked brings the case and takes part for it.
    presenter = session.participants.current().get(user=kaarina.asked_by)
    assert presenter.kind == "presenter"

    kaarina.client.__dict__.pop("_relations", None)
    kela_view = show_case(
        viewer=acting(users["kela_liaison"]),
        request=kaarina,
        action="consultations.case.viewed",
        session=session,
        participant=session.participants.get(user=users["kela_liaison"]),
    )
    expert_view = show_case(
        viewer=acting(users["employment_expert"]),
        request=kaarina,
        action="consultations.case.viewed",
        session=session,
        participant=session.participants.get(user=users["employment_expert"]),
    )
    assert not kela_view.named and expert_view.named

    recommendation = Recommendation.objects.select_related("task__assignee").get()
    assert recommendation.task.assignee.email == demo_email("social_worker")
    # Every scheduled request was asked before its session.
    for item in AgendaItem.objects.select_related("request", "session"):
        assert item.request.created_at < item.session.starts_at
        # Minutes are written at the session, not when the demo was loaded.
        if item.minutes:
            assert item.minutes_recorded_at == item.ends_at < timezone.now()
    assert ConsultationRequest.objects.filter(status="requested").exists()  # the queue

    # Partners' members are nominated by their own organisation: an employment-services
    # client's "the coordinator chooses" request reaches the support network's coordinator.
    expert = users["employment_expert"]
    assert NetworkMember.objects.get(network=support, user=expert).nominated_by_own_organisation
    waiting = make_request(ClientFactory(responsible_worker=expert, created_by=expert))
    assert waiting.client.responsible_unit.organisation == employment.convening_organisation
    coordinator = acting(User.objects.get(email=demo_email("coordinator")))
    assert coordinator.organisation == support.convening_organisation
    assert ConsultationRequest.objects.in_queue_of(coordinator).filter(pk=waiting.pk).exists()


@pytest.mark.django_db
def test_without_demo_users_the_demo_does_nothing():
    demo.seed()
    assert not Network.objects.exists()
