"""The demo's case notes read as what their kind says they were."""

import random

import pytest
from django.utils import timezone

from accounts.factories import UserFactory
from clients import demo
from clients.factories import ClientFactory
from clients.models import CaseNote, NoteKind

# A word each kind's demo text opens with.
OPENS_WITH = {
    NoteKind.MEETING: "Tapaaminen",
    NoteKind.PHONE: "Puhelu",
    NoteKind.NETWORK_MEETING: "Verkostopalaveri",
    NoteKind.HOME_VISIT: "Kotikäynti",
}


@pytest.mark.django_db
def test_a_demo_note_reads_as_its_kind():
    author = UserFactory()
    for number in range(8):
        demo._notes(random.Random(number), ClientFactory(), author, timezone.localdate())
    notes = list(CaseNote.objects.all())
    assert len(notes) == 24
    assert {note.kind for note in notes} == set(OPENS_WITH)
    for note in notes:
        assert note.text.startswith(OPENS_WITH[note.kind]), (note.kind, note.text)
