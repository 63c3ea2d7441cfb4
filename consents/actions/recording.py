"""Recording a consent, changing it (a new version) and revoking it, with the tasks that
tell the parties of a change or revocation."""

import dataclasses
import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazystr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients.access import log_client_access, relation_to
from clients.models import Client
from clients.querysets import responsible_worker_of
from consents import events, scan_files
from consents.actions.scans import store_scan
from consents.actions.terms import (
    ORAL_HAS_NO_FORM,
    ORAL_RECORDED_ON_EVENT_DAY,
    ORAL_RECORDED_TOO_LATE,
    ConsentTerms,
)
from consents.models import (
    REVOCATION_FIELDS,
    Consent,
    ConsentMethod,
    ConsentParty,
    GiverKind,
    RevocationMethod,
)
from consents.team_coverage import MEMBER_UNCOVERED_TASK, end_uncovered_memberships
from notifications.texts import Text
from services.models import Organisation, OrganisationKind

# Task kinds (registered with labels in ConsentsConfig.ready()).
NOTIFY_PARTY_OF_REVOCATION = "consents.notify_party_of_revocation"
NOTIFY_PARTY_OF_CHANGE = "consents.notify_party_of_change"
SEND_REVOCATION_TO_KELA = "consents.send_revocation_to_kela"
SEND_CHANGE_TO_KELA = "consents.send_change_to_kela"
CHANGE_NOTIFICATION_KINDS = (NOTIFY_PARTY_OF_CHANGE, SEND_CHANGE_TO_KELA)
REVOCATION_NOTIFICATION_KINDS = (NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA)
# The kinds of telling a party of a change or revocation: the tasks the consent page lists
# and checks off.
PARTY_NOTIFICATION_KINDS = (*REVOCATION_NOTIFICATION_KINDS, *CHANGE_NOTIFICATION_KINDS)
# Parties are told without delay; the task is due within this many days.
NOTIFY_WITHIN_DAYS = 3


def _refuse_guardian_of_adult(client: Client, terms: ConsentTerms) -> None:
    """A guardian (huoltaja) consents on behalf of a minor only: for a client of 18 or over on
    the day the consent is given, only the client or a legal representative (edunvalvoja)
    does (ValidationError on the giver). Nor does a guardian's consent last past the day
    before the client's 18th birthday: a later last day, or a first day after it, is refused
    next to that day, naming the last possible day. "Until further notice" is taken: it ends
    on that day (ConsentQuerySet.in_force)."""
    if terms.giver_kind != GiverKind.GUARDIAN:
        return
    if client.age_on(terms.signed_on) >= 18:
        raise ValidationError(
            {
                "giver_kind": _(
                    "Huoltaja antaa suostumuksen vain alaikäisen puolesta. Täysi-ikäisen "
                    "puolesta suostumuksen antaa asiakas itse tai edunvalvoja tai muu "
                    "laillinen edustaja."
                )
            }
        )
    last = client.last_day_as_minor
    message = _(
        "Huoltajan antama suostumus voi olla voimassa enintään %(date)s asti, päivää ennen "
        "kuin asiakas tulee täysi-ikäiseksi. Sen jälkeen asiakas antaa suostumuksen itse."
    ) % {"date": date_format(last, "SHORT_DATE_FORMAT")}
    errors = {
        field: message
        for field, day in (("valid_from", terms.valid_from), ("valid_until", terms.valid_until))
        if day is not None and day > last
    }
    if errors:
        raise ValidationError(errors)


def _bound_to_event(client: Client, terms: ConsentTerms) -> ConsentTerms:
    """An oral consent names its one event exactly, so that coverage matches that event only.

    An event Polku holds (a consultation session) is one of the client's own, on
    its own day; any other event (a call with Kela) gets a reference of its own,
    so two calls on one day are two events.
    """
    if terms.method != ConsentMethod.ORAL or not terms.event_kind:
        return terms
    if not events.has_source(terms.event_kind):
        return dataclasses.replace(terms, event_reference=events.own_reference(terms.event_kind))
    event = events.find_event(terms.event_kind, client, terms.event_reference)
    if event is None:
        raise ValidationError(
            {"event_reference": _("Valitse asiakkaan istunto, jota suullinen suostumus koskee.")}
        )
    if terms.event_date != event.date:
        raise ValidationError(
            {
                "event_date": _("Valittu istunto pidetään %(date)s.")
                % {"date": date_format(event.date, "SHORT_DATE_FORMAT")}
            }
        )
    return terms


