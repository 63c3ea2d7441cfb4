"""The consents app's panels: consent coverage on the client page, expiring
consents on the responsible worker's dashboard, and the reminder rule for the
same. Each reads with a fixed number of queries, whatever the data size."""

import datetime

import rules
from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from audit.actions import log_list_hits
from audit.models import Basis
from clients.reminders import client_name, responsible_worker, window_days
from consents.coverage import coverage_summary
from consents.models import Consent

DASHBOARD_LIMIT = 10
EXPIRING_LISTED = "consents.expiring.listed"
CONSENT_EXPIRING = "consents.consent_expiring"


def warning_days() -> int:
    """Days before its last day that a consent counts as expiring (dashboard, client page and
    reminder alike): POLKU_REMINDER_WINDOWS["consents.consent_expiring"] when set, else
    POLKU_CONSENT_EXPIRY_WARNING_DAYS."""
    return window_days(CONSENT_EXPIRING, settings.POLKU_CONSENT_EXPIRY_WARNING_DAYS)


def coverage(request, client, relation):
    """Client page: who is covered now, until when, for what, and what is not covered."""
    if not rules.has_perm("consents.view_consents", request.user, client):
        return None
    return {
        "summary": coverage_summary(client, warning_days=warning_days()),
        "may_record": rules.has_perm("consents.record_consent", request.user, client),
        "may_disclose": rules.has_perm("consents.record_disclosure", request.user, client),
    }


def expiring_consents(request):
    """Dashboard: the consents of the user's own clients (as responsible worker) that end soon:
    on their own last day, or a guardian's consent on the day before the client comes of age
    (`ConsentQuerySet.ending`; marked so in the panel), by the day they end.
    A closed client's consents are not followed up (as the reminder rule says): the care team
    stays on a closed client, but nothing is renewed for a relationship that has ended.
    The panel names those clients: each one shown is logged as one list hit (one statement)."""
    today = timezone.localdate()
    consents = list(
        Consent.objects.ending(today, warning_days())
        .of_responsible_worker(request.user)
        .filter(client__closed_on__isnull=True)
        .select_related("client")
        .annotate(total=Window(Count("pk")))
        .order_by("ends_on", "pk")[:DASHBOARD_LIMIT]
    )
    if not consents:
        return None
    total = consents[0].total
    log_list_hits(
        actor=request.user,
        client_ids=dict.fromkeys(consent.client.uuid for consent in consents),
        action=EXPIRING_LISTED,
        basis=Basis.CARE_TEAM,
        detail="dashboard",
    )
    return {
        "consents": consents,
        "days": warning_days(),
        "total": total,
        "more": total - len(consents),
    }


def series_first_version() -> Subquery:
    """The first version (a pk) of the consent series of the version the outer query reads:
    the consent's reminders are about the consent, whatever version is current."""
    return Subquery(Consent.objects.filter(series=OuterRef("series"), version=1).values("pk")[:1])


def _consents_followed():
    """The consents the expiry reminders concern (each series' first version, open clients
    only) with the last day of the series' current version while it is unrevoked and written
    (`ends_on`; NULL when the series was revoked or its current version is oral): what the
    rule reminds of, read as its withdrawal needs it."""
    current = (
        Consent.objects.filter(series=OuterRef("series"))
        .current()
        .not_revoked()
        .exclude(method="oral")
    )
    return Consent.objects.filter(version=1, client__closed_on__isnull=True).annotate(
        ends_on=Subquery(current.values("valid_until")[:1])
    )


def withdraw_stale_expiring(today: datetime.date) -> int:
    """The `withdraw_stale` of the consent-expiry rule: its reminders are taken back (not yet
    due) or marked read (past; the rows stay) when the consent's last day has passed (it
    expired: nothing is left to renew), the consent was revoked or a new version moved its
    last day (change_consent and revoke_consent take back only the reminders not yet due),
    or the client relationship closed (a closed client's consents are not followed up)."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=CONSENT_EXPIRING,
        still_due=_consents_followed().filter(ends_on__gte=today),
        due_field="ends_on",
        today=today,
    )


def expiring_consent_reminders(today: datetime.date, batch_size: int):
    """Reminder rule: one reminder to the responsible worker for each consent that ends
    within the warning days; due on its last day. One query per batch.

    The reminder concerns the consent's first version (the series), so a change that keeps
    the last day (a new version) adds no second reminder; its link goes to the current
    version. The title names the client, as the other rules' do (clients/reminders.py), and
    the reminder carries the client's id, so the inbox logs the showing and withholds the
    name from a worker who no longer reaches the client. A closed client's consents are not
    followed up. Those that no longer fit are taken back or settled by the sweep
    (withdraw_stale_expiring)."""
    return consent_reminders(
        Consent.objects.expiring(today, warning_days()),
        today,
        last_day="valid_until",
        title=gettext_noop("Suostumus päättyy {date}: {client}"),
        batch_size=batch_size,
    )


def consent_reminders(consents, today: datetime.date, *, last_day: str, title: str, batch_size):
    """The reminders of a consent rule: for each of `consents` of an open client with a
    responsible worker, one to that worker about the series' first version, due on the
    consent's `last_day` (a field or annotation), titled `title` (a msgid with {date} and
    {client}), linking to the consent. One query per batch."""
    from notifications.rules_registry import ReminderSpec
    from notifications.texts import Text

    rows = (
        consents.filter(client__closed_on__isnull=True)
        .annotate(
            worker_id=responsible_worker(today),
            first_version=series_first_version(),
        )
        .filter(worker_id__isnull=False)
        .values_list(
            "pk",
            "first_version",
            last_day,
            "worker_id",
            "client__uuid",
            "client__first_names",
            "client__calling_name",
            "client__last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, first_version, day, worker_id, client_uuid, *names in rows:
        yield ReminderSpec(
            recipient_id=worker_id,
            model=Consent,
            object_id=first_version,
            due_date=day,
            title=Text(
                title, date=date_format(day, "SHORT_DATE_FORMAT"), client=client_name(*names)
            ),
            link=reverse("consents:detail", kwargs={"client_id": client_uuid, "consent_id": pk}),
            client_id=client_uuid,
        )
