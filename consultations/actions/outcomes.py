"""What a consultation leaves behind: minutes, recommendations (tasks of the
responsible worker), closing the case, and the work-pair offer. Responsibility
stays with the responsible worker throughout."""

import contextlib
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.history import history_context
from clients import team_scope
from clients.actions import (
    check_open_for_new_members,
    end_roles_superseded,
    set_membership_end,
    settle_access_requests,
)
from clients.models import CareTeamMembership, Client, TeamRole
from consultations.actions.common import (
    RECOMMENDATION_TASK,
    WORK_PAIR_OFFER_TASK,
    log_case,
    refuse_identifying,
)
from consultations.actions.requests import request_url, responsible_worker_of
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Recommendation,
    RequestStatus,
    WorkPairOffer,
)
from notifications.texts import Text

WORK_PAIR_ANSWER_WITHIN_DAYS = 7
# A consultation that has ended takes no more minutes nor recommendations.
ENDED = (RequestStatus.CLOSED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN)


def _check_held(item: AgendaItem) -> None:
    if item.session.is_cancelled:
        raise ValidationError(_("Istunto on peruttu."))
    if not item.session.has_started():
        raise ValidationError(_("Muistion ja suositukset voi kirjata, kun istunto on alkanut."))


def _lock_open_case(item: AgendaItem) -> AgendaItem:
    """Locks the agenda item, then its request (the order every writer of a case keeps), and
    refuses a consultation that has ended, so that a close and a late entry do not cross."""
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    status = (
        ConsultationRequest.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=item.request_id)
    )
    if status in ENDED:
        raise ValidationError(_("Konsultaatio on päättynyt."))
    return locked


def _other_clients_on_agenda(item: AgendaItem) -> list[Client]:
    """The clients of the session's other cases: every participant reads this case's minutes
    and recommendations, also those who see those cases only pseudonymously."""
    return [
        other.request.client
        for other in AgendaItem.objects.filter(session_id=item.session_id)
        .exclude(pk=item.pk)
        .select_related("request__client")
    ]


def record_minutes(*, item: AgendaItem, recorded_by, minutes: str) -> AgendaItem:
    """Records (or corrects) the case's minutes; the request is then discussed.

    Minutes that identify the client, or name the client of another case on the
    session's agenda, are refused next to "minutes" (common.refuse_identifying).
    A closed consultation's minutes stay as they were: refused (ValidationError) under
    the request's row lock, so a close and a correction do not cross."""
    _check_held(item)
    if not minutes.strip():
        raise ValidationError({"minutes": _("Kirjoita muistio.")})
    # Every participant reads the minutes, those who see the case pseudonymously too.
    refuse_identifying(
        recorded_by,
        item.request.client,
        obj=item.request,
        others=_other_clients_on_agenda(item),
        minutes=minutes,
    )
    with transaction.atomic(), history_context(recorded_by, "consultations.minutes.recorded"):
        locked = _lock_open_case(item)
        locked.minutes = minutes.strip()
        locked.minutes_recorded_at = timezone.now()
        locked.minutes_recorded_by = recorded_by
        locked.save(update_fields=["minutes", "minutes_recorded_at", "minutes_recorded_by"])
        request = item.request
        ConsultationRequest.objects.filter(pk=request.pk, status=RequestStatus.SCHEDULED).update(
            status=RequestStatus.DISCUSSED
        )
        log_case(
            recorded_by, request.client, "consultations.minutes.recorded", locked, request.reference
        )
    return locked


class RecommendationRecordedAlready(ValidationError):
    """The same recommendation (text and follow-up date) is on the case already: a double
    submit, or the same sent again from a stale page. Nothing new is recorded."""


