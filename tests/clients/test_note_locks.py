"""An amendment and the health-related flag of the note it amends do not race: adding an
amendment locks the amended note, so marking that note health-related at the same moment
either comes first (and the amendment follows the flag) or waits and marks the amendment."""

import threading

import pytest
from django.db import connection, transaction

from clients import actions
from clients.factories import make_note
from clients.models import CaseNote
from tests.conftest import acting

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_note_marked_health_related_while_it_is_amended_marks_the_amendment(team):
    worker, coach = acting(team["worker"]), acting(team["coach"])
    note = make_note(team["client"], worker, text="Tapaaminen.")
    errors = []

    def mark_health_related():
        try:
            actions.edit_note(note=note, edited_by=worker, health_related=True)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    marking = threading.Thread(target=mark_health_related)
    with transaction.atomic():
        amendment = actions.add_note(
            client=team["client"], author=coach, amends=note, text="Kertoi lääkityksestä."
        )
        marking.start()
        # The marking waits for the amendment's transaction (the amended note is locked);
        # were it not locked, the marking would finish here without seeing the amendment.
        marking.join(1.0)
        assert marking.is_alive()
    marking.join(10)
    assert errors == []
    assert CaseNote.objects.get(pk=note.pk).health_related is True
    assert CaseNote.objects.get(pk=amendment.pk).health_related is True