def _check_scan_for(terms: ConsentTerms, scan) -> None:
    if scan is not None and terms.method == ConsentMethod.ORAL:
        raise ValidationError({"scan": ORAL_HAS_NO_FORM})


def _create_parties(consent: Consent, terms: ConsentTerms) -> None:
    organisations = {o.pk: o for o in terms.organisations}
    kinds = dict.fromkeys(terms.organisation_kinds)
    ConsentParty.objects.bulk_create(
        [ConsentParty(consent=consent, organisation=o) for o in organisations.values()]
        + [ConsentParty(consent=consent, organisation_kind=k) for k in kinds]
    )


def _create_version(**fields) -> Consent:
    """Inserts one consent version. An oral consent whose day turned at midnight between
    the check of its terms and the insert is refused by the database
    (consent_oral_recorded_on_event_day): that is the same error next to the day."""
    try:
        with transaction.atomic():
            return Consent.objects.create(**fields)
    except IntegrityError as error:
        if ORAL_RECORDED_ON_EVENT_DAY not in str(error):
            raise
        raise ValidationError({"event_date": ORAL_RECORDED_TOO_LATE}) from None


def _compared_fields(terms: ConsentTerms) -> dict:
    """The stored fields by which two consents are the same. An event Polku does not hold
    gets a reference of its own per consent: it is compared by its kind, name, day and
    times."""
    fields = terms.model_fields()
    if not events.has_source(terms.event_kind):
        del fields["event_reference"]
    return fields


def _parties_of(terms: ConsentTerms) -> set[tuple]:
    return {(o.pk, "") for o in terms.organisations} | {
        (None, kind) for kind in terms.organisation_kinds
    }


def _refuse_unchanged(version: Consent, terms: ConsentTerms) -> None:
    """ValidationError when `terms` are the version's own, every term, day and party alike:
    a new version would change nothing, yet ask the worker to tell every party of a change.
    The same terms signed again on another day (a renewal) are a change."""
    current = ConsentTerms.of(version)
    same_terms = _compared_fields(current) == _compared_fields(terms)
    if same_terms and _parties_of(current) == _parties_of(terms):
        raise ValidationError(
            _(
                "Suostumukseen ei tehty muutoksia: sen ehdot, osapuolet ja päivät ovat samat "
                "kuin nykyisessä versiossa."
            ),
            code="unchanged",
        )