def add_recommendation(
    *, item: AgendaItem, recommended_by, text: str, due_date: datetime.date
) -> Recommendation:
    """Records a recommendation and gives the client's responsible worker a task for it.

    The task (due on `due_date`, linked to the request's page, keyed so that a
    repeat creates nothing) goes to the responsible worker only: the network
    recommends, the responsible worker decides. A follow-up date before today is
    refused next to "due_date" (the task would be overdue when made); a text that
    identifies the client, or names the client of another case on the session's
    agenda, next to "text".

    The worker is read under the client's row lock, taken first (the order
    offer_work_pair and a transfer of responsibility keep): a transfer at the same moment
    either commits first, and its new worker gets the task, or waits for this one and
    hands the task over with the client's other duties.

    A repeat (the same text and follow-up date on the same case, as a double submit sends)
    is refused with RecommendationRecordedAlready, checked under the agenda item's lock, so
    the responsible worker gets one recommendation and one task.
    """
    from notifications.actions import create_task

    _check_held(item)
    if not text.strip():
        raise ValidationError({"text": _("Kirjoita suositus.")})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("Seurantapäivä voi olla aikaisintaan tänään.")})
    request = item.request
    refuse_identifying(
        recommended_by,
        request.client,
        obj=request,
        others=_other_clients_on_agenda(item),
        text=text,
    )
    with (
        transaction.atomic(),
        history_context(recommended_by, "consultations.recommendation.created"),
    ):
        Client.objects.select_for_update().get(pk=request.client_id)
        _lock_open_case(item)
        if Recommendation.objects.filter(
            agenda_item=item, text=text.strip(), due_date=due_date
        ).exists():
            raise RecommendationRecordedAlready(
                _("Sama suositus on jo tallennettu tälle tapaukselle.")
            )
        worker = responsible_worker_of(request.client)
        if worker is None:
            raise ValidationError(
                _("Asiakkaalla ei ole vastuutyöntekijää, jolle suositus kuuluisi.")
            )
        recommendation = Recommendation.objects.create(
            agenda_item=item, text=text.strip(), due_date=due_date, created_by=recommended_by
        )
        recommendation.task = create_task(
            assignee=worker,
            kind=RECOMMENDATION_TASK,
            title=Text(
                gettext_noop("Konsultaation suositus: {client} ({case})"),
                client=request.client.display_name,
                case=request.reference,
            ),
            # The coordinator's words: shown as written.
            description=recommendation.text,
            due_date=due_date,
            concerning=recommendation,
            client_id=request.client.uuid,
            link=request_url(request),
            created_by=recommended_by,
            key=f"{RECOMMENDATION_TASK}:{recommendation.pk}",
        )
        recommendation.save(update_fields=["task"])
        ConsultationRequest.objects.filter(pk=request.pk, status=RequestStatus.SCHEDULED).update(
            status=RequestStatus.DISCUSSED
        )
        log_case(
            recommended_by,
            request.client,
            "consultations.recommendation.created",
            recommendation,
            request.reference,
        )
    return recommendation


def close_request(*, request: ConsultationRequest, closed_by) -> ConsultationRequest:
    """Closes a discussed consultation; its recommendations stay with the responsible worker."""
    with transaction.atomic(), history_context(closed_by, "consultations.request.closed"):
        locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RequestStatus.CLOSED:
            return locked
        if locked.status != RequestStatus.DISCUSSED:
            raise ValidationError(_("Konsultaation voi päättää, kun tapaus on käsitelty."))
        locked.status = RequestStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        log_case(
            closed_by, request.client, "consultations.request.closed", locked, locked.reference
        )
    locked.client = request.client
    return locked


