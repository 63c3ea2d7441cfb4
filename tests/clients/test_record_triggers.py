"""The database keeps the 24-hour edit rule of case notes and the fixed content of superseded
plan versions (clients migration 0009), whatever writes to it: each refused ORM write raises
IntegrityError naming the trigger."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clients import actions
from clients.factories import make_note, make_plan
from clients.models import CaseNote, ClientPlan, GoalStatus, PlanGoal, PlanStatus
from tests.conftest import acting

pytestmark = pytest.mark.django_db

# The database's clock (now(), the transaction's start) decides, so no frozen time here.
LATE = datetime.timedelta(hours=24, minutes=1)


@pytest.fixture
def worker(team):
    return acting(team["worker"])


def refused(trigger, queryset, **fields):
    with pytest.raises(IntegrityError, match=trigger), transaction.atomic():
        queryset.update(**fields)


def test_a_note_older_than_24_hours_is_not_changed(team, worker):
    note = make_note(team["client"], worker, created_at=timezone.now() - LATE)
    notes = CaseNote.objects.filter(pk=note.pk)
    refused("case_note_edit_window", notes, text="Muutettu jälkikäteen.")
    refused("case_note_edit_window", notes, written_on=note.written_on - datetime.timedelta(1))
    refused("case_note_edit_window", notes, kind="phone")
    assert CaseNote.objects.get(pk=note.pk).text == note.text


def test_no_setting_opens_an_old_note(team, worker):
    note = make_note(team["client"], worker, created_at=timezone.now() - LATE)
    with (
        pytest.raises(IntegrityError, match="case_note_edit_window"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL pgtrigger.ignore = '{case_note_edit_window}'")
        cursor.execute("UPDATE clients_casenote SET text = 'x' WHERE id = %s", [note.pk])


def test_a_note_keeps_its_client_author_and_time_of_writing_even_within_24_hours(team, worker):
    note = make_note(team["client"], worker)
    notes = CaseNote.objects.filter(pk=note.pk)
    refused("case_note_edit_window", notes, created_at=timezone.now() + LATE)
    refused("case_note_edit_window", notes, author=team["coach"])
    notes.update(text="Korjattu heti.")  # within 24 hours its content changes
    assert CaseNote.objects.get(pk=note.pk).text == "Korjattu heti."


def test_an_old_note_is_still_marked_health_related_never_unmarked(team, worker):
    """Marking a note health-related marks its amendments, however old (edit_note)."""
    note = make_note(team["client"], worker)
    old_amendment = make_note(
        team["client"], team["coach"], amends=note, created_at=timezone.now() - LATE
    )
    actions.edit_note(note=note, edited_by=worker, health_related=True)
    assert CaseNote.objects.get(pk=old_amendment.pk).health_related is True
    refused(
        "case_note_edit_window", CaseNote.objects.filter(pk=old_amendment.pk), health_related=False
    )
    refused(
        "case_note_edit_window",
        CaseNote.objects.filter(pk=old_amendment.pk),
        health_related=True,
        text="Ja muutettu samalla.",
    )


def test_an_amendment_belongs_to_the_client_of_the_note_it_amends(team, worker):
    """clients migration 0015: the database refuses an amendment written on another client
    than the note it amends, however it is written."""
    from clients.factories import ClientFactory

    note = make_note(team["client"], worker)
    other = ClientFactory(responsible_unit=team["client"].responsible_unit)
    with pytest.raises(IntegrityError, match="case_note_amends_same_client"), transaction.atomic():
        make_note(other, worker, amends=note, text="Täydennys väärälle asiakkaalle.")
    amendment = make_note(team["client"], worker, amends=note, text="Täydennys.")
    assert amendment.amends == note


def test_edit_note_answers_in_words_when_the_database_refuses(team, worker, monkeypatch):
    """The action's own check passes a moment before the window closes; the database's
    refusal is then the same message, not an error page."""
    note = make_note(team["client"], worker, created_at=timezone.now() - LATE)
    monkeypatch.setattr(CaseNote, "edit_window_open", property(lambda self: True))
    with pytest.raises(ValidationError, match="24 tunnin"):
        actions.edit_note(note=note, edited_by=worker, text="Myöhässä.")
    assert CaseNote.objects.get(pk=note.pk).text == note.text


@pytest.fixture
def versions(team, worker):
    first = make_plan(team["client"], worker, goals=("Hygieniapassi", "Työkokeilu"))
    second = actions.revise_plan(
        plan=first,
        revised_by=worker,
        goals=["Hygieniapassi", "Työkokeilu"],
        status=PlanStatus.ACTIVE,
        client_view="Haluan töihin.",
    )
    return first, second


def test_a_superseded_plan_version_does_not_change(versions):
    first, second = versions
    plans = ClientPlan.objects.filter(pk=first.pk)
    refused("plan_version_fixed", plans, status=PlanStatus.CLOSED)
    refused("plan_version_fixed", plans, client_view="Kirjoitettu uudelleen.")
    ClientPlan.objects.filter(pk=second.pk).update(status=PlanStatus.AGREED)  # the newest may
    assert ClientPlan.objects.get(pk=first.pk).status == PlanStatus.ACTIVE


def test_no_version_leaves_its_chain(versions):
    first, second = versions
    refused("plan_version_fixed", ClientPlan.objects.filter(pk=second.pk), supersedes=None)
    refused("plan_version_fixed", ClientPlan.objects.filter(pk=second.pk), version=5)
    assert ClientPlan.objects.get(pk=second.pk).supersedes_id == first.pk


def test_the_goals_of_a_superseded_version_do_not_change_nor_grow(versions):
    first, second = versions
    old_goal = first.goals.get(text="Hygieniapassi")
    new_goal = second.goals.get(text="Hygieniapassi")
    refused(
        "plan_goal_of_current_version",
        PlanGoal.objects.filter(pk=old_goal.pk),
        status=GoalStatus.ACHIEVED,
    )
    refused(
        "plan_goal_of_current_version",
        PlanGoal.objects.filter(pk=new_goal.pk),
        plan=first,
    )
    with pytest.raises(IntegrityError, match="plan_goal_of_current_version"), transaction.atomic():
        PlanGoal.objects.create(plan=first, position=9, text="Jälkikäteen lisätty")
    PlanGoal.objects.filter(pk=new_goal.pk).update(status=GoalStatus.ACHIEVED)
    assert PlanGoal.objects.get(pk=old_goal.pk).status == GoalStatus.OPEN
