"""Client records past their retention (DOMAIN.md "Logs and retention"; clients.retention):
10 years after the client relationship closed, the sample days' records kept permanently."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AccessLogEntry, Basis
from clients.factories import ClientFactory
from clients.models import Client
from clients.retention import kept_permanently, retention_cutoff, years_before

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
CUTOFF = datetime.date(2016, 12, 6)
BORN = datetime.date(1970, 5, 3)
BORN_ON_A_SAMPLE_DAY = datetime.date(1970, 5, 18)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, tzinfo=datetime.UTC), tick=False):
        yield TODAY


def closed_client(closed_on, birth=BORN, **fields):
    return ClientFactory(birth=birth, closed_on=closed_on, closure_reason="Muutti pois", **fields)


def test_ten_years_back_is_the_same_day_and_29_february_becomes_the_28th():
    assert retention_cutoff(TODAY) == CUTOFF
    assert years_before(datetime.date(2028, 2, 29), 10) == datetime.date(2018, 2, 28)
    assert years_before(datetime.date(2028, 2, 29), 4) == datetime.date(2024, 2, 29)


def test_records_are_past_retention_from_the_day_ten_years_after_the_closing():
    on_the_day = closed_client(CUTOFF)
    long_ago = closed_client(datetime.date(2001, 1, 31))
    closed_client(CUTOFF + datetime.timedelta(days=1))
    ClientFactory(birth=BORN)  # active
    assert set(Client.objects.past_retention()) == {on_the_day, long_ago}


def test_a_relationship_opened_again_counts_from_its_last_closing():
    reopened = ClientFactory(birth=BORN, reopened_on=datetime.date(2020, 3, 1))
    closed_again = closed_client(datetime.date(2021, 6, 1), reopened_on=datetime.date(2020, 3, 1))
    assert not Client.objects.past_retention().filter(pk__in=[reopened.pk, closed_again.pk])


def test_the_years_are_a_setting(settings):
    settings.POLKU_CLIENT_RECORDS_KEPT_YEARS = 12
    closed_client(CUTOFF)
    assert not Client.objects.past_retention().exists()
    assert retention_cutoff(TODAY) == datetime.date(2014, 12, 6)


@pytest.mark.parametrize(("day", "permanent"), [(8, True), (18, True), (28, True), (9, False)])
def test_the_records_of_clients_born_on_a_sample_day_are_kept_permanently(day, permanent):
    client = closed_client(CUTOFF, birth=datetime.date(1981, 3, day))
    assert kept_permanently(client.birth_date) is permanent
    assert Client.objects.kept_permanently().filter(pk=client.pk).exists() is permanent


def test_the_command_counts_per_organisation(capsys):
    client = closed_client(CUTOFF)
    closed_client(CUTOFF, birth=BORN_ON_A_SAMPLE_DAY, responsible_unit=client.responsible_unit)
    closed_client(CUTOFF, responsible_unit=client.responsible_unit)
    call_command("clients_past_retention")
    out = capsys.readouterr().out
    assert (
        f"{client.organisation.slug}: 3 past retention (closed on or before 2016-12-06): "
        "1 to the archive, 2 to destroy"
    ) in out
    assert not AccessLogEntry.objects.exists(), "counting names no client"


def test_the_command_lists_the_clients_without_names_and_logs_each(capsys):
    destroy = closed_client(datetime.date(2010, 1, 4))
    archive = closed_client(CUTOFF, birth=BORN_ON_A_SAMPLE_DAY)
    closed_client(CUTOFF + datetime.timedelta(days=1))
    call_command("clients_past_retention", "--list")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{destroy.uuid};{destroy.organisation.slug};2010-01-04;destroy",
        f"{archive.uuid};{archive.organisation.slug};2016-12-06;archive",
    ]
    for client in (destroy, archive):
        assert client.last_name not in "\n".join(lines)
    rows = AccessLogEntry.objects.order_by("client_id")
    assert {row.client_id for row in rows} == {destroy.uuid, archive.uuid}
    assert {(row.action, row.basis, row.actor_id) for row in rows} == {
        ("clients.client.retention_listed", Basis.STATUTE, None)
    }


def test_the_command_lists_one_organisation_only(capsys):
    ours = closed_client(CUTOFF)
    closed_client(CUTOFF)  # another organisation's register
    call_command("clients_past_retention", "--list", organisation=ours.organisation.slug)
    assert capsys.readouterr().out.splitlines() == [
        f"{ours.uuid};{ours.organisation.slug};2016-12-06;destroy"
    ]