def offer_work_pair(*, request: ConsultationRequest, offered_by) -> WorkPairOffer:
    """The coordinator offers to co-work the case as work pair.

    Creates a pending work-pair membership (no access until accepted) and a
    task for the responsible worker to accept or decline. Responsibility does
    not move. Offered from a consultation under way (triaged, scheduled or
    discussed): once it is closed the responsible worker adds a work pair
    directly. Raises ValidationError otherwise, when the client relationship is closed
    (its team takes nobody new until reopened), and when the coordinator is
    already the client's work pair or an offer is waiting.

    The status is read under the request's row lock, as close_request takes it, so an
    offer and a close at the same moment do not cross (an offer does not land on a
    closed consultation); the client's row is locked first (the order ask_for_consultation
    keeps, and a transfer of responsibility, whose new worker is the one asked).
    """
    from notifications.actions import create_task

    client = request.client
    try:
        with transaction.atomic(), history_context(offered_by, "consultations.work_pair.offered"):
            if Client.objects.select_for_update().get(pk=client.pk).closed_on is not None:
                # Accepting would add them to the team of a closed client, which takes
                # nobody new (clients.actions.check_open_for_new_members).
                raise ValidationError(
                    _(
                        "Asiakkuus on päätetty: työpariksi voi tarjoutua, kun asiakkuus on "
                        "avattu uudelleen."
                    )
                )
            status = (
                ConsultationRequest.objects.select_for_update()
                .values_list("status", flat=True)
                .get(pk=request.pk)
            )
            if status == RequestStatus.CLOSED:
                raise ValidationError(_("Konsultaatio on päättynyt."))
            if status in (
                RequestStatus.DECLINED,
                RequestStatus.WITHDRAWN,
                RequestStatus.REQUESTED,
            ):
                raise ValidationError(
                    _("Työpariksi voi tarjoutua käsittelyyn otetusta konsultaatiosta.")
                )
            worker = responsible_worker_of(client)
            if worker is None:
                raise ValidationError(_("Asiakkaalla ei ole vastuutyöntekijää."))
            if worker.pk == offered_by.pk:
                raise ValidationError(_("Olet itse asiakkaan vastuutyöntekijä."))
            if CareTeamMembership.objects.filter(
                client=client, user=offered_by, role=TeamRole.WORK_PAIR, ended_on__isnull=True
            ).exists():
                raise ValidationError(
                    _("Olet jo asiakkaan työpari, tai aiempi tarjouksesi odottaa vastausta.")
                )
            membership = CareTeamMembership.objects.create(
                client=client,
                user=offered_by,
                role=TeamRole.WORK_PAIR,
                # Whom they offer for; decided again when the offer is accepted (admit).
                organisation_id=offered_by.active_assignment.unit.organisation_id,
                accepted_at=None,
                admitted_at=None,
                created_by=offered_by,
                note=_("Tarjoutui työpariksi konsultaatiosta %(case)s")
                % {"case": request.reference},
            )
            offer = WorkPairOffer.objects.create(
                request=request, membership=membership, offered_by=offered_by
            )
            offer.task = create_task(
                assignee=worker,
                kind=WORK_PAIR_OFFER_TASK,
                title=Text(
                    gettext_noop("Työparitarjous: {client} ({case}). {name} tarjoutuu työpariksi."),
                    client=client.display_name,
                    case=request.reference,
                    name=offered_by.get_full_name(),
                ),
                due_date=timezone.localdate()
                + datetime.timedelta(days=WORK_PAIR_ANSWER_WITHIN_DAYS),
                concerning=offer,
                client_id=client.uuid,
                link=request_url(request),
                created_by=offered_by,
                key=f"{WORK_PAIR_OFFER_TASK}:{offer.pk}",
            )
            offer.save(update_fields=["task"])
            log_case(
                offered_by, client, "consultations.work_pair.offered", offer, request.reference
            )
    except IntegrityError:
        # A concurrent offer won the race for the one pending membership.
        raise ValidationError(
            _("Olet jo asiakkaan työpari, tai aiempi tarjouksesi odottaa vastausta.")
        ) from None
    return offer


