"""Consultation requests: asking, triage, declining, placing on a session's agenda, and
the asker's withdrawing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from audit.history import history_context
from clients.models import Client
from clients.querysets import responsible_worker_of
from consultations.actions.common import (
    CANCEL,
    REQUEST,
    REQUEST_DECLINED_TASK,
    log_case,
    refuse_identifying,
    send_invitations_on_commit,
    violated,
)
from consultations.actions.presenters import invite_presenters, release_presenters
from consultations.models import (
    REQUEST_ON_ONE_SESSION,
    SLOTS_NOT_OVERLAPPING,
    AgendaItem,
    ConsultationRequest,
    Network,
    RequestStatus,
    Session,
)
from consultations.pseudonymity import (
    check_pseudonymous,
    identifying_mentions,
    names_another_client,
)
from notifications.texts import Text

# A request not yet discussed: asking the same again is a repeat, not a new question.
WAITING_FOR_NETWORK = (RequestStatus.REQUESTED, RequestStatus.TRIAGED, RequestStatus.SCHEDULED)
# Serialises the numbering of requests (K-2026-001, -002, ...) within a year.
NUMBERING_LOCK = 0x4B4F4E53  # "KONS"
DEFAULT_SLOT_MINUTES = 30


def networks_for(client: Client):
    """The networks a request about the client may prefer: the active ones that serve the
    organisation of the client's responsible unit (NetworkQuerySet.serving). A network of
    an organisation the client's has nothing to do with is not theirs to ask."""
    return Network.objects.active().serving(client.responsible_unit.organisation_id)


def ask_for_consultation(
    *,
    client,
    asked_by,
    question: str,
    background: str,
    tried_so_far: str,
    pseudonymous_summary: str,
    includes_health_data: bool = False,
    urgency: str = "normal",
    preferred_network=None,
) -> ConsultationRequest:
    """Records a request on behalf of the client's responsible worker.

    The question and the pseudonymous summary must name none of the client's
    names nor their identity code or birth date (ValidationError), and a preferred network
    must be one of `networks_for(client)`. Under the
    client's row lock, a closed client is refused, and so is a repeat: the same
    asker's same question about the client while it still waits for the network
    (a double submit sends one request). The responsible worker the request is recorded
    for is read under that lock too: a transfer of responsibility at the same moment (which
    locks the client first) either commits first, and the request is its new worker's, or
    waits for this one. The request gets the next reference of the year (K-2026-014) under
    an advisory lock; the create is logged.
    """
    check_pseudonymous(client, question=question, pseudonymous_summary=pseudonymous_summary)
    year = timezone.localdate().year
    with transaction.atomic(), history_context(asked_by, "consultations.request.created"):
        # A repeat waits here for the first to commit, and then finds it.
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if not locked.is_active:
            raise ValidationError(_("Asiakkuus on päättynyt."))
        if (
            preferred_network is not None
            and not networks_for(locked).filter(pk=preferred_network.pk).exists()
        ):
            raise ValidationError(
                {"preferred_network": _("Verkosto ei käsittele tämän asiakkaan asioita.")}
            )
        worker = responsible_worker_of(client)
        if worker is None:
            raise ValidationError(_("Asiakkaalla ei ole vastuutyöntekijää."))
        waiting = (
            ConsultationRequest.objects.filter(
                client=client,
                asked_by=asked_by,
                question=question.strip(),
                status__in=WAITING_FOR_NETWORK,
            )
            .values_list("reference", flat=True)
            .first()
        )
        if waiting:
            raise ValidationError(
                _("Sama kysymys tästä asiakkaasta odottaa jo verkoston käsittelyä (%(case)s).")
                % {"case": waiting}
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBERING_LOCK])
        number = (
            ConsultationRequest.objects.filter(year=year).aggregate(last=Max("number"))["last"] or 0
        ) + 1
        request = ConsultationRequest.objects.create(
            reference=f"K-{year}-{number:03d}",
            year=year,
            number=number,
            client=client,
            responsible_worker=worker,
            asked_by=asked_by,
            question=question.strip(),
            background=background.strip(),
            tried_so_far=tried_so_far.strip(),
            pseudonymous_summary=pseudonymous_summary.strip(),
            includes_health_data=includes_health_data,
            urgency=urgency,
            preferred_network=preferred_network,
        )
        log_case(asked_by, client, "consultations.request.created", request, request.reference)
    return request