def _refuse_same_consent(client: Client, terms: ConsentTerms, *, other_than=None) -> None:
    """ValidationError when the client already has a consent whose current version, not
    revoked, has exactly these terms and parties: the same form sent twice
    would record two consents, and revoking one would leave the other covering; so would a
    change that makes one consent a copy of another (`other_than`: the series changed)."""
    fields = _compared_fields(terms)
    parties = _parties_of(terms)
    same = (
        Consent.objects.filter(client=client, **fields)
        .current()
        .not_revoked()
        .exclude(series=other_than)
        .prefetch_related("parties")
        .order_by("-recorded_at", "-pk")
    )
    for consent in same:
        if {(p.organisation_id, p.organisation_kind) for p in consent.parties.all()} == parties:
            raise ValidationError(
                _(
                    "Sama suostumus on jo kirjattu asiakkaalle (%(consent)s, kirjattu %(at)s). "
                    "Jos asiakas on muuttanut suostumustaan, kirjaa muutos suostumuksen sivulla."
                )
                % {
                    "consent": consent.kind_label,
                    "at": date_format(
                        timezone.localtime(consent.recorded_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                code="same_consent",
            )


def record_consent(*, client: Client, terms: ConsentTerms, recorded_by, scan=None) -> Consent:
    """Records a new consent (version 1 of a new series) and, optionally, its scan.

    Raises ValidationError (field -> messages) for terms that DOMAIN.md
    forbids, for a scan that is not a PDF, JPEG or PNG of at most 10 MB and for
    a scan of an oral consent; nothing is stored then. The same consent again (a double
    submit) is refused too, checked under the client's row lock, as is a guardian's consent
    for an adult or past the day before the 18th birthday (next to that day). The client's
    own written consent lasting past their coming of age settles the reminders that the
    guardian's consent ends then (consents.majority). Logged as "consents.consent.recorded".
    """
    terms = terms.normalised()
    terms.validate()
    _refuse_guardian_of_adult(client, terms)
    terms = _bound_to_event(client, terms)
    _check_scan_for(terms, scan)
    content_type = scan_files.check_upload(scan) if scan is not None else None
    with transaction.atomic(), history_context(recorded_by, "consents.consent.recorded"):
        # A repeat (a double submit, the back button) waits here for the first to commit,
        # and then finds it.
        Client.objects.select_for_update().get(pk=client.pk)
        _refuse_same_consent(client, terms)
        consent = _create_version(client=client, recorded_by=recorded_by, **terms.model_fields())
        _create_parties(consent, terms)
        _settle_majority_reminders(consent)
        log_client_access(recorded_by, client, "consents.consent.recorded", consent)
        if scan is not None:
            store_scan(consent=consent, uploaded=scan, content_type=content_type, by=recorded_by)
    return consent


def change_consent(*, consent: Consent, terms: ConsentTerms, changed_by, scan=None) -> Consent:
    """Records a change or restriction as a new version that supersedes `consent`.

    Locks the client, then the version; refuses (ValidationError) a version that is already
    superseded or revoked, a change that changes nothing (the same terms, days and parties;
    the same terms signed again on another day are a renewal, a change) and one that would
    make the consent the same as another current consent of the client (as record_consent
    refuses it). The old version stops covering when the new one
    starts: at the moment it is recorded, or, for a change signed in advance
    (a renewal from the first of next month), at the start of its first day, so
    that coverage never lapses in between (`superseded_at` is then ahead; an
    earlier version still waiting for the old one to start stops no later than
    the old one does). Creates one task per party of either version for the
    client's responsible worker to tell the party (for Kela: send the change by
    secure e-mail). Logged as "consents.consent.changed". A member of the client's team
    from another organisation that the new version no longer covers leaves the team
    (team_coverage.end_uncovered_memberships). A change that moves the last day takes back
    the consent's expiry reminder, written for the old day; the next sweep reminds of the new
    one when it ends soon. One that keeps the last day keeps the reminder as it is (read or
    not): it still says the right day, and now leads to the new version. The reminders that a
    guardian's consent ends at the client's coming of age lead to the new version too, and
    are settled when the new version is the client's own (consents.majority).
    """
    terms = terms.normalised()
    terms.validate()
    _refuse_guardian_of_adult(consent.client, terms)
    terms = _bound_to_event(consent.client, terms)
    _check_scan_for(terms, scan)
    content_type = scan_files.check_upload(scan) if scan is not None else None
    with transaction.atomic():
        with history_context(changed_by, "consents.consent.changed"):
            _lock_client_of(consent)
            old = Consent.objects.select_for_update().get(pk=consent.pk)
            _ensure_current(old)
            _refuse_unchanged(old, terms)
            _refuse_same_consent(consent.client, terms, other_than=old.series)
            # Read before the change, which may end the actor's own access through another
            # organisation (their rows name the relation they acted in).
            acted_on = relation_to(changed_by, consent.client).basis
            now = timezone.now()
            replaced_at = max(now, _start_of(terms.valid_from))
            old.superseded_at = replaced_at
            old.save(update_fields=["superseded_at"])
            _end_earlier_versions(old, at=replaced_at)
            new = _create_version(
                client_id=old.client_id,
                series=old.series,
                version=old.version + 1,
                supersedes=old,
                recorded_by=changed_by,
                recorded_at=now,
                **terms.model_fields(),
            )
            _create_parties(new, terms)
            if new.valid_until == old.valid_until:
                _relink_expiry_reminders(new)
            else:
                _withdraw_expiry_reminders(old)
            _relink_majority_reminders(new)
            _settle_majority_reminders(new)
            log_client_access(
                changed_by,
                consent.client,
                "consents.consent.changed",
                new,
                detail=f"v{old.version}→v{new.version}",
                basis=acted_on,
            )
            if scan is not None:
                store_scan(consent=new, uploaded=scan, content_type=content_type, by=changed_by)
        # Outside the consent's history context: the tasks carry a context of their own.
        _create_notification_tasks(
            consent=new,
            key_version=old,
            parties=_union_of_parties(new, old),
            changed=True,
            actor=changed_by,
        )
        end_uncovered_memberships(
            clients=[old.client_id], ended_by=changed_by, ended_by_basis=acted_on
        )
    return new


def revoke_consent(
    *,
    consent: Consent,
    revoked_by,
    revoked_on: datetime.date,
    method: str,
    through: str,
    through_organisation: Organisation | None = None,
    note: str = "",
) -> Consent:
    """Revokes the consent: it stops covering at this moment (a disclosure in the same
    second is refused).

    `revoked_on` is the day the client revoked, `through` whom, `method` how.
    Locks the client, then the version, so a disclosure running now either finishes first or
    sees the revocation. Refuses (ValidationError) a superseded or revoked
    version, a day in the future and a day before the consent was given.
    Creates one task per party for the responsible worker; for Kela the task
    is to send the revocation by secure e-mail. Logged as "consents.consent.revoked".
    An older version still covering until this one starts stops covering now too.
    Members of the client's team from organisations nothing covers now leave the team.
    The consent's expiry reminder not yet due is taken back: a revoked consent does not expire;
    so is the reminder that a guardian's consent ends at the client's coming of age. The
    open tasks of telling a party of an earlier change of the consent are settled for the
    parties the revocation concerns (_settle_change_notices).
    """
    if revoked_on > timezone.localdate():
        raise ValidationError({"revoked_on": _("Peruutuspäivä ei voi olla tulevaisuudessa.")})
    if not through.strip():
        raise ValidationError({"through": _("Kirjaa, kenen kautta peruutus tuli.")})
    if method not in RevocationMethod.values:
        raise ValidationError({"method": _("Valitse, miten peruutus tuli.")})
    with transaction.atomic():
        with history_context(revoked_by, "consents.consent.revoked"):
            _lock_client_of(consent)
            locked = Consent.objects.select_for_update().get(pk=consent.pk)
            _ensure_current(locked)
            # Read before the revocation, which may end the actor's own access through another
            # organisation (their rows name the relation they acted in).
            acted_on = relation_to(revoked_by, consent.client).basis
            if revoked_on < locked.signed_on:
                raise ValidationError(
                    {
                        "revoked_on": _(
                            "Peruutuspäivä ei voi olla ennen kuin suostumus annettiin (%(date)s)."
                        )
                        % {"date": date_format(locked.signed_on, "SHORT_DATE_FORMAT")}
                    }
                )
            now = timezone.now()
            locked.revoked_at = now
            locked.revoked_on = revoked_on
            locked.revoked_by = revoked_by
            locked.revocation_method = method
            locked.revoked_through = through.strip()
            locked.revoked_through_organisation = through_organisation
            locked.revocation_note = note.strip()
            locked.save(update_fields=REVOCATION_FIELDS)
            # An older version covering until this one starts (a change signed in advance)
            # ends with the consent: its parties lose coverage now too, and are told.
            ended_earlier = _end_earlier_versions(locked, at=now)
            told = _union_of_parties(locked, *ended_earlier)
            _settle_change_notices(locked, told, by=revoked_by)
            _withdraw_expiry_reminders(locked)
            _withdraw_majority_reminders(locked)
            log_client_access(
                revoked_by, consent.client, "consents.consent.revoked", locked, basis=acted_on
            )
        _create_notification_tasks(
            consent=locked,
            key_version=locked,
            parties=told,
            changed=False,
            actor=revoked_by,
        )
        end_uncovered_memberships(
            clients=[locked.client_id], ended_by=revoked_by, ended_by_basis=acted_on
        )
    return locked


def _settle_change_notices(revoked: Consent, parties: list[ConsentParty], *, by) -> int:
    """Checks off, as settled by the revocation (notifications' settle_tasks, in its history
    context: the task's history names "consents.consent.revoked" and who revoked), the open
    tasks of telling a party of a change of any version of the consent, for each party of
    the revocation: it is told of the revocation instead (or told the client's revocation
    itself), and a change of a consent revoked is no longer news to send, to Kela by secure
    e-mail or to anyone. A party that a change removed and the revoked version does not name
    is still told of the change: it lost coverage then. Returns how many."""
    from notifications.actions import settle_tasks
    from notifications.models import Task

    keys = {_party_key(party) for party in parties}
    kela = any(party.is_kela for party in parties)
    versions = Consent.objects.filter(series=revoked.series).values_list("pk", flat=True)
    notices = Task.objects.open().filter(
        content_type=ContentType.objects.get_for_model(Consent),
        object_id__in=[str(pk) for pk in versions],
        kind__in=CHANGE_NOTIFICATION_KINDS,
        key__startswith="consents.changed:",
    )
    settled = [
        task.key
        for task in notices
        # Kela is told once, however a version named it (a kind or the organisation).
        if (kela if task.kind == SEND_CHANGE_TO_KELA else task.key.rsplit(":", 1)[1] in keys)
    ]
    return settle_tasks(keys=settled, by=by) if settled else 0


def _lock_client_of(consent: Consent) -> None:
    """Locks the client's row before the consent's: a change or revocation ends the team
    memberships it no longer covers, and the team actions (adding a member, who is a
    disclosure on the consent) take the client's lock first and the consent's after it.
    Taken in the same order here, the two wait for each other instead of deadlocking."""
    Client.objects.select_for_update().get(pk=consent.client_id)


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day`, as `in_force` reads days (the current time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _end_earlier_versions(version: Consent, *, at: datetime.datetime) -> list[Consent]:
    """Earlier versions of the series that a change signed in advance left covering until
    a later moment stop at `at` at the latest (their rows locked by the update, so a
    disclosure on one of them waits or is seen). Returns those versions: their parties
    lose coverage at `at` rather than later."""
    earlier = Consent.objects.filter(series=version.series, superseded_at__gt=at).exclude(
        pk=version.pk
    )
    ended = list(earlier.order_by("version"))
    earlier.update(superseded_at=at)
    return ended


def _first_version(version: Consent) -> Consent:
    """What the consent's expiry reminders concern (page_panels' expiring_consent_reminders):
    the series' first version."""
    if version.version == 1:
        return version
    return Consent.objects.get(series=version.series, version=1)


def _withdraw_expiry_reminders(version: Consent) -> None:
    """Takes back the consent's expiry reminders not yet due: they were written for a last
    day that a change moved, or for a version now revoked."""
    from consents.page_panels import CONSENT_EXPIRING
    from notifications.actions import withdraw_reminders

    withdraw_reminders(rule=CONSENT_EXPIRING, concerning=_first_version(version))


def _withdraw_majority_reminders(version: Consent) -> None:
    """Takes back the reminders not yet due that the guardian's consent ends when the client
    comes of age (consents.majority): a revoked consent does not end then."""
    from consents.majority import GUARDIAN_CONSENT_ENDS_AT_MAJORITY
    from notifications.actions import withdraw_reminders

    withdraw_reminders(rule=GUARDIAN_CONSENT_ENDS_AT_MAJORITY, concerning=_first_version(version))


def _relink_majority_reminders(new: Consent) -> None:
    """The reminders that the guardian's consent ends at the client's coming of age lead to
    the new version; the sweep takes them back if the new version no longer ends then."""
    from consents.majority import GUARDIAN_CONSENT_ENDS_AT_MAJORITY
    from notifications.actions import relink_reminders

    link = reverse("consents:detail", kwargs={"client_id": new.client.uuid, "consent_id": new.pk})
    relink_reminders(
        rule=GUARDIAN_CONSENT_ENDS_AT_MAJORITY, concerning=_first_version(new), link=link
    )


def _settle_majority_reminders(consent: Consent) -> None:
    """The client's own consent, recorded or changed to: the reminders that their guardian's
    consent ends at their coming of age are settled at once (consents.majority)."""
    from consents.majority import settle_on_own_consent

    settle_on_own_consent(consent)


def _relink_expiry_reminders(new: Consent) -> None:
    """The consent's expiry reminders, still right after a change that kept the last day,
    lead to the new version (read ones stay read)."""
    from consents.page_panels import CONSENT_EXPIRING
    from notifications.actions import relink_reminders

    link = reverse("consents:detail", kwargs={"client_id": new.client.uuid, "consent_id": new.pk})
    relink_reminders(rule=CONSENT_EXPIRING, concerning=_first_version(new), link=link)


def _ensure_current(consent: Consent) -> None:
    if consent.superseded_at is not None:
        raise ValidationError(
            _("Suostumuksesta on jo uudempi versio. Tee muutos uusimpaan versioon.")
        )
    if consent.revoked_at is not None:
        raise ValidationError(_("Suostumus on jo peruutettu."))


def _union_of_parties(*versions: Consent) -> list[ConsentParty]:
    """Every party of any of the versions, once (the first version's first): a party
    removed from the new version, or one of an earlier version that stops covering with
    it, must also be told."""
    seen: dict[tuple, ConsentParty] = {}
    for version in versions:
        for party in version.parties.select_related("organisation").order_by("pk"):
            seen.setdefault((party.organisation_id, party.organisation_kind), party)
    return list(seen.values())


def _party_key(party: ConsentParty) -> str:
    return (
        f"org{party.organisation_id}"
        if party.organisation_id
        else f"kind-{party.organisation_kind}"
    )


def _to_be_told(party: ConsentParty, client: Client, revoked_through) -> bool:
    """Whether the worker tells `party` of a change or revocation. Not the organisation
    whose register holds the client (Polku applies the change to its users at once), nor
    the organisation the revocation came through (the client told it themselves). A party
    named by kind is told even when the revocation came through one organisation of that
    kind: the client told that one, not the others of the kind. Kela is one organisation,
    however it was named."""
    if party.organisation_id is not None and party.organisation_id == client.organisation_id:
        return False
    if revoked_through is None:
        return True
    if party.is_kela:
        return revoked_through.kind != OrganisationKind.KELA
    return party.organisation_id != revoked_through.pk


def _create_notification_tasks(
    *, consent: Consent, key_version: Consent, parties: Iterable[ConsentParty], changed: bool, actor
) -> None:
    from notifications.actions import create_task

    client = consent.client
    assignee = responsible_worker_of(client) or actor
    link = reverse("consents:detail", kwargs={"client_id": client.uuid, "consent_id": consent.pk})
    due = timezone.localdate() + datetime.timedelta(days=NOTIFY_WITHIN_DAYS)
    event = "changed" if changed else "revoked"
    description = Text(
        gettext_noop("Asiakas: {client}. Suostumus: {consent}."),
        client=client.display_name,
        consent=lazystr(consent),
    )
    kela_told = False
    for party in parties:
        if not _to_be_told(party, client, consent.revoked_through_organisation):
            continue
        if party.is_kela:
            # Kela is one organisation, told once by secure e-mail, however it was named.
            if kela_told:
                continue
            kela_told = True
            kind = SEND_CHANGE_TO_KELA if changed else SEND_REVOCATION_TO_KELA
            title = Text(
                gettext_noop("Lähetä suostumuksen muutos Kelaan suojatulla sähköpostilla")
                if changed
                else gettext_noop("Lähetä peruutus Kelaan suojatulla sähköpostilla")
            )
        else:
            kind = NOTIFY_PARTY_OF_CHANGE if changed else NOTIFY_PARTY_OF_REVOCATION
            template = (
                gettext_noop("Ilmoita suostumuksen muutoksesta: {party}")
                if changed
                else gettext_noop("Ilmoita suostumuksen peruutuksesta: {party}")
            )
            # The party's name is kept in each language (an organisation's, or a kind's).
            title = Text(template, party=lazystr(party))
        create_task(
            assignee=assignee,
            kind=kind,
            title=title,
            description=description,
            due_date=due,
            concerning=consent,
            client_id=client.uuid,
            link=link,
            created_by=actor,
            key=f"consents.{event}:{key_version.pk}:{_party_key(party)}",
        )


def log_notification_completed(*, task, by) -> None:
    """The access-log row of checking off a task of telling a party of a consent's change or
    revocation ("consents.notification.completed"), or of telling a member of another
    organisation that their place on the team ended with the consent
    ("consents.member_uncovered.told"), wherever it was checked off (the consent page or
    the inbox).

    Registered in ConsentsConfig.ready() as the completion hook of the party-
    notification kinds; notifications' complete_task calls it in its transaction
    (the assignee only, once per check-off).
    """
    client = Client.objects.get(uuid=task.client_id)
    relation = relation_to(by, client)
    # An open task moves to the new responsible worker with a transfer; one that stays with
    # a user off the team (given when the client had no responsible worker) is checked off
    # on the task itself, not on a relation the user no longer has.
    log_access(
        actor=by,
        client_id=client.uuid,
        action=(
            "consents.member_uncovered.told"
            if task.kind == MEMBER_UNCOVERED_TASK
            else "consents.notification.completed"
        ),
        basis=relation.basis if relation.visible else Basis.ASSIGNED_TASK,
        obj=task,
    )