def _answer(offer: WorkPairOffer, answered_by, *, accept: bool) -> WorkPairOffer:
    from notifications.actions import complete_task

    action = "consultations.work_pair.accepted" if accept else "consultations.work_pair.declined"
    client = offer.request.client
    with transaction.atomic(), history_context(answered_by, action):
        # The team's lock (the client) first, as the team actions take it.
        locked_client = Client.objects.select_for_update().get(pk=client.pk)
        locked = WorkPairOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.accepted is not None:
            return locked
        membership = CareTeamMembership.objects.select_for_update().get(pk=locked.membership_id)
        if accept and membership.ended_on is not None:
            raise ValidationError(_("Työparitarjous ei ole enää voimassa."))
        if accept:
            # A closed client's team takes nobody new; the offer may still be declined.
            check_open_for_new_members(locked_client)
            membership.organisation_id = team_scope.admit(
                actor=answered_by, client=client, user=membership.user, role=TeamRole.WORK_PAIR
            )
            # The coordinator's "other member" role, if any, gives way to the work pair's.
            end_roles_superseded(
                client=client, user=membership.user, role=TeamRole.WORK_PAIR, by=answered_by
            )
            membership.accepted_at = membership.admitted_at = timezone.now()
            membership.save(update_fields=["accepted_at", "admitted_at", "organisation"])
            # Joined, the coordinator's request for access to the client is decided.
            settle_access_requests(client=client, user=membership.user, by=answered_by)
        else:
            membership.save(update_fields=set_membership_end(membership, timezone.localdate()))
        locked.accepted = accept
        locked.decided_at = timezone.now()
        locked.decided_by = answered_by
        locked.save(update_fields=["accepted", "decided_at", "decided_by"])
        if locked.task_id:
            # Responsibility may have moved since the offer: the new worker answered.
            with contextlib.suppress(PermissionDenied):
                complete_task(task=locked.task, by=answered_by, answered=True)
        log_case(answered_by, client, action, membership, offer.request.reference)
    return locked


def accept_work_pair(*, offer: WorkPairOffer, accepted_by) -> WorkPairOffer:
    """The responsible worker accepts: the coordinator joins the care team as work pair
    (the membership's accepted_at is set), as `clients.team_scope.admit` decides now, when
    access begins; ValidationError otherwise (a closed client's team takes nobody new,
    `clients.actions.check_open_for_new_members`), and nothing is accepted. Their "other member"
    role in the team, if any, ends (`clients.actions.end_roles_superseded`). Responsibility
    stays unchanged."""
    return _answer(offer, accepted_by, accept=True)


def decline_work_pair(*, offer: WorkPairOffer, declined_by) -> WorkPairOffer:
    """The responsible worker declines: the pending membership ends today."""
    return _answer(offer, declined_by, accept=False)


def end_offers_of_ended_memberships(change) -> None:
    """Ends the pending work-pair offers whose membership a change of the client's care team
    ended (registered with clients.actions.on_team_change; `change` is a TeamChange): the
    responsible worker, or the coordinator taking their offer back, ended it on the team
    page (clients.actions.end_membership), or another team action did. Such an offer can no
    longer be accepted (_answer refuses an ended membership): it is recorded not accepted,
    decided by the one who ended the membership (the offerer, when the system ended it), and
    its task is checked off as settled (notifications.actions.settle_tasks), in the team
    action's transaction and history context. Offers already answered stay as they are."""
    from notifications.actions import settle_tasks

    ended = [membership.pk for membership in change.ended if membership.role == TeamRole.WORK_PAIR]
    if not ended:
        return
    offers = list(
        WorkPairOffer.objects.select_for_update()
        .filter(membership_id__in=ended, accepted__isnull=True)
        .select_related("offered_by")
        .order_by("pk")
    )
    for offer in offers:
        by = change.by or offer.offered_by
        offer.accepted = False
        offer.decided_at = timezone.now()
        offer.decided_by = by
        offer.save(update_fields=["accepted", "decided_at", "decided_by"])
        if offer.task_id:
            settle_tasks(keys=[f"{WORK_PAIR_OFFER_TASK}:{offer.pk}"], by=by)
