"""Consents: record, change, revoke, attach a scan, statutory bases: the responsible
worker (social_worker) and the sote contact person (health_professional), who also
download the signed forms; see consents and coverage, log a disclosure: team members. The manager sees
the client but not its consents (403); everyone else gets 404."""

import weakref

from django.utils import timezone

from accounts.roles import Role
from tests.permissions.rows.clients import RESPONSIBLE_OR_SOTE, TEAM, client_kwargs, client_row

R = Role
FORM = "consents.consent.form_viewed"  # a form page shows the client's data on GET


def _consent(world):
    from consents.factories import ConsentFactory, kela

    consent = world.extra.get("consent")
    if consent is None:
        consent = ConsentFactory(
            client=world.client, recorded_by=world.users[R.SOCIAL_WORKER], parties=[kela()]
        )
        world.extra["consent"] = consent
    return consent


def consent_kwargs(world):
    return {"client_id": world.client.uuid, "consent_id": _consent(world).pk}


def scan_kwargs(world):
    from consents import scan_files
    from consents.factories import make_scan

    scan = world.extra.get("scan")
    if scan is None:
        # One scan of the world's consent (the same file twice is stored once).
        scan = world.extra["scan"] = make_scan(_consent(world), world.users[R.SOCIAL_WORKER])
        # The file goes where settings point; it goes away with the test's world.
        weakref.finalize(
            world, scan_files.discard, scan.stored_name, quarantined=scan.status == "pending"
        )
    return {**consent_kwargs(world), "scan_id": scan.pk}


def task_kwargs(world):
    """The responsible worker's own task of telling Kela of the revocation."""
    from django.utils import timezone

    from consents.actions import revoke_consent
    from consents.factories import acting
    from notifications.models import Task

    consent = _consent(world)
    if consent.revoked_at is None:
        world.extra["consent"] = revoke_consent(
            consent=consent,
            revoked_by=acting(world.users[R.SOCIAL_WORKER]),
            revoked_on=timezone.localdate(),
            method="phone",
            through="Asiakas itse",
        )
    task = Task.objects.filter(client_id=world.client.uuid).order_by("pk").first()
    return {**consent_kwargs(world), "task_id": task.pk}


def statutory_kwargs(world):
    from consents.factories import StatutoryBasisFactory

    basis = StatutoryBasisFactory(client=world.client, recorded_by=world.users[R.SOCIAL_WORKER])
    return {"client_id": world.client.uuid, "basis_id": basis.pk}


ROWS = {
    "consents:list": client_row(TEAM, logs="consents.consents.viewed"),
    "consents:create": client_row(RESPONSIBLE_OR_SOTE, logs=FORM),
    "consents:detail": client_row(TEAM, kwargs=consent_kwargs, logs="consents.consent.viewed"),
    "consents:change": client_row(RESPONSIBLE_OR_SOTE, kwargs=consent_kwargs, logs=FORM),
    "consents:revoke": client_row(RESPONSIBLE_OR_SOTE, kwargs=consent_kwargs, logs=FORM),
    "consents:scan_upload": client_row(RESPONSIBLE_OR_SOTE, kwargs=consent_kwargs, logs=FORM),
    # The signed form shows the identity code, the signature and a guardian's details.
    "consents:scan_download": client_row(
        RESPONSIBLE_OR_SOTE, kwargs=scan_kwargs, logs="consents.scan.downloaded"
    ),
    # Only the task's assignee ticks it off; other team members get 404 for the task.
    "consents:complete_notification": client_row(
        frozenset({R.SOCIAL_WORKER}),
        method="POST",
        kwargs=task_kwargs,
        data=lambda world: {"done_on": timezone.localdate().isoformat()},
        allowed_status=302,
        special=dict.fromkeys(TEAM - {R.SOCIAL_WORKER}, 404),
    ),
    "consents:statutory_basis_create": client_row(
        RESPONSIBLE_OR_SOTE, kwargs=client_kwargs, logs=FORM
    ),
    # The confirmation page; its POST ends the basis (tests/consents/test_views.py).
    "consents:statutory_basis_end": client_row(
        RESPONSIBLE_OR_SOTE, kwargs=statutory_kwargs, logs=FORM
    ),
    "consents:disclosure_create": client_row(TEAM, logs=FORM),
}
