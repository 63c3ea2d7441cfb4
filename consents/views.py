"""Consent pages. Each view: the client or consent through access.py (which
checks the permission and logs the read), a form, one action, render or
redirect."""

import datetime

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import DisclosureLogEntry
from clients.access import get_client_for_user, log_client_access, log_shown_again, read_log
from config.downloads import file_name
from config.forms import add_action_error
from consents import actions, scan_files, scanning
from consents.access import get_consent_for_user, get_scan_for_user, get_statutory_basis_for_user
from consents.coverage import (
    DisclosureNotCovered,
    consent_statuses,
    disclosure_basis,
    event_of,
    events_of,
    record_disclosure,
)
from consents.forms import (
    ConsentForm,
    DisclosureForm,
    EndStatutoryBasisForm,
    RevokeConsentForm,
    ScanUploadForm,
    StatutoryBasisForm,
)
from consents.models import Consent, ConsentMethod, ConsentParty, ConsentScan, StatutoryBasis
from services.i18n import in_name_order

# Access-log action codes of the reads.
LISTED = "consents.consents.viewed"
VIEWED = "consents.consent.viewed"
FORM_VIEWED = "consents.consent.form_viewed"


def _parties():
    return Prefetch(
        "parties",
        queryset=ConsentParty.objects.select_related("organisation").order_by(
            "organisation_kind", in_name_order("organisation__"), "pk"
        ),
    )


