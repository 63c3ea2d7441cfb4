import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Basis
from tests.audit.conftest import NOW, access, acting
from tests.conftest import login

pytestmark = pytest.mark.django_db


def user_log_url(user):
    return reverse("audit:user_log", args=[user.uuid])


def test_the_dpo_finds_users_of_their_organisation_only(client, now, dpo, worker, coach, outsider):
    login(client, dpo)
    html = client.get(reverse("audit:user_find")).content.decode()
    assert user_log_url(worker) in html
    assert user_log_url(coach) in html
    assert user_log_url(outsider) not in html
    html = client.get(reverse("audit:user_find"), {"q": "sosi"}).content.decode()
    assert "Sosiaali, Sanna" in html
    assert "Valmentaja, Ville" not in html


def test_the_user_log_shows_what_the_user_accessed(
    client, now, dpo, worker, coach, subject_client, other_client, outsiders_client
):
    access(worker, subject_client, at=datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC))
    access(
        worker,
        other_client,
        at=datetime.datetime(2026, 3, 2, 7, 5, tzinfo=datetime.UTC),
        action="clients.client.break_the_glass",
        basis=Basis.BREAK_THE_GLASS,
    )
    # A row about a client of another organisation (say, a consultation): not named here.
    access(
        worker,
        outsiders_client,
        at=datetime.datetime(2026, 3, 3, 7, 5, tzinfo=datetime.UTC),
        basis=Basis.CONSULTATION,
    )
    access(
        coach,
        subject_client,
        at=datetime.datetime(2026, 3, 4, 7, 5, tzinfo=datetime.UTC),
        action="clients.note.added",
    )
    login(client, dpo)
    html = client.get(user_log_url(worker)).content.decode()
    assert "Käyttöloki: Sanna Sosiaali" in html
    assert reverse("audit:client_log", args=[subject_client.uuid]) in html
    assert "Silmu Aurora Suunnistaja" in html
    assert "Toivo Toinen" in html
    assert "Avasi asiakkaan tiedot omatiimin ulkopuolelta" in html
    assert "Murtautuminen perustellusta syystä" in html
    assert "1.3.2026 9.05" in html
    assert "Toisen organisaation asiakas" in html
    assert "Ulla" not in html
    # Nothing the coach did.
    assert "Kirjoitti asiakaskirjauksen" not in html


def test_viewing_a_user_log_is_logged_with_the_user_id(client, now, dpo, worker):
    login(client, dpo)
    client.get(user_log_url(worker), {"start": "2026-01-01", "end": "2026-06-15"})
    entry = AccessLogEntry.objects.get(action="audit.user_log.viewed")
    assert entry.client_id is None
    assert entry.basis == Basis.DATA_PROTECTION
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(worker.pk)
    assert entry.detail == f"user={worker.pk}; period=2026-01-01..2026-06-15"


def test_each_client_named_on_the_user_log_is_logged_as_a_list_hit(
    client, now, dpo, worker, subject_client, other_client, outsiders_client
):
    for day, person in ((1, subject_client), (2, subject_client), (3, other_client)):
        access(worker, person, at=datetime.datetime(2026, 3, day, 7, 5, tzinfo=datetime.UTC))
    # A client of another organisation is not named on the page, so not logged as shown.
    access(
        worker,
        outsiders_client,
        at=datetime.datetime(2026, 3, 4, 7, 5, tzinfo=datetime.UTC),
        basis=Basis.CONSULTATION,
    )
    login(client, dpo)
    html = client.get(user_log_url(worker)).content.decode()
    assert "Silmu Aurora Suunnistaja" in html and "Toivo Toinen" in html
    hits = AccessLogEntry.objects.filter(action="audit.user_log.client_listed")
    assert sorted(hits.values_list("client_id", flat=True)) == sorted(
        [subject_client.uuid, other_client.uuid]
    )
    assert {(hit.actor_id, hit.basis, hit.detail) for hit in hits} == {
        (dpo.pk, Basis.DATA_PROTECTION, f"user={worker.pk}")
    }
    # The client's own log report shows that the DPO saw the client on the user log.
    report = client.get(reverse("audit:client_log", args=[subject_client.uuid])).content.decode()
    assert "Asiakas näkyi käyttäjän käyttölokissa" in report


def test_a_user_of_another_organisation_answers_404(client, now, dpo, outsider):
    login(client, dpo)
    assert client.get(user_log_url(outsider)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_user_homed_elsewhere_who_works_for_the_organisation_is_found_with_its_rows_only(
    client, now, dpo, unit, outsider, subject_client, outsiders_client
):
    """A user of another organisation who also holds a role in a unit of the DPO's: the DPO
    finds them and reads the rows they wrote acting for the DPO's organisation, not those
    they wrote for their own (its DPO's to read)."""
    import time_machine

    from accounts.roles import Role
    from audit.actions import log_access

    role_here = outsider.role_assignments.create(role=Role.WORK_COACH, unit=unit)
    access(outsider, outsiders_client, at=datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC))
    outsider.active_assignment = role_here
    with time_machine.travel(datetime.datetime(2026, 3, 2, 7, 5, tzinfo=datetime.UTC)):
        log_access(
            actor=outsider,
            client_id=subject_client.uuid,
            action="clients.client.viewed",
            basis=Basis.CARE_TEAM,
        )
    login(client, dpo)
    html = client.get(reverse("audit:user_find"), {"q": "ulkopuoli"}).content.decode()
    assert user_log_url(outsider) in html
    response = client.get(user_log_url(outsider))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Silmu Aurora Suunnistaja" in html and "2.3.2026" in html
    assert "1.3.2026" not in html and "Toisen organisaation asiakas" not in html


@pytest.mark.parametrize("size", [3, 30])
def test_the_user_log_query_count_does_not_grow_with_its_rows(
    client, now, dpo, worker, subject_client, other_client, size, django_assert_num_queries
):
    for n in range(size):
        access(
            worker,
            subject_client if n % 2 else other_client,
            at=NOW - datetime.timedelta(days=n + 1),
        )
    login(client, dpo)
    url = user_log_url(worker)
    client.get(url)
    with django_assert_num_queries(USER_LOG_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("Avasi asiakkaan tiedot") == size


# Session user, MFA check, role assignments; the user; count and page of rows;
# all the clients' names in one query; the log row; the clients' list hits in one insert.
USER_LOG_QUERIES = 9


def test_a_disclosure_the_user_recorded_is_on_their_log_and_in_the_statistics(
    client, now, dpo, worker, subject_client
):
    """A worker's disclosure is processing of the client's data like any other: the DPO
    reading one user's log sees it, named in words, and the statistics count it."""
    from consents.coverage import record_disclosure
    from consents.factories import StatutoryBasisFactory, kela

    StatutoryBasisFactory(client=subject_client)
    record_disclosure(
        actor=acting(worker),
        client=subject_client,
        organisation=kela(),
        category="income",
        purpose="kela_benefits",
        channel="secure_email",
    )
    login(client, dpo)
    period = {"start": "2026-06-01", "end": "2026-06-15"}
    html = client.get(user_log_url(worker), period).content.decode()
    assert "Kirjasi tietojen luovutuksen luovutuslokiin" in html
    assert "Silmu Aurora Suunnistaja" in html
    statistics = client.get(reverse("audit:statistics"), period).context["statistics"]
    counts = {c.code: (c.label, c.count) for c in statistics.by_action}
    assert counts["consents.disclosure.recorded"] == (
        "Kirjasi tietojen luovutuksen luovutuslokiin",
        1,
    )