def refuse_closing_with_waiting_requests(client: Client) -> None:
    """The check `clients.actions.close_client` runs (registered with `on_closing`): a client
    relationship closes only when none of the client's requests waits for the network
    (requested, triaged or scheduled). Its network would otherwise discuss, and its
    participants read, the case of someone who is no longer a client. ValidationError
    naming them otherwise: the asker or the responsible worker withdraws them first. One
    query, under the client's row lock `close_client` holds, which `ask_for_consultation`
    and `place_on_session` take too."""
    waiting = list(
        ConsultationRequest.objects.filter(client=client, status__in=WAITING_FOR_NETWORK)
        .order_by("year", "number")
        .values_list("reference", flat=True)
    )
    if waiting:
        raise ValidationError(
            ngettext(
                "Asiakkaan konsultaatiopyyntö %(cases)s odottaa verkoston käsittelyä. Peru se "
                "ensin pyynnön sivulta.",
                "Asiakkaan konsultaatiopyynnöt %(cases)s odottavat verkoston käsittelyä. Peru "
                "ne ensin pyyntöjen sivuilta.",
                len(waiting),
            )
            % {"cases": ", ".join(waiting)}
        )


# What the coordinator is told when the request was withdrawn meanwhile.
WITHDRAWN_ALREADY = gettext_lazy("Pyytäjä on perunut pyynnön.")


def _locked(request: ConsultationRequest, *, field: str | None = None) -> ConsultationRequest:
    """The request under its row lock; a withdrawn one is refused (next to `field`)."""
    locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
    locked.client = request.client
    if locked.status == RequestStatus.WITHDRAWN:
        raise ValidationError({field: WITHDRAWN_ALREADY} if field else WITHDRAWN_ALREADY)
    return locked


def triage_request(*, request: ConsultationRequest, triaged_by, network, note: str = ""):
    """Accepts the request for `network`'s agenda; it waits for a session (status triaged).

    The note is read on the triage page by the network's coordinators, also those who see
    the case pseudonymously: one that identifies the client is refused next to "note"."""
    refuse_identifying(triaged_by, request.client, obj=request, note=note)
    with transaction.atomic(), history_context(triaged_by, "consultations.request.triaged"):
        locked = _locked(request)
        if locked.status not in (RequestStatus.REQUESTED, RequestStatus.TRIAGED):
            raise ValidationError(_("Pyyntö on jo esityslistalla tai käsitelty."))
        locked.network = network
        locked.status = RequestStatus.TRIAGED
        locked.triage_note = note.strip()
        locked.triaged_at = timezone.now()
        locked.triaged_by = triaged_by
        locked.save(update_fields=["network", "status", "triage_note", "triaged_at", "triaged_by"])
        log_case(
            triaged_by, locked.client, "consultations.request.triaged", locked, locked.reference
        )
    return locked


def decline_request(*, request: ConsultationRequest, declined_by, reason: str):
    """Declines with a reason; the asker gets a task to read it (and perhaps ask elsewhere).

    The reason is read on the triage page by the network's coordinators, also those who
    see the case pseudonymously: one that identifies the client is refused next to
    "reason"."""
    from notifications.actions import create_task

    if not reason.strip():
        raise ValidationError({"reason": _("Kirjaa syy, jotta pyytäjä tietää, miksi.")})
    refuse_identifying(declined_by, request.client, obj=request, reason=reason)
    with transaction.atomic(), history_context(declined_by, "consultations.request.declined"):
        locked = _locked(request)
        if locked.status not in (RequestStatus.REQUESTED, RequestStatus.TRIAGED):
            raise ValidationError(_("Esityslistalla olevaa tai käsiteltyä pyyntöä ei voi hylätä."))
        locked.status = RequestStatus.DECLINED
        locked.decline_reason = reason.strip()
        locked.declined_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "declined_at"])
        create_task(
            assignee=locked.asked_by,
            kind=REQUEST_DECLINED_TASK,
            title=Text(
                gettext_noop("Konsultaatiopyyntöä {case} ei otettu käsittelyyn"),
                case=locked.reference,
            ),
            description=locked.decline_reason,
            concerning=locked,
            client_id=locked.client.uuid,
            link=request_url(locked),
            created_by=declined_by,
            key=f"{REQUEST_DECLINED_TASK}:{locked.pk}",
        )
        log_case(
            declined_by, locked.client, "consultations.request.declined", locked, locked.reference
        )
    return locked


