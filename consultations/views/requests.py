"""The responsible worker's side: asking for a consultation (with a preview of who
would see the case pseudonymously, before sending), the request's page, my
requests and tasks, and answering a work-pair offer."""

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import log_list_hits
from audit.models import Basis
from clients.access import get_client_for_user, log_client_access, log_shown_again
from clients.querysets import responsible_worker_of
from config.forms import add_action_error
from consultations import actions
from consultations.access import (
    get_request_for_team,
    get_request_to_withdraw,
    get_work_pair_offer_for_user,
    require,
)
from consultations.actions.common import (
    RECOMMENDATION_TASK,
    REQUEST_DECLINED_TASK,
    WORK_PAIR_OFFER_TASK,
)
from consultations.actions.requests import withdrawal_refused
from consultations.case_view import (
    named_showing_categories,
    network_attendees,
    preview_visibility,
)
from consultations.forms import RequestForm, WithdrawForm
from consultations.log_labels import REQUEST_FORM_VIEWED, REQUEST_LISTED, REQUEST_VIEWED
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Network,
    Recommendation,
    WorkPairOffer,
)
from services.i18n import in_name_order


def _visibility(client, network, includes_health_data: bool) -> list[dict]:
    """Per network (the chosen one, or every one the coordinator may choose from: those
    serving the client's organisation): which organisations' members and coordinators
    would see the case named and which pseudonymously."""
    networks = (
        [network] if network else list(actions.networks_for(client).order_by(in_name_order()))
    )
    previews = preview_visibility(
        client=client,
        attendees=network_attendees(networks),
        includes_health_data=includes_health_data,
    )
    return [{"network": n, "organisations": previews[n.pk]} for n in networks]


def _preview(client, network, includes_health_data: bool) -> dict:
    """The preview's context: who would see the case and how (`_visibility`), and what a
    consent must cover for an organisation to see it named."""
    return {
        "visibility": _visibility(client, network, includes_health_data),
        "named_needs": ", ".join(
            str(label) for label in named_showing_categories(includes_health_data)
        ),
    }


