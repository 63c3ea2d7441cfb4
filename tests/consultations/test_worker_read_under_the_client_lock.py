"""A recommendation or a request made while responsibility for the client moves is the new
worker's: the action reads the responsible worker under the client's row lock, which a
transfer of responsibility takes first and holds until it commits."""

import datetime

import pytest
import time_machine

from accounts.factories import make_user
from accounts.roles import Role
from consents.factories import acting
from consultations import actions
from tests.transfers import while_responsibility_moves


@pytest.mark.django_db(transaction=True)
def test_a_recommendation_made_while_responsibility_moves_is_the_new_workers_task(hki):
    successor = acting(make_user(Role.SOCIAL_WORKER, hki.client.responsible_unit))
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10), tick=False):
        recommendation, waited = while_responsibility_moves(
            hki.client,
            successor,
            lambda: actions.add_recommendation(
                item=hki.item,
                recommended_by=hki.coordinator,
                text="Ohjataan työkykyselvitykseen.",
                due_date=datetime.date(2030, 1, 31),
            ),
        )
    assert waited > 0
    recommendation.task.refresh_from_db()
    assert recommendation.task.assignee == successor


@pytest.mark.django_db(transaction=True)
def test_a_request_made_while_responsibility_moves_is_recorded_for_the_new_worker(hki):
    successor = acting(make_user(Role.SOCIAL_WORKER, hki.client.responsible_unit))
    request, waited = while_responsibility_moves(
        hki.client,
        successor,
        lambda: actions.ask_for_consultation(
            client=hki.client,
            asked_by=hki.worker,
            question="Mikä tukisi työkyvyn arviointia?",
            background="Pitkä työttömyys.",
            tried_so_far="Työkokeilu.",
            pseudonymous_summary="Nelikymppinen, pitkään työttömänä.",
        ),
    )
    assert waited > 0
    request.refresh_from_db()
    assert request.responsible_worker == successor