def request_url(request: ConsultationRequest) -> str:
    return reverse(
        "consultations:request_detail",
        kwargs={"client_id": request.client.uuid, "request_id": request.pk},
    )


def _next_free_start(session: Session) -> datetime.datetime:
    last = AgendaItem.objects.filter(session=session).aggregate(last=Max("ends_at"))["last"]
    return max(last, session.starts_at) if last else session.starts_at


def _check_session_texts_for(client, session: Session) -> None:
    """Refuses placing the client's case on a session whose place or video link identifies
    the client: the updated invitation carries them by e-mail and into calendars, which
    name no client (DESIGN.md). As sessions.change_session's check, the error does not
    say what matched."""
    texts = (session.place, session.video_link)
    if any(identifying_mentions(client, text) for text in texts if text):
        raise ValidationError(
            {
                "session": _(
                    "Istunnon paikassa tai videoyhteyden osoitteessa on asiakkaan "
                    "tunnistetietoja, ja kutsu lähtee sähköpostilla. Muuta istunnon paikka "
                    "tai videoyhteys ennen kuin lisäät tapauksen."
                )
            }
        )


def _check_cases_apart(request: ConsultationRequest, session: Session) -> None:
    """Refuses placing a case whose question or summary names the client of another case on
    the agenda, or whose client another case's question or summary names: every participant
    reads every case's question and summary, also of the cases they see only
    pseudonymously. On a session under way, the minutes already recorded for the other
    cases and their recommendations are read by every participant too: one naming this
    client refuses it as well. The texts were checked against their own client when asked;
    the other clients on the agenda are known only now. As above, the error does not say
    what matched."""
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("request__client")
        .prefetch_related("recommendations")
    )
    if not items:
        return
    others = [item.request for item in items]
    own_texts = (request.question, request.pseudonymous_summary)
    their_texts = [
        text
        for item in items
        for text in (
            item.request.question,
            item.request.pseudonymous_summary,
            item.minutes,
            *(recommendation.text for recommendation in item.recommendations.all()),
        )
        if text
    ]
    if any(
        names_another_client([other.client for other in others], text) for text in own_texts
    ) or any(names_another_client([request.client], text) for text in their_texts):
        raise ValidationError(
            {
                "session": _(
                    "Tämän tapauksen ja istunnon toisen tapauksen kysymys tai tiivistelmä "
                    "tunnistaa toisen tapauksen asiakkaan. Kaikki osallistujat näkevät "
                    "jokaisen tapauksen tekstit: käsittele tapaus toisessa istunnossa."
                )
            }
        )


def _check_expertise_names_not(client, session: Session) -> None:
    """Refuses placing the client's case on a session where a participant's expertise names
    the client: every participant reads everyone's expertise on the session page, also
    those who see the case only pseudonymously. invite_guest checked it against the
    clients on the agenda then; this client is known only now. As above, the error does
    not say what matched, nor whose expertise it is."""
    expertise = session.participants.current().exclude(expertise="")
    if any(
        names_another_client([client], text)
        for text in expertise.values_list("expertise", flat=True)
    ):
        raise ValidationError(
            {
                "session": _(
                    "Istunnon osallistujan asiantuntemuksen kuvaus tunnistaa tämän tapauksen "
                    "asiakkaan. Kaikki osallistujat näkevät kuvauksen: käsittele tapaus "
                    "toisessa istunnossa."
                )
            }
        )