def _chosen_network(client, value):
    try:
        return actions.networks_for(client).get(pk=int(value)) if value else None
    except (ValueError, Network.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def request_create(request, client_id):
    """Two steps: the form, then a confirmation page that shows how each participant's
    organisation would see the case; sending happens only from there. Works without
    JavaScript; with htmx the preview follows the chosen network as the worker types."""
    client = get_client_for_user(
        request.user,
        client_id,
        permission="consultations.ask_for_consultation",
        log_action=REQUEST_FORM_VIEWED if request.method == "GET" else None,
    )
    url = reverse("consultations:request_create", kwargs={"client_id": client.uuid})
    if request.method == "GET":
        network = _chosen_network(client, request.GET.get("preferred_network"))
        health = request.GET.get("includes_health_data") in ("on", "true", "True", "1")
        context = {
            "client": client,
            **_preview(client, network, health),
            "chosen_network": network,
        }
        if request.htmx:
            return render(request, "consultations/request_form.html#preview", context)
        form = RequestForm(
            client=client,
            preview_url=url,
            initial={"preferred_network": network, "includes_health_data": health},
        )
        return render(request, "consultations/request_form.html", {**context, "form": form})

    form = RequestForm(request.POST, client=client, preview_url=url)
    if form.is_valid():
        data = form.cleaned_data
        if "confirm" in request.POST:
            try:
                consultation = actions.ask_for_consultation(
                    client=client, asked_by=request.user, **data
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(
                    request,
                    _("Konsultaatiopyyntö %(case)s lähetetty koordinaattorille.")
                    % {"case": consultation.reference},
                )
                return redirect(
                    "consultations:request_detail",
                    client_id=client.uuid,
                    request_id=consultation.pk,
                )
        elif "edit" not in request.POST:
            log_client_access(request.user, client, REQUEST_FORM_VIEWED, client, detail="confirm")
            return render(
                request,
                "consultations/request_confirm.html",
                {
                    "client": client,
                    "form": form,
                    "data": data,
                    **_preview(client, data["preferred_network"], data["includes_health_data"]),
                },
            )
    log_client_access(request.user, client, REQUEST_FORM_VIEWED, client)
    network = form.cleaned_data.get("preferred_network")
    return render(
        request,
        "consultations/request_form.html",
        {
            "client": client,
            "form": form,
            **_preview(client, network, bool(form.cleaned_data.get("includes_health_data"))),
            "chosen_network": network,
        },
        status=200 if "edit" in request.POST else 400,
    )


@require_GET
def request_detail(request, client_id, request_id):
    """The request as its care team sees it: everything, the session (its place and video
    link, and a link to it for those who take part, such as the presenter), minutes,
    recommendations with their tasks, a waiting work-pair offer, and for the one who
    asked (or the responsible worker) the withdrawal while it is not yet discussed."""
    client, consultation = get_request_for_team(
        request.user,
        client_id,
        request_id,
        permission="consultations.view_requests",
        log_action=REQUEST_VIEWED,
    )
    return _render_request(request, client, consultation)


def _render_request(request, client, consultation, *, withdraw_form=None, status=200):
    item = (
        AgendaItem.objects.filter(request=consultation)
        .select_related("session__network", "session__chair", "minutes_recorded_by")
        .first()
    )
    recommendations = (
        list(Recommendation.objects.filter(agenda_item=item).select_related("task")) if item else []
    )
    offers = list(
        WorkPairOffer.objects.filter(request=consultation)
        .select_related("offered_by", "decided_by")
        .order_by("-offered_at")
    )
    may_withdraw = rules.has_perm(
        "consultations.withdraw_request", request.user, consultation
    ) and not withdrawal_refused(consultation, item.session if item else None)
    return render(
        request,
        "consultations/request_detail.html",
        {
            "client": client,
            "consultation": consultation,
            # The client's responsible worker now; the request keeps the one at asking.
            "responsible_worker": responsible_worker_of(client),
            # Health data in the background is for the roles that read health-related notes.
            "background_withheld": not rules.has_perm(
                "consultations.read_background", request.user, consultation
            ),
            "item": item,
            "recommendations": recommendations,
            "offers": offers,
            "may_answer": rules.has_perm(
                "consultations.answer_work_pair_offer", request.user, client
            ),
            # The presenter (and anyone else taking part) opens the session from here.
            "may_view_session": bool(item)
            and rules.has_perm("consultations.view_session", request.user, item.session),
            # A refused withdrawal shows its form with the reason, even when the request can
            # no longer be withdrawn (the error says why).
            "withdraw_form": withdraw_form or (WithdrawForm() if may_withdraw else None),
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_POST
def request_withdraw(request, client_id, request_id):
    """The one who asked, or the responsible worker, withdraws the request with a reason;
    a refusal shows the request page again with the error next to the reason."""
    client, consultation = get_request_to_withdraw(request.user, client_id, request_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            actions.withdraw_request(
                request=consultation,
                withdrawn_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Konsultaatiopyyntö %(case)s on peruttu.") % {"case": consultation.reference},
            )
            return redirect(
                "consultations:request_detail", client_id=client.uuid, request_id=consultation.pk
            )
    consultation.refresh_from_db()
    consultation.client = client
    log_shown_again(request, client, REQUEST_VIEWED, client)
    return _render_request(request, client, consultation, withdraw_form=form, status=400)


CONSULTATION_TASKS = (RECOMMENDATION_TASK, WORK_PAIR_OFFER_TASK, REQUEST_DECLINED_TASK)


@require_GET
def my_requests(request):
    """The worker's consultation requests (their current clients) and open consultation tasks.

    The tasks are readied as the inbox readies them (notifications.access.show_items): one
    naming a client the user does not reach in their active role (another role's client, a
    former client) shows without the name, its text or its link, and each client the others
    name is logged."""
    require(request.user, "consultations.use_consultations")
    from notifications.access import show_items
    from notifications.models import Task

    consultations = list(
        ConsultationRequest.objects.of_worker(request.user)
        .select_related("client", "network", "preferred_network")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("session"))
        )
        .order_by("-created_at", "-pk")[:100]
    )
    tasks = list(
        Task.objects.for_assignee(request.user)
        .open()
        .filter(kind__in=CONSULTATION_TASKS)
        .in_inbox_order(timezone.localdate())[:50]
    )
    show_items(request.user, tasks)
    log_list_hits(
        actor=request.user,
        client_ids=[c.client.uuid for c in consultations],
        action=REQUEST_LISTED,
        basis=Basis.CARE_TEAM,
    )
    return render(
        request,
        "consultations/my_requests.html",
        {
            "rows": [(c, next(iter(c.agenda_items.all()), None)) for c in consultations],
            "tasks": tasks,
            "today": timezone.localdate(),
        },
    )


def _answered(client, offer, back: str):
    """Back where the offer was answered: the client page's consultations panel, or the
    request page."""
    if back == "client":
        return redirect(
            reverse("clients:detail", kwargs={"client_id": client.uuid})
            + "#panel-consultations-requests"
        )
    return redirect(
        "consultations:request_detail", client_id=client.uuid, request_id=offer.request_id
    )


def _answer(request, client_id, offer_id, *, accept: bool):
    """Accepts or declines the offer. One answered already (from another tab, or by a new
    responsible worker) keeps its answer: the actions return it unchanged, and one that
    differs from this answer is told as a warning, not as this answer's success."""
    client, offer = get_work_pair_offer_for_user(request.user, client_id, offer_id)
    offer.request.client = client
    back = request.POST.get("back", "")
    if accept:
        try:
            answered = actions.accept_work_pair(offer=offer, accepted_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _answered(client, offer, back)
    else:
        answered = actions.decline_work_pair(offer=offer, declined_by=request.user)
    if answered.accepted != accept:
        messages.warning(
            request,
            _("Tarjoukseen on jo vastattu: hyväksytty.")
            if answered.accepted
            else _("Tarjoukseen on jo vastattu: ei hyväksytty."),
        )
    elif accept:
        messages.success(
            request,
            _("%(name)s on nyt asiakkaan työpari. Vastuu säilyy vastuutyöntekijällä.")
            % {"name": offer.offered_by.get_full_name()},
        )
    else:
        messages.success(request, _("Työparitarjous hylätty."))
    return _answered(client, offer, back)


@require_POST
def work_pair_accept(request, client_id, offer_id):
    return _answer(request, client_id, offer_id, accept=True)


@require_POST
def work_pair_decline(request, client_id, offer_id):
    return _answer(request, client_id, offer_id, accept=False)
