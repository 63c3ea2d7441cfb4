"""A guardian's consent ends when the client comes of age (täysi-ikäisyys).

A guardian (huoltaja) consents on behalf of a minor only: from the client's 18th birthday
on, the client consents for themself. `ConsentQuerySet.in_force` ends a guardian's consent
on the day before that birthday, whatever its own last day; this module's reminder rule
tells the client's responsible worker beforehand, with the lead time of the consent-expiry
reminders, that the client's own consent is needed. The reminder is taken back (or, past
its day, marked read) when the client's own consents take over what the guardian's covered
(every party it names, for its purposes and categories), the guardian's consent is
revoked or changed so that it no longer runs past the birthday, or the client relationship
closes. What the lapse itself sets off is what any consent's end does: the daily
consents.end_uncovered_memberships run ends the team memberships it no longer covers.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from clients.majority import LastDayAsMinor
from clients.reminders import window_days
from consents.models import Consent, ConsentMethod, ConsentParty, GiverKind
from consents.page_panels import consent_reminders, warning_days
from consents.querysets import ends_at_majority

GUARDIAN_CONSENT_ENDS_AT_MAJORITY = "consents.guardian_consent_ends_at_majority"


def lead_days() -> int:
    """How many days ahead the worker is reminded: POLKU_REMINDER_WINDOWS for this rule when
    set, else as the consent-expiry reminders (page_panels.warning_days)."""
    return window_days(GUARDIAN_CONSENT_ENDS_AT_MAJORITY, warning_days())


def _parties_left_uncovered() -> Exists:
    """The guardian's version (the outer row) names a party that nothing of the client's own
    takes over: no written consent of the client's own (current, unrevoked) that runs from
    the client's 18th birthday at the latest to past it names that organisation or its kind (as
    `ConsentQuerySet.naming` matches a party) for at least the guardian's version's purposes
    and categories (as coverage matches them). Its lapse then ends what it covered, such as
    a team member's access from that organisation: the reminder stays."""
    own = (
        Consent.objects.filter(client=OuterRef("consent__client"), giver_kind=GiverKind.CLIENT)
        .current()
        .not_revoked()
        .exclude(method=ConsentMethod.ORAL)
        .filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("last_day")),
            # In force from the birthday at the latest: no day without a consent between.
            valid_from__lte=OuterRef("last_day") + datetime.timedelta(days=1),
            purposes__contains=OuterRef("consent__purposes"),
            categories__contains=OuterRef("consent__categories"),
        )
        .naming_party(OuterRef(OuterRef("organisation")), OuterRef(OuterRef("named_kind")))
    )
    return Exists(
        ConsentParty.objects.filter(consent=OuterRef("pk"))
        .annotate(
            # A party naming an organisation is taken over by one naming it or its kind.
            named_kind=Coalesce("organisation__kind", "organisation_kind"),
            last_day=LastDayAsMinor(F("consent__client__birth_date")),
        )
        .exclude(Exists(own))
    )


def _still_ending_at_majority() -> Exists:
    """The current version of the series (the outer row's) is a written guardian's consent,
    unrevoked, ending at the client's coming of age with a party the client's own consent
    does not take over (`_parties_left_uncovered`): the reminder about the series is due."""
    return Exists(
        Consent.objects.filter(series=OuterRef("series"))
        .current()
        .not_revoked()
        .exclude(method=ConsentMethod.ORAL)
        .filter(ends_at_majority())
        .filter(_parties_left_uncovered())
    )


def guardian_consents_ending(today: datetime.date, batch_size: int):
    """Reminder rule: one reminder to the responsible worker for each guardian's consent that
    ends within the lead days because the client comes of age, unless the client's own
    consents already take over every party it names (`_parties_left_uncovered`); due on the guardian's consent's last day (the day before
    the 18th birthday). Like the expiry reminder it concerns the series' first version,
    leads to the current version, names the client and carries the client's id. A closed
    client's consents are not followed up. One query per batch."""
    return consent_reminders(
        Consent.objects.ending_at_majority(today, lead_days()).filter(_parties_left_uncovered()),
        today,
        last_day="last_day",
        title=gettext_noop(
            "Huoltajan antama suostumus päättyy {date}, kun asiakas tulee "
            "täysi-ikäiseksi; tarvitaan asiakkaan oma suostumus: {client}"
        ),
        batch_size=batch_size,
    )


def withdraw_stale_guardian_consents(today: datetime.date) -> int:
    """The `withdraw_stale` of the rule: a reminder is taken back (not yet due) or marked read
    (past; the row stays) when its consent no longer ends at the client's coming of age on
    that day (revoked; changed to end earlier or to be the client's own), the client's own
    consents take over every party it names, the day has passed, or the client relationship closed."""
    from notifications.actions import withdraw_stale_reminders

    still_due = (
        Consent.objects.filter(version=1, client__closed_on__isnull=True)
        .filter(_still_ending_at_majority())
        .annotate(last_day=LastDayAsMinor(F("client__birth_date")))
        .filter(last_day__gte=today)
    )
    return withdraw_stale_reminders(
        rule=GUARDIAN_CONSENT_ENDS_AT_MAJORITY,
        still_due=still_due,
        due_field="last_day",
        today=today,
    )


def settle_on_own_consent(consent: Consent) -> int:
    """When `consent` is the client's own written consent lasting past their coming of age,
    the reminders that a guardian's consent ends then are taken back (not yet due) or marked
    read (past), at once, in the recording's transaction, for each guardian's consent series
    whose parties the client's own consents now take over (`_parties_left_uncovered`): one
    naming only Kela settles nothing about a guardian's consent naming employment services.
    Returns how many. Nothing for any other consent. Two queries at most besides the reminders' two statements."""
    from notifications.actions import withdraw_and_settle_reminders

    if consent.giver_kind != GiverKind.CLIENT or consent.is_oral:
        return 0
    last = consent.client.last_day_as_minor
    if consent.valid_until is not None and consent.valid_until <= last:
        return 0
    guardians = Consent.objects.filter(
        client_id=consent.client_id, giver_kind=GiverKind.GUARDIAN
    ).values("series")
    # Per series: only those whose guardian's consent the client's own now take over.
    followed = list(
        Consent.objects.filter(
            client_id=consent.client_id, version=1, series__in=guardians
        ).exclude(_still_ending_at_majority())
    )
    return withdraw_and_settle_reminders(
        rules=[GUARDIAN_CONSENT_ENDS_AT_MAJORITY], concerning=followed
    )


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from notifications.rules_registry import register_reminder_rule

    register_reminder_rule(
        GUARDIAN_CONSENT_ENDS_AT_MAJORITY,
        _("Huoltajan suostumus päättymässä täysi-ikäisyyteen"),
        guardian_consents_ending,
        withdraw_stale=withdraw_stale_guardian_consents,
        reminds_the_team=True,
    )
