"""Scans of signed forms: checked by content, stored privately, served only through
the access-checked view that logs the download, quarantined until the virus
scanner passes them."""

import dataclasses
import datetime
import os
import socketserver
import struct
import tempfile
import threading
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from consents import actions, scan_files
from consents.actions import recording
from consents.factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    ConsentFactory,
    acting,
    make_scan,
)
from consents.models import ConsentScan, ScanStatus
from consents.scanning import ScannerUnavailable
from tests.conftest import field_errors, login


@pytest.fixture
def consent(team, parties):
    return ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )


def upload_url(team, consent):
    return reverse(
        "consents:scan_upload", kwargs={"client_id": team["client"].uuid, "consent_id": consent.pk}
    )


def download_url(team, scan):
    return reverse(
        "consents:scan_download",
        kwargs={
            "client_id": team["client"].uuid,
            "consent_id": scan.consent_id,
            "scan_id": scan.pk,
        },
    )


def test_a_pdf_is_accepted_and_stored_privately_under_a_random_name(
    client, team, consent, private_root
):
    login(client, team["worker"])
    response = client.post(
        upload_url(team, consent),
        {"scan": SimpleUploadedFile("Tuisku Tietävä Y100.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    scan = ConsentScan.objects.get(consent=consent)
    assert scan.content_type == "application/pdf"
    assert scan.status == ScanStatus.NOT_SCANNED
    assert scan.original_name == "Tuisku Tietävä Y100.pdf"
    stored = scan_files.path_for(scan.stored_name, quarantined=False)
    assert stored.read_bytes() == PDF_BYTES
    assert stored.is_relative_to(private_root)
    assert "Tuisku" not in scan.stored_name and len(scan.stored_name) == 48
    assert stat_mode(stored) == 0o600
    row = AccessLogEntry.objects.get(action="consents.scan.attached")
    assert row.object_id == str(scan.pk)


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


@pytest.mark.parametrize(
    ("content", "content_type"), [(PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")]
)
def test_png_and_jpeg_are_accepted_by_their_content(team, consent, content, content_type):
    scan = make_scan(consent, team["worker"], content=content, name="lomake.bin")
    assert scan.content_type == content_type


def test_an_executable_renamed_pdf_is_refused_with_a_clear_message(client, team, consent):
    login(client, team["worker"])
    response = client.post(
        upload_url(team, consent), {"scan": SimpleUploadedFile("lomake.pdf", EXE_BYTES)}
    )
    assert response.status_code == 200
    assert "Tiedosto ei ole PDF-, JPEG- tai PNG-tiedosto" in response.text
    assert "tiedostonimen pääte ei riitä" in response.text
    assert not ConsentScan.objects.exists()


def test_an_11_mb_file_is_refused(client, team, consent, private_root):
    login(client, team["worker"])
    big = PDF_BYTES + b"0" * (11 * 1024 * 1024)
    response = client.post(upload_url(team, consent), {"scan": SimpleUploadedFile("iso.pdf", big)})
    assert response.status_code == 200
    assert "Tiedosto on liian suuri" in response.text
    assert "Suurin sallittu koko on 10 Mt" in response.text
    assert not ConsentScan.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


def test_the_same_file_sent_twice_is_stored_once(client, team, consent, private_root):
    """A double submit or the back button sends the form again: the scan is not saved a
    second time, nor left on disk; another file is saved as before."""
    login(client, team["worker"])
    client.post(upload_url(team, consent), {"scan": SimpleUploadedFile("y100.pdf", PDF_BYTES)})
    response = client.post(
        upload_url(team, consent), {"scan": SimpleUploadedFile("y100 (1).pdf", PDF_BYTES)}
    )
    assert response.status_code == 200
    assert field_errors(response.text, "scan") == (
        "Sama tiedosto on jo tallennettu tähän suostumukseen (y100.pdf)."
    )
    assert ConsentScan.objects.count() == 1
    assert len([p for p in private_root.rglob("*") if p.is_file()]) == 1
    other = client.post(
        upload_url(team, consent), {"scan": SimpleUploadedFile("sivu2.png", PNG_BYTES)}
    )
    assert other.status_code == 302
    assert ConsentScan.objects.count() == 2


def _superseded(consent, team, parties):
    from consents.actions import ConsentTerms

    actions.change_consent(
        consent=consent,
        terms=ConsentTerms(
            method="signature",
            form="kela_y100",
            purposes=("service_planning",),
            categories=("identity",),
            signed_on=consent.signed_on,
            valid_from=consent.valid_from,
            organisations=(parties["kela"],),
        ),
        changed_by=team["worker"],
    )
    consent.refresh_from_db()
    return consent


def _revoked(consent, team, parties):
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=consent.valid_from,
        method="phone",
        through="Asiakas",
    )
    consent.refresh_from_db()
    return consent


def _oral(consent, team, parties):
    return ConsentFactory(
        client=team["client"], recorded_by=team["worker"], oral=True, parties=[parties["kela"]]
    )


def test_an_oral_consents_page_has_no_forms_section(client, team, consent, parties):
    """Nothing is signed for an oral consent: no "scanned forms" heading, no virus-scan
    note, no upload link; a written consent's page has them."""
    oral = _oral(consent, team, parties)
    login(client, team["worker"])

    def page(shown):
        return client.get(
            reverse(
                "consents:detail", kwargs={"client_id": team["client"].uuid, "consent_id": shown.pk}
            )
        ).text

    assert "Skannatut lomakkeet" not in page(oral)
    assert "Skannatut lomakkeet" in page(consent)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (_superseded, "vain suostumuksen uusimpaan versioon"),
        (_revoked, "Peruutettuun suostumukseen ei voi liittää"),
        (_oral, "Suullisesta suostumuksesta ei ole allekirjoitettua lomaketta"),
    ],
)
def test_a_superseded_revoked_or_oral_version_takes_no_scan(
    client, team, consent, parties, private_root, version, message
):
    """The page hides the link; a posted upload is refused all the same, next to the field,
    and nothing is stored."""
    refused = version(consent, team, parties)
    login(client, team["worker"])
    detail = reverse(
        "consents:detail", kwargs={"client_id": team["client"].uuid, "consent_id": refused.pk}
    )
    assert upload_url(team, refused) not in client.get(detail).text
    # The upload page, from an address kept from before, says why instead of offering a form.
    response = client.get(upload_url(team, refused), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert message in response.text
    assert 'type="file"' not in response.text
    response = client.post(
        upload_url(team, refused), {"scan": SimpleUploadedFile("y100.pdf", PDF_BYTES)}
    )
    assert response.status_code == 200
    assert message in field_errors(response.text, "scan")
    assert not ConsentScan.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]
    assert not AccessLogEntry.objects.filter(action="consents.scan.attached").exists()
    with pytest.raises(ValidationError):
        make_scan(refused, team["worker"])


def test_an_oral_consent_is_not_recorded_with_a_scan(team, parties, private_root):
    terms = actions.ConsentTerms(
        method="oral",
        purposes=("case_consultation",),
        categories=("identity",),
        signed_on=None,
        valid_from=None,
        organisations=(parties["kela"],),
        event_kind="kela_call",
        event_name="Puhelu Kelan kanssa",
        event_date=timezone.localdate(),
        event_starts=datetime.time(8, 0),
        event_ends=datetime.time(8, 30),
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            client=team["client"],
            terms=terms,
            recorded_by=team["worker"],
            scan=SimpleUploadedFile("y100.pdf", PDF_BYTES),
        )
    assert "scan" in refused.value.message_dict
    assert not ConsentScan.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


def test_the_scan_is_not_reachable_without_access_and_its_download_is_logged(client, team, consent):
    scan = make_scan(consent, team["worker"])
    url = download_url(team, scan)
    # Outside the team: 404. The manager sees the client but not its consents, and the work
    # coach on the team what it covers but not the signed form (identity code, signature,
    # guardian's details): 403.
    for user, status in ((team["outsider"], 404), (team["manager"], 403), (team["coach"], 403)):
        client.logout()
        login(client, user)
        assert client.get(url).status_code == status
    assert not AccessLogEntry.objects.filter(action="consents.scan.downloaded").exists()
    client.logout()
    login(client, team["sote"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    row = AccessLogEntry.objects.get(action="consents.scan.downloaded")
    assert (row.actor, row.client_id, row.object_id, row.basis) == (
        team["sote"],
        team["client"].uuid,
        str(scan.pk),
        "care_team",
    )


def test_the_consent_page_links_the_signed_form_and_names_it_and_the_giver_only_to_who_records(
    client, team, parties
):
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"]],
        by_guardian=True,
    )
    # A file name may name the client or carry their identity code.
    scan = make_scan(consent, team["worker"], name="Tuisku Tietävä Y100.pdf")
    revoked = actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakkaan sisar Sanni Sisko",
        note="Soitti iltapäivällä.",
    )
    detail = reverse(
        "consents:detail", kwargs={"client_id": team["client"].uuid, "consent_id": revoked.pk}
    )
    for user in (team["worker"], team["sote"]):
        client.logout()
        login(client, user)
        page = client.get(detail).text
        assert download_url(team, scan) in page
        assert "Tuisku Tietävä Y100.pdf" in page
        assert "Eeva Edunvalvoja" in page
        assert "Helsingin käräjäoikeus" in page
        assert "Sanni Sisko" in page
        assert "Soitti iltapäivällä." in page
    client.logout()
    login(client, team["coach"])
    response = client.get(detail)
    page = response.text
    assert response.status_code == 200
    # What the consent covers, and that a form was saved, without the form or the people.
    assert str(parties["kela"]) in page
    assert "Skannattu lomake" in page
    assert "Tuisku Tietävä Y100.pdf" not in page and "Y100.pdf" not in page
    assert download_url(team, scan) not in page
    assert "Eeva Edunvalvoja" not in page
    assert "Helsingin käräjäoikeus" not in page
    assert "Sanni Sisko" not in page
    assert "Soitti iltapäivällä." not in page


def test_a_scan_of_another_consent_or_client_answers_404(client, team, consent, parties):
    other = ConsentFactory(parties=[parties["kela"]])
    scan = make_scan(other, team["worker"])
    login(client, team["worker"])
    url = reverse(
        "consents:scan_download",
        kwargs={"client_id": team["client"].uuid, "consent_id": consent.pk, "scan_id": scan.pk},
    )
    assert client.get(url).status_code == 404


def test_the_page_says_when_no_virus_scan_is_made(client, team, consent):
    login(client, team["worker"])
    response = client.get(upload_url(team, consent))
    assert "Virustarkistus ei ole käytössä" in response.text


# The virus scanner


class FakeClamd(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def clamd(reply: bytes):
    """A clamd stand-in on a unix socket: reads one INSTREAM, answers `reply`."""
    received = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            command = self.request.recv(10)
            assert command == b"zINSTREAM\0"
            data = b""
            while True:
                size = struct.unpack("!L", recv_exactly(self.request, 4))[0]
                if size == 0:
                    break
                data += recv_exactly(self.request, size)
            received.append(data)
            self.request.sendall(reply)

    directory = tempfile.mkdtemp(dir="/tmp")
    path = os.path.join(directory, "clamd.sock")
    server = FakeClamd(path, Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, path, received


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError
        data += chunk
    return data


@pytest.fixture
def scanner(settings):
    servers = []

    def start(reply: bytes):
        server, path, received = clamd(reply)
        servers.append(server)
        settings.POLKU_CLAMAV_SOCKET = path
        return received

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def quarantined_scan(team, consent, django_capture_on_commit_callbacks, content=PDF_BYTES):
    with (
        mock.patch("consents.tasks.scan_consent_scan_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        scan = make_scan(consent, team["worker"], content=content)
    delay.assert_called_once_with(scan.pk)
    return scan


def test_with_a_scanner_the_file_waits_in_quarantine_until_clean(
    client, team, consent, scanner, django_capture_on_commit_callbacks
):
    received = scanner(b"stream: OK\0")
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    assert scan.status == ScanStatus.PENDING
    assert scan_files.path_for(scan.stored_name, quarantined=True).exists()
    login(client, team["worker"])
    assert client.get(download_url(team, scan)).status_code == 404  # never served in quarantine
    with django_capture_on_commit_callbacks(execute=True):
        actions.scan_consent_scan(scan_id=scan.pk)
    scan.refresh_from_db()
    assert received == [PDF_BYTES]
    assert scan.status == ScanStatus.CLEAN and scan.scanned_at is not None
    assert not scan_files.path_for(scan.stored_name, quarantined=True).exists()
    assert client.get(download_url(team, scan)).status_code == 200
    # A repeated task changes nothing.
    assert actions.scan_consent_scan(scan_id=scan.pk).status == ScanStatus.CLEAN


def test_an_infected_file_is_deleted_and_never_served(
    client, team, consent, scanner, django_capture_on_commit_callbacks
):
    scanner(b"stream: Eicar-Test-Signature FOUND\0")
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        actions.scan_consent_scan(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.INFECTED
    assert scan.scan_result == "Eicar-Test-Signature"
    assert not scan_files.path_for(scan.stored_name, quarantined=True).exists()
    login(client, team["worker"])
    assert client.get(download_url(team, scan)).status_code == 404


def test_an_unreachable_scanner_keeps_the_file_in_quarantine(
    team, consent, settings, django_capture_on_commit_callbacks
):
    settings.POLKU_CLAMAV_SOCKET = "/tmp/polku-no-such-clamd.sock"
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    with pytest.raises(ScannerUnavailable):
        actions.scan_consent_scan(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.PENDING
    assert scan_files.path_for(scan.stored_name, quarantined=True).exists()


def test_the_task_scans_by_id(team, consent, scanner, django_capture_on_commit_callbacks):
    from consents.tasks import scan_consent_scan_task

    scanner(b"stream: OK\0")
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    assert scan_consent_scan_task.run(scan.pk) == ScanStatus.CLEAN


# Scans left waiting: the sweep queues them again and, after hours, tells the uploader.


def test_a_scan_left_waiting_is_queued_again_and_then_scanned(
    team, consent, scanner, django_capture_on_commit_callbacks
):
    """The first scan task was lost (or gave up): a quarter of an hour later the sweep queues
    one more attempt, which releases the clean file; a scan just uploaded is left alone."""
    from consents.pending_scans import follow_up_pending_scans
    from consents.tasks import rescan_consent_scan_task

    scanner(b"stream: OK\0")
    waiting = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    later = waiting.uploaded_at + datetime.timedelta(minutes=20)
    with time_machine.travel(later - datetime.timedelta(minutes=2), tick=False):
        # Another page of the form: the same file twice is stored once.
        fresh = quarantined_scan(
            team, consent, django_capture_on_commit_callbacks, content=PNG_BYTES
        )
    with (
        time_machine.travel(later, tick=False),
        mock.patch("consents.tasks.rescan_consent_scan_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert follow_up_pending_scans() == {"queued": 1, "told": 0}
    delay.assert_called_once_with(waiting.pk)
    assert rescan_consent_scan_task.run(waiting.pk) == ScanStatus.CLEAN
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (waiting.status, fresh.status) == (ScanStatus.CLEAN, ScanStatus.PENDING)
    # Queued again after it was scanned: nothing left to do.
    assert rescan_consent_scan_task.run(waiting.pk) == ScanStatus.CLEAN


def test_an_attempt_while_the_scanner_is_down_leaves_the_scan_waiting_for_the_next_sweep(
    team, consent, settings, django_capture_on_commit_callbacks
):
    from consents.tasks import rescan_consent_scan_task

    settings.POLKU_CLAMAV_SOCKET = "/tmp/polku-no-such-clamd.sock"
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    assert rescan_consent_scan_task.run(scan.pk) == ScanStatus.PENDING  # no retries of its own
    scan.refresh_from_db()
    assert scan.status == ScanStatus.PENDING


def test_the_uploader_is_told_once_when_a_scan_has_waited_for_hours(
    client, team, consent, settings, django_capture_on_commit_callbacks
):
    """The scanner was turned off with a file waiting: nothing to queue, but after four hours
    the uploader gets one task, whatever the number of sweeps."""
    from consents.pending_scans import SCAN_PENDING_TASK, follow_up_pending_scans
    from notifications.models import Task

    settings.POLKU_CLAMAV_SOCKET = "/tmp/polku-no-such-clamd.sock"
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    settings.POLKU_CLAMAV_SOCKET = ""
    with time_machine.travel(scan.uploaded_at + datetime.timedelta(hours=3), tick=False):
        assert follow_up_pending_scans() == {"queued": 0, "told": 0}
    assert not Task.objects.exists()
    with (
        time_machine.travel(scan.uploaded_at + datetime.timedelta(hours=5), tick=False),
        django_capture_on_commit_callbacks() as queued,
    ):
        assert follow_up_pending_scans() == {"queued": 0, "told": 1}
        assert follow_up_pending_scans() == {"queued": 0, "told": 0}
    assert queued == []
    task = Task.objects.get()
    assert (task.assignee, task.kind, task.client_id) == (
        team["worker"],
        SCAN_PENDING_TASK,
        team["client"].uuid,
    )
    # Named by its form, version and day, not by the file name (which may name the client).
    day = timezone.localtime(scan.uploaded_at).strftime("%-d.%-m.%Y")
    assert task.title == (
        "Skannatun lomakkeen virustarkistus ei ole valmistunut: "
        f"Kelan lomake Y 100, versio 1, skannattu {day}"
    )
    assert "y100.pdf" not in task.title
    assert task.description.startswith("Asiakas: Tuisku Tietävä. Suostumus: Kelan lomake Y 100")
    assert task.concerning == scan
    assert task.link == reverse(
        "consents:detail", kwargs={"client_id": team["client"].uuid, "consent_id": consent.pk}
    )


def test_the_uploaders_task_is_checked_off_when_the_scan_finally_finishes(
    team, consent, settings, scanner, django_capture_on_commit_callbacks
):
    from consents.pending_scans import follow_up_pending_scans
    from consents.tasks import rescan_consent_scan_task
    from notifications.models import Task

    settings.POLKU_CLAMAV_SOCKET = "/tmp/polku-no-such-clamd.sock"
    scan = quarantined_scan(team, consent, django_capture_on_commit_callbacks)
    settings.POLKU_CLAMAV_SOCKET = ""
    with time_machine.travel(scan.uploaded_at + datetime.timedelta(hours=5), tick=False):
        assert follow_up_pending_scans()["told"] == 1
    task = Task.objects.get()
    assert task.is_open
    scanner(b"stream: OK\0")
    # Finishes after the task was made (at any hour: 5 hours on may be the next day).
    with time_machine.travel(scan.uploaded_at + datetime.timedelta(hours=6), tick=False):
        assert rescan_consent_scan_task.run(scan.pk) == ScanStatus.CLEAN
    task.refresh_from_db()
    assert not task.is_open
    assert task.done_by == team["worker"]


def test_the_sweep_runs_from_beat_one_at_a_time(team, consent):
    from django.core.cache import cache

    from config.celery import app
    from consents.tasks import PENDING_SCANS_LOCK_KEY, follow_up_pending_scans_task

    entry = app.conf.beat_schedule["consents.follow_up_pending_scans"]
    assert entry["task"] == follow_up_pending_scans_task.name
    assert cache.add(PENDING_SCANS_LOCK_KEY, "1")
    assert follow_up_pending_scans_task.run() == {"queued": 0, "told": 0}
    cache.delete(PENDING_SCANS_LOCK_KEY)
    assert follow_up_pending_scans_task.run() == {"queued": 0, "told": 0}
    assert cache.add(PENDING_SCANS_LOCK_KEY, "1")  # released after the run


def test_a_scan_file_no_record_names_is_removed_once_a_day_old(team, consent, parties):
    """A change of consent refused after its scan was written leaves the file: the daily job
    removes it once a day old, and never a file a scan record names, nor a newer one."""
    from consents.tasks import remove_orphan_scan_files_task

    kept = make_scan(consent, team["worker"])
    kept_path = scan_files.path_for(kept.stored_name, quarantined=False)
    today = timezone.localdate()
    # Signed again today: a change that changes nothing is refused before any file is written.
    terms = dataclasses.replace(actions.ConsentTerms.of(consent), signed_on=today, valid_from=today)
    with (
        mock.patch.object(recording, "_create_notification_tasks", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        actions.change_consent(
            consent=consent,
            terms=terms,
            changed_by=acting(team["worker"]),
            scan=SimpleUploadedFile("y100-uusi.pdf", PDF_BYTES + b"v2"),
        )
    assert ConsentScan.objects.count() == 1  # the change rolled back, its file stayed
    orphans = [p for p in scan_files.stored_files(quarantined=False) if p != kept_path]
    assert len(orphans) == 1
    day_old = timezone.now() - actions.ORPHAN_SCAN_FILE_AGE - datetime.timedelta(minutes=1)
    for path in (kept_path, orphans[0]):
        os.utime(path, (day_old.timestamp(), day_old.timestamp()))

    with time_machine.travel(day_old + datetime.timedelta(hours=1)):
        assert remove_orphan_scan_files_task.run() == 0  # not yet a day old then
    assert remove_orphan_scan_files_task.run() == 1
    assert not orphans[0].exists() and kept_path.exists()
    assert remove_orphan_scan_files_task.run() == 0  # safe to repeat


def test_a_scan_is_named_by_its_form_version_and_day_never_its_file_name(team, consent):
    """A file name may name the client or carry their identity code ("Tuisku Tietävä
    Y100.pdf"): the scan's own name, which admin and task titles show, is neutral."""
    scan = make_scan(consent, team["worker"], name="Tuisku Tietävä Y100.pdf")
    day = timezone.localtime(scan.uploaded_at).strftime("%-d.%-m.%Y")
    assert str(scan) == f"Kelan lomake Y 100, versio 1, skannattu {day}"