def place_on_session(
    *,
    request: ConsultationRequest,
    session: Session,
    placed_by,
    starts_at: datetime.datetime | None = None,
    minutes: int = DEFAULT_SLOT_MINUTES,
) -> AgendaItem:
    """Puts the request on the session's agenda in a time slot (after the last one by default).

    A session whose place or video link identifies the client is refused
    (ValidationError on "session"): the invitation would carry it; so is a case whose
    texts and another agenda case's texts (its minutes and recommendations too) identify
    each other's clients, one whose client a participant's expertise names, and a request
    triaged for another network than the session's (triage it again to take it there).
    The database
    refuses a request on two sessions and two overlapping slots in one session;
    both come back as ValidationErrors. The one who asked and the client's
    responsible worker join the session as presenters unless they take part
    already (actions.presenters); one of them in another session at an
    overlapping time is refused, named next to "session". The session's
    SEQUENCE grows and participants, presenters included, get the updated
    invitation (with the new pseudonymous case reference) after commit.

    A closed client's request is refused (ValidationError on "session"): the client's row
    is locked first (the order ask_for_consultation and a transfer of responsibility keep),
    so a close at the same moment either commits first or waits, and then finds the request
    on the agenda (refuse_closing_with_waiting_requests).
    """
    if minutes <= 0:
        raise ValidationError({"minutes": _("Anna tapaukselle aikaa.")})
    try:
        with transaction.atomic(), history_context(placed_by, "consultations.request.scheduled"):
            if not Client.objects.select_for_update().get(pk=request.client_id).is_active:
                raise ValidationError({"session": _("Asiakkuus on päättynyt.")})
            locked_session = Session.objects.select_for_update().get(pk=session.pk)
            if locked_session.is_cancelled or locked_session.ends_at <= timezone.now():
                raise ValidationError({"session": _("Istunto on peruttu tai jo pidetty.")})
            locked = _locked(request, field="session")
            if locked.status not in (RequestStatus.REQUESTED, RequestStatus.TRIAGED):
                raise ValidationError(
                    {"session": _("Pyyntö on jo toisen istunnon esityslistalla tai käsitelty.")}
                )
            if (
                locked.status == RequestStatus.TRIAGED
                and locked.network_id != locked_session.network_id
            ):
                raise ValidationError(
                    {
                        "session": _(
                            "Pyyntö on otettu käsittelyyn verkostolle %(network)s: valitse sen "
                            "istunto, tai vaihda verkosto ensin käsittelyssä."
                        )
                        % {"network": locked.network}
                    }
                )
            _check_session_texts_for(locked.client, locked_session)
            _check_cases_apart(locked, locked_session)
            _check_expertise_names_not(locked.client, locked_session)
            start = starts_at or _next_free_start(locked_session)
            end = start + datetime.timedelta(minutes=minutes)
            if start < locked_session.starts_at or end > locked_session.ends_at:
                raise ValidationError({"starts_at": _("Tapauksen ajan on oltava istunnon aikana.")})
            item = AgendaItem.objects.create(
                session=locked_session, request=locked, starts_at=start, ends_at=end
            )
            locked.network = locked_session.network
            locked.status = RequestStatus.SCHEDULED
            fields = ["network", "status"]
            if locked.triaged_at is None:
                locked.triaged_at, locked.triaged_by = timezone.now(), placed_by
                fields += ["triaged_at", "triaged_by"]
            locked.save(update_fields=fields)
            invite_presenters(session=locked_session, request=locked, invited_by=placed_by)
            locked_session.sequence += 1
            locked_session.save(update_fields=["sequence"])
            log_case(
                placed_by, locked.client, "consultations.request.scheduled", item, locked.reference
            )
            send_invitations_on_commit(
                locked_session,
                locked_session.participants.current().values_list("user_id", flat=True),
                REQUEST,
            )
    except IntegrityError as error:
        if violated(error, REQUEST_ON_ONE_SESSION):
            raise ValidationError(
                {
                    "session": _(
                        "Pyyntö on jo toisen istunnon esityslistalla. Sama tapaus käsitellään yhdessä istunnossa."
                    )
                }
            ) from None
        if violated(error, SLOTS_NOT_OVERLAPPING):
            raise ValidationError(
                {"starts_at": _("Aika on jo varattu toiselle tapaukselle. Valitse toinen aika.")}
            ) from None
        raise
    return item


def _take_off_agenda(session: Session, locked_item: AgendaItem) -> None:
    """Deletes the case's agenda item (refused once it was discussed) and takes off its
    presenters who bring no other case. The session's SEQUENCE grows; after commit those
    taken off get METHOD:CANCEL naming only them and everyone still taking part the
    updated REQUEST, as on remove_participant. Once the session has started, a case it did
    not get to is taken off so that it can be placed on another session, and nothing else
    changes: who took part stays as it was, and no one is sent an invitation to an event
    under way or past. The caller has locked the session, the item and the request, in
    that order."""
    if locked_item.minutes or locked_item.recommendations.exists():
        raise ValidationError(_("Käsiteltyä tapausta ei voi poistaa esityslistalta."))
    locked_item.delete()
    if session.has_started():
        return
    released = release_presenters(session=session)
    session.sequence += 1
    session.save(update_fields=["sequence"])
    send_invitations_on_commit(session, released, CANCEL)
    send_invitations_on_commit(
        session, session.participants.current().values_list("user_id", flat=True), REQUEST
    )


