"""A case note's form carries a one-time token: the same form sent twice (a double click on
save, the back button) is one note, written and logged once (clients.actions.add_note)."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.factories import make_note
from clients.models import CaseNote
from tests.conftest import acting, login
from tests.transfers import while_holding

NOTE = {"kind": "phone", "text": "Puhelu asiakkaan kanssa."}


def _added():
    return AccessLogEntry.objects.filter(action="clients.note.added")


def test_the_same_token_twice_is_one_note_logged_once(team):
    worker = acting(team["worker"])
    token = uuid.uuid4()
    first = actions.add_note(client=team["client"], author=worker, submission_token=token, **NOTE)
    again = actions.add_note(client=team["client"], author=worker, submission_token=token, **NOTE)
    assert again.pk == first.pk
    assert CaseNote.objects.filter(client=team["client"]).count() == 1
    assert list(_added().values_list("object_id", flat=True)) == [str(first.pk)]


def test_a_repeat_saying_something_else_is_refused_and_the_first_note_kept(team):
    worker = acting(team["worker"])
    token = uuid.uuid4()
    first = actions.add_note(client=team["client"], author=worker, submission_token=token, **NOTE)
    with pytest.raises(ValidationError) as refused:
        actions.add_note(
            client=team["client"],
            author=worker,
            submission_token=token,
            kind="phone",
            text="Muuta.",
        )
    assert refused.value.code == "sent_already_changed"
    assert list(CaseNote.objects.filter(client=team["client"])) == [first]
    assert CaseNote.objects.get(pk=first.pk).text == NOTE["text"]
    assert _added().count() == 1


def test_a_repeat_marked_health_related_is_refused_not_answered_as_saved(team):
    worker = acting(team["worker"])
    token = uuid.uuid4()
    first = actions.add_note(client=team["client"], author=worker, submission_token=token, **NOTE)
    with pytest.raises(ValidationError) as refused:
        actions.add_note(
            client=team["client"],
            author=worker,
            submission_token=token,
            health_related=True,
            **NOTE,
        )
    assert refused.value.code == "sent_already_changed"
    assert CaseNote.objects.get(pk=first.pk).health_related is False


def test_an_amendment_of_a_health_related_note_sent_twice_is_one_note(team):
    worker = acting(team["worker"])
    amended = make_note(client=team["client"], author=worker, health_related=True)
    token = uuid.uuid4()
    sent = {"amends": amended, "submission_token": token, "health_related": True, **NOTE}
    first = actions.add_note(client=team["client"], author=worker, **sent)
    again = actions.add_note(client=team["client"], author=worker, **sent)
    assert again.pk == first.pk
    assert first.health_related is True


def test_other_tokens_and_no_token_write_notes_of_their_own(team):
    worker = acting(team["worker"])
    client = team["client"]
    actions.add_note(client=client, author=worker, submission_token=uuid.uuid4(), **NOTE)
    actions.add_note(client=client, author=worker, submission_token=uuid.uuid4(), **NOTE)
    actions.add_note(client=client, author=worker, **NOTE)
    actions.add_note(client=client, author=worker, **NOTE)
    assert CaseNote.objects.filter(client=client).count() == 4
    assert _added().count() == 4


def test_another_authors_token_is_refused_and_nothing_saved(team):
    token = uuid.uuid4()
    first = actions.add_note(
        client=team["client"], author=acting(team["worker"]), submission_token=token, **NOTE
    )
    with pytest.raises(ValidationError):
        actions.add_note(
            client=team["client"], author=acting(team["coach"]), submission_token=token, **NOTE
        )
    assert list(CaseNote.objects.filter(client=team["client"])) == [first]
    assert _added().count() == 1


def test_the_database_holds_a_clients_token_once(team):
    token = uuid.uuid4()
    make_note(team["client"], team["worker"], submission_token=token)
    with pytest.raises(IntegrityError, match="case_note_submitted_once"), transaction.atomic():
        make_note(team["client"], team["worker"], submission_token=token)


@pytest.mark.django_db(transaction=True)
def test_a_repeat_at_the_same_moment_waits_and_finds_the_first_note(team):
    worker = acting(team["worker"])
    token = uuid.uuid4()
    held = []

    def first():
        held.append(
            actions.add_note(client=team["client"], author=worker, submission_token=token, **NOTE)
        )

    repeat, waited = while_holding(
        first,
        lambda: actions.add_note(
            client=team["client"], author=worker, submission_token=token, **NOTE
        ),
    )
    assert waited > 0
    assert repeat.pk == held[0].pk
    assert CaseNote.objects.filter(client=team["client"]).count() == 1
    assert _added().count() == 1


def _token(page: str) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page).group(1)


def test_the_form_posted_twice_saves_one_note_and_both_return_to_the_notes(client, team):
    login(client, team["worker"])
    url = reverse("clients:note_create", kwargs={"client_id": team["client"].uuid})
    token = _token(client.get(url).content.decode())
    data = {
        "written_on": timezone.localdate().strftime("%d.%m.%Y"),
        "submission_token": token,
        **NOTE,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    expected = reverse("clients:detail", kwargs={"client_id": team["client"].uuid})
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == expected + "#panel-clients-notes"
    note = CaseNote.objects.get(client=team["client"])
    assert str(note.submission_token) == token
    assert _added().count() == 1


def test_each_showing_of_the_form_has_a_token_of_its_own(client, team):
    login(client, team["worker"])
    url = reverse("clients:note_create", kwargs={"client_id": team["client"].uuid})
    assert _token(client.get(url).content.decode()) != _token(client.get(url).content.decode())


def test_a_refused_form_keeps_its_token_so_the_correction_is_still_one_note(client, team):
    login(client, team["worker"])
    url = reverse("clients:note_create", kwargs={"client_id": team["client"].uuid})
    token = _token(client.get(url).content.decode())
    refused = client.post(url, {"written_on": "", "submission_token": token, **NOTE})
    assert refused.status_code == 200
    assert _token(refused.content.decode()) == token
    assert not CaseNote.objects.filter(client=team["client"]).exists()


def test_the_form_changed_and_sent_again_keeps_the_text_and_saves_it_only_when_sent_once_more(
    client, team
):
    """The back button after saving, the text changed, saved again: the user is told the form
    was saved already; what they typed stays on the form under a new token, and sending it
    once more is a note of its own."""
    login(client, team["worker"])
    url = reverse("clients:note_create", kwargs={"client_id": team["client"].uuid})
    token = _token(client.get(url).content.decode())
    data = {
        "written_on": timezone.localdate().strftime("%d.%m.%Y"),
        "submission_token": token,
        **NOTE,
    }
    assert client.post(url, data).status_code == 302
    changed = {**data, "text": "Puhelu asiakkaan kanssa. Sovittiin tapaaminen."}
    refused = client.post(url, changed)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Tämä lomake on jo tallennettu kirjaukseksi" in page
    assert "Sovittiin tapaaminen." in page
    renewed = _token(page)
    assert renewed != token
    assert CaseNote.objects.filter(client=team["client"]).count() == 1

    assert client.post(url, {**changed, "submission_token": renewed}).status_code == 302
    assert sorted(
        CaseNote.objects.filter(client=team["client"]).values_list("text", flat=True)
    ) == [
        NOTE["text"],
        changed["text"],
    ]