@require_GET
def consent_list(request, client_id):
    """Every consent of the client (newest version of each), and the statutory bases."""
    client = get_client_for_user(
        request.user, client_id, permission="consents.view_consents", log_action=LISTED
    )
    consents = list(
        Consent.objects.filter(client=client)
        .current()
        .select_related("client", "recorded_by", "revoked_by")
        .prefetch_related(_parties())
        .order_by("-recorded_at", "-pk")
    )
    bases = list(
        StatutoryBasis.objects.filter(client=client)
        .select_related("organisation", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    statuses = consent_statuses(client, consents)
    now = timezone.now()
    # A renewal signed in advance is the newest version; the version it replaces covers
    # until the renewal starts, and its row says so.
    covering = {
        earlier.series: (earlier, _covers_until(earlier))
        for earlier in Consent.objects.filter(client=client, superseded_at__gt=now)
        .in_force(now)
        .select_related("client")
        .order_by("version")
    }
    return render(
        request,
        "consents/consent_list.html",
        {
            "client": client,
            "rows": [
                (consent, statuses[consent.pk], covering.get(consent.series))
                for consent in consents
            ],
            "bases": bases,
            "now": now,
            "may_record": rules.has_perm("consents.record_consent", request.user, client),
            "may_disclose": rules.has_perm("consents.record_disclosure", request.user, client),
        },
    )


def _covers_until(version: Consent) -> datetime.date:
    """The last day a version replaced by a renewal signed in advance covers: the day before
    the renewal starts, or its own last day when that comes first (as the coverage panel)."""
    last = timezone.localdate(version.superseded_at) - datetime.timedelta(days=1)
    return last if version.last_day is None else min(last, version.last_day)


@require_http_methods(["GET", "POST"])
def consent_create(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="consents.record_consent",
        log_action=read_log(request, FORM_VIEWED),
    )
    form = ConsentForm(request.POST or None, request.FILES or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            consent = actions.record_consent(
                client=client,
                terms=form.terms(),
                recorded_by=request.user,
                scan=form.cleaned_data.get("scan"),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Suostumus kirjattu."))
            return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    form.tell_scan_not_kept()
    log_shown_again(request, client, FORM_VIEWED)
    return render(
        request,
        "consents/consent_form.html",
        {
            "client": client,
            "form": form,
            "consent": None,
            "scanning_on": scanning.scanning_enabled(),
        },
    )


@require_GET
def consent_detail(request, client_id, consent_id):
    """One version with the history of its consent: every version and who recorded it."""
    client, consent = get_consent_for_user(
        request.user, client_id, consent_id, permission="consents.view_consents", log_action=VIEWED
    )
    return _render_consent(request, client, consent)


def _render_consent(request, client, consent, *, invalid=None, status=200):
    """The consent page; `invalid` is (task id, its check-off form with errors) when a
    check-off was refused, shown in that task's row."""
    versions = list(
        Consent.objects.filter(series=consent.series)
        .select_related("client", "recorded_by", "revoked_by", "revoked_through_organisation")
        .prefetch_related(_parties())
        .order_by("-version")
    )
    current = next(v for v in versions if v.is_current)
    version = next(v for v in versions if v.pk == consent.pk)
    scans = list(
        ConsentScan.objects.filter(consent__series=consent.series)
        .select_related("uploaded_by", "consent")
        .order_by("-uploaded_at", "-pk")
    )
    disclosures = DisclosureLogEntry.objects.filter(consent_id__in=[v.pk for v in versions])
    acting_in = request.user.active_assignment.unit.organisation_id
    partner = acting_in != client.organisation_id
    if partner:
        # Need to know: a partner sees what was disclosed to their own organisation only.
        disclosures = disclosures.filter(recipient_organisation_id=acting_in)
    disclosures = list(
        disclosures.select_related("recipient_organisation", "actor").order_by("-at", "-pk")[:50]
    )
    tasks = _notification_tasks(versions, invalid)
    may_change = rules.has_perm("consents.change_consent", request.user, client)
    may_record = rules.has_perm("consents.record_consent", request.user, client)
    statuses = consent_statuses(client, versions)
    return render(
        request,
        "consents/consent_detail.html",
        {
            "client": client,
            "consent": version,
            "current": current,
            "versions": [(v, statuses[v.pk]) for v in versions],
            "scans": scans,
            "disclosures": disclosures,
            "disclosures_to_own_organisation_only": partner,
            "tasks": tasks,
            # A refused check-off: its task and form (the error summary at the top).
            "invalid_task": next(
                ((t, f) for t, f in tasks if invalid and t.pk == invalid[0]), None
            ),
            "today": timezone.localdate(),
            "now": timezone.now(),
            "status": statuses[version.pk],
            "may_change": may_change and version.is_current and not version.is_revoked,
            "may_attach": rules.has_perm("consents.attach_scan", request.user, client)
            and not version.is_oral
            and version.is_current
            and not version.is_revoked,
            "scanning_on": scanning.scanning_enabled(),
            # The team sees what the consent covers; who gave it (name, basis), how a
            # revocation came and its note, and the signed form are for those who record.
            "shows_giver": may_record,
            "may_download": rules.has_perm("consents.download_scan", request.user, client),
        },
        status=status,
    )


def _parties_to_tell(version: Consent, kinds) -> bool:
    """Whether the change or revocation just recorded gave the worker tasks of telling parties
    (`kinds`): a consent naming only the client's own organisation, or the one the revocation
    came through, leaves nobody to tell."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Task

    return Task.objects.filter(
        content_type=ContentType.objects.get_for_model(Consent),
        object_id=str(version.pk),
        kind__in=kinds,
    ).exists()


def _notification_tasks(versions, invalid=None):
    """The tasks to tell the parties of this consent's changes and revocation, with a
    check-off form for the viewer's own open ones (the refused one as it was sent)."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.forms import CompleteTaskForm
    from notifications.models import Task

    tasks = (
        Task.objects.filter(
            content_type=ContentType.objects.get_for_model(Consent),
            object_id__in=[str(v.pk) for v in versions],
            kind__in=actions.PARTY_NOTIFICATION_KINDS,
        )
        .select_related("assignee", "done_by")
        .order_by("created_at", "pk")
    )
    return [
        (
            task,
            invalid[1] if invalid and invalid[0] == task.pk else CompleteTaskForm(task_id=task.pk),
        )
        for task in tasks
    ]


def _log_form_shown(request, client, obj) -> None:
    """The read of a form page about to be shown on GET, logged once the page has not sent
    the user on (a page it redirects to logs its own read). On POST the action writes its
    row, or a refused form logs as shown again (`log_shown_again`)."""
    if request.method == "GET":
        log_client_access(request.user, client, FORM_VIEWED, obj)


@require_http_methods(["GET", "POST"])
def consent_change(request, client_id, consent_id):
    """Changing or restricting: a new version that supersedes this one. Logged when the form
    is shown: a version that cannot be changed sends the user to the consent page, which logs
    its own read."""
    client, consent = get_consent_for_user(
        request.user,
        client_id,
        consent_id,
        permission="consents.change_consent",
        log_action=None,
    )
    if not consent.is_current or consent.is_revoked:
        messages.error(
            request, _("Vain voimassa olevan suostumuksen uusinta versiota voi muuttaa.")
        )
        return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    _log_form_shown(request, client, consent)
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        client=client,
        initial=ConsentForm.initial_for_change(consent),
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.change_consent(
                consent=consent,
                terms=form.terms(),
                changed_by=request.user,
                scan=form.cleaned_data.get("scan"),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Muutos kirjattu uutena versiona. Osapuolille ilmoittamisesta on luotu tehtävät.")
                if _parties_to_tell(new, actions.CHANGE_NOTIFICATION_KINDS)
                else _(
                    "Muutos kirjattu uutena versiona. "
                    "Ilmoitettavia osapuolia ei ole, joten tehtäviä ei luotu."
                ),
            )
            return redirect("consents:detail", client_id=client.uuid, consent_id=new.pk)
    form.tell_scan_not_kept()
    log_shown_again(request, client, FORM_VIEWED, consent)
    return render(
        request,
        "consents/consent_form.html",
        {
            "client": client,
            "form": form,
            "consent": consent,
            "scanning_on": scanning.scanning_enabled(),
        },
    )


@require_http_methods(["GET", "POST"])
def consent_revoke(request, client_id, consent_id):
    """Logged when the form is shown: a version that cannot be revoked sends the user to the
    consent page, which logs its own read."""
    client, consent = get_consent_for_user(
        request.user,
        client_id,
        consent_id,
        permission="consents.revoke_consent",
        log_action=None,
    )
    if not consent.is_current or consent.is_revoked:
        messages.error(
            request, _("Vain voimassa olevan suostumuksen uusimman version voi peruuttaa.")
        )
        return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    _log_form_shown(request, client, consent)
    form = RevokeConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_consent(
                consent=consent,
                revoked_by=request.user,
                revoked_on=form.cleaned_data["revoked_on"],
                method=form.cleaned_data["method"],
                through=form.cleaned_data["through"],
                through_organisation=form.cleaned_data["through_organisation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Suostumus peruutettu. Osapuolille ilmoittamisesta on luotu tehtävät.")
                if _parties_to_tell(consent, actions.REVOCATION_NOTIFICATION_KINDS)
                else _(
                    "Suostumus peruutettu. Ilmoitettavia osapuolia ei ole, joten tehtäviä ei luotu."
                ),
            )
            return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    log_shown_again(request, client, FORM_VIEWED, consent)
    return render(
        request, "consents/revoke.html", {"client": client, "consent": consent, "form": form}
    )


@require_http_methods(["GET", "POST"])
def scan_upload(request, client_id, consent_id):
    """Logged when the form is shown: a version that takes no scan sends the user to the
    consent page, which logs its own read."""
    client, consent = get_consent_for_user(
        request.user,
        client_id,
        consent_id,
        permission="consents.attach_scan",
        log_action=None,
    )
    refusal = actions.scan_refusal(consent) if request.method == "GET" else None
    if refusal:
        # An oral, superseded or revoked version takes no scan and its page links to no
        # upload: an address kept from before gets the reason, not a form that cannot
        # succeed. (A file posted meanwhile is refused by the action, next to the field.)
        messages.error(request, refusal)
        return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    _log_form_shown(request, client, consent)
    form = ScanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scan = actions.attach_scan(
                consent=consent, uploaded=form.cleaned_data["scan"], uploaded_by=request.user
            )
        except ValidationError as error:
            form.add_error("scan", error)
        else:
            messages.success(
                request,
                _("Lomake tallennettu. Se on karanteenissa, kunnes virustarkistus on valmis.")
                if scan.status == "pending"
                else _("Lomake tallennettu."),
            )
            return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)
    log_shown_again(request, client, FORM_VIEWED, consent)
    return render(
        request,
        "consents/scan_upload.html",
        {
            "client": client,
            "consent": consent,
            "form": form,
            "scanning_on": scanning.scanning_enabled(),
        },
    )


@require_GET
def scan_download(request, client_id, consent_id, scan_id):
    """Serves a scan that is not in quarantine; the download is logged."""
    client, consent, scan = get_scan_for_user(request.user, client_id, consent_id, scan_id)
    try:
        stream = scan_files.path_for(scan.stored_name, quarantined=False).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_client_access(request.user, client, "consents.scan.downloaded", scan)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=file_name(_("Suostumus"), consent.pk, scan.pk, extension=scan.extension),
        content_type=scan.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def complete_notification(request, client_id, consent_id, task_id):
    """Checks off one's own task of telling a party of this consent's change or revocation,
    with the date it was done (logged by the kind's completion hook,
    actions.log_notification_completed); any other task of the user answers 404 here."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.access import get_task_for_user
    from notifications.actions import complete_task
    from notifications.forms import CompleteTaskForm

    client, consent = get_consent_for_user(
        request.user, client_id, consent_id, permission="consents.view_consents", log_action=None
    )
    task = get_task_for_user(request.user, task_id)
    versions = Consent.objects.filter(series=consent.series).values_list("pk", flat=True)
    if (
        task.client_id != client.uuid
        or task.content_type_id != ContentType.objects.get_for_model(Consent).pk
        or task.object_id not in {str(pk) for pk in versions}
        or task.kind not in actions.PARTY_NOTIFICATION_KINDS
    ):
        raise Http404
    form = CompleteTaskForm(request.POST, task_id=task.pk)
    if form.is_valid():
        try:
            complete_task(task=task, by=request.user, done_on=form.cleaned_data["done_on"])
        except ValidationError as error:
            form.add_error("done_on", error)
    if not form.is_valid():
        # The page again, the refusal next to the task's date as it was typed.
        log_shown_again(request, client, VIEWED, consent)
        return _render_consent(request, client, consent, invalid=(task.pk, form), status=400)
    messages.success(
        request, _("Tehtävä merkitty tehdyksi: %(title)s") % {"title": task.shown_title}
    )
    return redirect("consents:detail", client_id=client.uuid, consent_id=consent.pk)


@require_http_methods(["GET", "POST"])
def statutory_basis_create(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="consents.record_statutory_basis",
        log_action=read_log(request, FORM_VIEWED),
    )
    form = StatutoryBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_statutory_basis(
                client=client, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Lakiperuste kirjattu."))
            return redirect("consents:list", client_id=client.uuid)
    log_shown_again(request, client, FORM_VIEWED)
    return render(request, "consents/statutory_basis_form.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def statutory_basis_end(request, client_id, basis_id):
    """Asks to confirm, then stops relying on the statutory basis (it cannot be taken back).
    A POST without the confirmation (a page from before it was asked) shows the question
    again. Logged when the question is shown: a basis ended already sends the user to the
    consents list, which logs its own read."""
    client, basis = get_statutory_basis_for_user(
        request.user,
        client_id,
        basis_id,
        permission="consents.record_statutory_basis",
        log_action=None,
    )
    if basis.ended_at is not None:
        messages.info(request, _("Lakiperusteeseen ei enää vedota."))
        return redirect("consents:list", client_id=client.uuid)
    _log_form_shown(request, client, basis)
    form = EndStatutoryBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.end_statutory_basis(basis=basis, ended_by=request.user)
        messages.success(request, _("Lakiperusteeseen ei enää vedota."))
        return redirect("consents:list", client_id=client.uuid)
    log_shown_again(request, client, FORM_VIEWED, basis)
    return render(
        request,
        "consents/statutory_basis_end.html",
        {"client": client, "basis": basis, "form": form},
    )


def _an_oral_consent_would_cover(form, client, data, *, at) -> bool:
    """Whether one of the oral consents the form offers would cover the refused disclosure
    had it been picked (the disclosure made within its event): only then does the refusal
    point to the choice."""
    if "oral_consent" not in form.fields:
        return False
    return any(
        disclosure_basis(
            client=client,
            organisation=data["organisation"],
            category=data["categories"],
            purpose=data["purpose"],
            at=at,
            event=event,
        )
        is not None
        for event in events_of(client, form.fields["oral_consent"].queryset).values()
        if event is not None
    )


@require_http_methods(["GET", "POST"])
def disclosure_create(request, client_id):
    """Logs a disclosure made outside Polku, after the coverage function allowed it.

    A disclosure within an event an oral consent of today was given for names
    that event (`coverage.event_of`): a consultation session's oral consent
    covers it only from the session's start to its end; one for an event Polku does not hold
    (a call with Kela) only between the start and end recorded with it. A disclosure
    made earlier today (a call logged after hanging up, with the oral consent given in it)
    gives its time, and is checked at that time.
    """
    client = get_client_for_user(
        request.user,
        client_id,
        permission="consents.record_disclosure",
        log_action=read_log(request, FORM_VIEWED),
    )
    today, now = timezone.localdate(), timezone.now()
    oral = (
        Consent.objects.filter(client=client, method=ConsentMethod.ORAL, event_date=today)
        .current()
        .not_revoked()
        .select_related("client")
    )
    oral_events = events_of(client, oral)
    # Offered: the oral consents whose event has begun (going on, or over: a disclosure made
    # in it is logged afterwards with its time).
    begun = [
        pk
        for pk, event in oral_events.items()
        if event is not None and (event.starts_at is None or event.starts_at <= now)
    ]
    if request.method == "POST" and request.POST.get("oral_consent"):
        offered = oral  # any of today's: the refusal says why one does not cover
    elif begun:
        offered = oral.filter(pk__in=begun)
    else:
        offered = None
    form = DisclosureForm(request.POST or None, oral_consents=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        oral_consent = data.get("oral_consent")
        event = event_of(oral_consent) if oral_consent else None
        try:
            record_disclosure(
                actor=request.user,
                client=client,
                organisation=data["organisation"],
                category=data["categories"],
                purpose=data["purpose"],
                channel=data["channel"],
                what=data["what"],
                recipient_description=data["recipient_description"],
                event=event,
                at=form.disclosure_moment(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        except DisclosureNotCovered as refusal:
            # Outside the oral consent's event: the time is what does not fit.
            form.add_error("disclosed_at" if refusal.outside_event else None, str(refusal))
            if oral_consent is None and _an_oral_consent_would_cover(
                form, client, data, at=form.disclosure_moment()
            ):
                # Given in an event of today's oral consent: that consent is what covers it.
                form.add_error(
                    "oral_consent",
                    _(
                        "Jos tiedot luovutettiin tapahtumassa, johon asiakas antoi suullisen "
                        "suostumuksen, valitse se tästä."
                    ),
                )
        else:
            messages.success(request, _("Luovutus kirjattu luovutuslokiin."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client, FORM_VIEWED)
    return render(request, "consents/disclosure_form.html", {"client": client, "form": form})