def remove_from_agenda(*, item: AgendaItem, removed_by) -> ConsultationRequest:
    """Takes a case off the agenda before it was discussed; it returns to the queue.

    Its presenters who bring no other case to the session are taken off it and get
    METHOD:CANCEL (actions.presenters.release_presenters); the others get the updated
    invitation. Logged as "consultations.request.unscheduled".
    """
    with transaction.atomic(), history_context(removed_by, "consultations.request.unscheduled"):
        session = Session.objects.select_for_update().get(pk=item.session_id)
        locked_item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        request = _locked(item.request)
        _take_off_agenda(session, locked_item)
        request.status = RequestStatus.TRIAGED
        request.save(update_fields=["status"])
        log_case(
            removed_by,
            request.client,
            "consultations.request.unscheduled",
            request,
            request.reference,
        )
    return request


# A request the network has not discussed yet may be withdrawn.
WITHDRAWABLE = (RequestStatus.REQUESTED, RequestStatus.TRIAGED, RequestStatus.SCHEDULED)


def withdrawal_refused(request: ConsultationRequest, session: Session | None) -> str:
    """Why the request may not be withdrawn now ("" when it may): it was discussed, closed,
    declined or withdrawn, or its session has started (the network may be discussing it,
    and who saw it is a record: the coordinator takes it off the agenda)."""
    if request.status == RequestStatus.WITHDRAWN:
        return _("Pyyntö on jo peruttu.")
    if request.status not in WITHDRAWABLE:
        return _("Käsiteltyä, päättynyttä tai hylättyä pyyntöä ei voi perua.")
    if session is not None and not session.is_cancelled and session.has_started():
        return _(
            "Istunto on jo alkanut, joten pyyntöä ei voi enää perua. Pyydä koordinaattoria "
            "poistamaan tapaus esityslistalta."
        )
    return ""


def withdraw_request(*, request: ConsultationRequest, withdrawn_by, reason: str):
    """The one who asked, or the client's responsible worker, takes the request back.

    Who may is the view's to check (access.get_request_to_withdraw). The reason is
    required and, as the coordinator reads it, must not identify the client
    (ValidationError on "reason"). Allowed while the request waits for the network
    (requested, triaged, scheduled) and, when on an agenda, before its session starts
    (ValidationError otherwise, see withdrawal_refused). A scheduled request leaves
    the agenda as remove_from_agenda takes it off: its presenters who bring no other
    case leave the session with METHOD:CANCEL and the others get the updated
    invitation after commit. Locks the session, the agenda item and the request, in
    the order remove_from_agenda keeps; the withdrawal is logged
    ("consultations.request.withdrawn") in the same transaction.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjaa lyhyesti, miksi perut pyynnön.")})
    check_pseudonymous(request.client, reason=reason)
    item = AgendaItem.objects.filter(request=request).only("pk", "session_id").first()
    with transaction.atomic(), history_context(withdrawn_by, "consultations.request.withdrawn"):
        session = Session.objects.select_for_update().get(pk=item.session_id) if item else None
        locked_item = (
            AgendaItem.objects.select_for_update().filter(pk=item.pk).first() if item else None
        )
        locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        locked.client = request.client
        if locked.status == RequestStatus.SCHEDULED and locked_item is None:
            # Placed on another session since the item was read: the caller tries again.
            raise ValidationError(_("Pyynnön tilanne muuttui juuri. Yritä uudelleen."))
        refused = withdrawal_refused(locked, session if locked_item else None)
        if refused:
            raise ValidationError(refused)
        if locked_item is not None:
            _take_off_agenda(session, locked_item)
        locked.status = RequestStatus.WITHDRAWN
        locked.withdraw_reason = reason
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = withdrawn_by
        locked.save(update_fields=["status", "withdraw_reason", "withdrawn_at", "withdrawn_by"])
        log_case(
            withdrawn_by,
            locked.client,
            "consultations.request.withdrawn",
            locked,
            locked.reference,
        )
    return locked
