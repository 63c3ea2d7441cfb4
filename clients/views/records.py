"""The client's own record: the list and search, registration, the client page, the identity
code revealed, basic data changed, the client relationship closed and reopened, access requests."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import actions
from clients.access import (
    client_in_reach_with_identity_code,
    clients_with_identity_code,
    find_client_by_identity_code,
    get_client_for_user,
    log_client_access,
    log_clients_listed,
    log_shown_again,
    may_break_the_glass,
    read_log,
    record_found_outside_reach,
    relation_to,
)
from clients.forms import (
    AccessRequestForm,
    ClientForm,
    CloseClientForm,
    FindByIdentityCodeForm,
    RegisterClientForm,
    ReplaceIdentityCodeForm,
)
from clients.models import (
    Client,
    CommunicationNeed,
)
from clients.panels import panels_for
from config.forms import add_action_error
from config.query import text_param

PAGE_SIZE = 50


@require_GET
def client_list(request):
    """The user's clients: search by name prefix, paginated; each client shown is logged as a list hit."""
    if not rules.has_perm("clients.view_client_list", request.user):
        raise PermissionDenied
    query = text_param(request, "q").strip()
    show_closed = request.GET.get("closed") == "1"
    if any(character.isdigit() for character in query):
        return _identity_code_in_name_search(request, show_closed)
    clients = Client.objects.for_user(request.user).search(query).select_related("responsible_unit")
    clients = clients if show_closed else clients.active()
    page = Paginator(
        clients.with_responsible_worker().order_by("search_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    log_clients_listed(request.user, page.object_list, detail="search" if query else "list")
    context = {
        "page": page,
        "query": query,
        "show_closed": show_closed,
        "find_form": FindByIdentityCodeForm(),
        "may_register": rules.has_perm("clients.register_client", request.user),
    }
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


NAME_SEARCH_HAS_DIGITS = gettext_lazy(
    "Nimihaussa ei käytetä numeroita. Hae henkilötunnuksella sille tarkoitetulla lomakkeella: "
    "henkilötunnus ei saa jäädä selaimen osoitteeseen eikä historiaan."
)


def _identity_code_in_name_search(request, show_closed: bool):
    """A name has no digits, so a query with them is an identity code (or part of one) typed
    into the name search. It is not searched, echoed or kept: a plain form gets a redirect
    (the browser keeps the redirect's target in its history, not the address with the code),
    htmx a message and no pushed address."""
    if not request.htmx:
        messages.error(request, NAME_SEARCH_HAS_DIGITS)
        return redirect(reverse("clients:list") + ("?closed=1" if show_closed else ""))
    response = render(
        request,
        "clients/client_list.html#results",
        {"page": None, "query": "", "name_search_refused": NAME_SEARCH_HAS_DIGITS},
    )
    response["HX-Push-Url"] = "false"
    return response


@require_POST
def find_by_identity_code(request):
    """Exact search by identity code: a POST, so the code never enters a URL or a log line.

    Found and visible: redirect to the client's UUID page. Found but outside
    the user's reach: the break-the-glass page where the rule allows it, else
    the same answer as not found.
    """
    if not rules.has_perm("clients.view_client_list", request.user):
        raise PermissionDenied
    form = FindByIdentityCodeForm(request.POST)
    if form.is_valid():
        # One record at most in each organisation's register; the user may see another
        # organisation's record through its care team.
        found = list(clients_with_identity_code(form.cleaned_data["identity_code"]))
        for client in found:
            if relation_to(request.user, client).visible:
                return redirect("clients:detail", client_id=client.uuid)
        for client in found:
            if may_break_the_glass(request.user, client):
                record_found_outside_reach(request.user, client)
                return redirect("clients:break_the_glass", client_id=client.uuid)
        form.add_error(
            "identity_code",
            _("Henkilötunnuksella ei löytynyt asiakasta, jonka tietoihin sinulla on pääsy."),
        )
    clients = Client.objects.none()
    page = Paginator(clients, PAGE_SIZE).get_page(1)
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "query": "",
            "find_form": form,
            "identity_code_search": True,
            "may_register": rules.has_perm("clients.register_client", request.user),
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def register(request):
    if not rules.has_perm("clients.register_client", request.user):
        raise PermissionDenied
    form = RegisterClientForm(request.POST or None, user=request.user)
    duplicate = False
    existing = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("identity_code")
        allow_temporary = data.pop("identity_code_is_temporary")
        try:
            client = actions.register_client(
                registered_by=request.user,
                identity_code=code,
                allow_temporary=allow_temporary,
                **data,
            )
        except actions.DuplicateIdentityCode:
            # A client the user sees already is theirs to open; one outside their reach is
            # asked for, learning nothing of it.
            existing = client_in_reach_with_identity_code(request.user, code)
            if existing is not None:
                form.add_error("identity_code", _("Asiakas on jo rekisterissä."))
            else:
                duplicate = True
                form.add_error(
                    "identity_code",
                    _(
                        "Henkilötunnuksella on jo asiakkuus organisaatiosi asiakasrekisterissä. Pyydä pääsyä asiakkaan vastuutyöntekijältä tai esihenkilöltä."
                    ),
                )
        except ValidationError as error:
            # The identity code's own errors have no field; the action names any other.
            form.add_error(None if hasattr(error, "error_dict") else "identity_code", error)
        else:
            messages.success(request, _("Asiakas rekisteröity. Olet asiakkaan vastuutyöntekijä."))
            return redirect("clients:detail", client_id=client.uuid)
    access_form = (
        AccessRequestForm(initial={"identity_code": form.data.get("identity_code", "")})
        if duplicate
        else None
    )
    return render(
        request,
        "clients/register.html",
        {
            "form": form,
            "duplicate": duplicate,
            "access_form": access_form,
            "existing_client": existing,
        },
    )


@require_GET
def detail(request, client_id):
    client = get_client_for_user(request.user, client_id, log_action="clients.client.viewed")
    relation = relation_to(request.user, client)
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "relation": relation,
            "panels": panels_for(request, client, relation),
            "may_change": rules.has_perm("clients.change_client", request.user, client),
            "may_reveal": rules.has_perm("clients.reveal_identity_code", request.user, client),
            "may_see_address": not client.address_non_disclosure
            or rules.has_perm("clients.view_protected_address", request.user, client),
            "may_close": rules.has_perm("clients.close_client", request.user, client),
            "may_reopen": client.closed_on is not None
            and rules.has_perm("clients.reopen_client", request.user, client),
            "communication_needs": [
                CommunicationNeed(need).label for need in client.communication_needs
            ],
        },
    )


@require_POST
def reveal_identity_code(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.reveal_identity_code", log_action=None
    )
    code = actions.reveal_identity_code(client=client, revealed_by=request.user)
    template = "clients/detail.html#identity-code" if request.htmx else "clients/identity_code.html"
    return render(request, template, {"client": client, "identity_code": code})


@require_http_methods(["GET", "POST"])
def replace_identity_code(request, client_id):
    """Records the permanent identity code of a client registered with a temporary one.
    Logged when the form is shown: a permanent code already sends the user to the client
    page, which logs its own read."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.change_client", log_action=None
    )
    if request.method == "GET":
        if not client.identity_code_is_temporary:
            messages.info(request, _("Asiakkaan henkilötunnus on jo pysyvä."))
            return redirect("clients:detail", client_id=client.uuid)
        log_client_access(request.user, client, "clients.client.viewed")
    form = ReplaceIdentityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.replace_identity_code(
                client=client,
                replaced_by=request.user,
                identity_code=form.cleaned_data["identity_code"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Pysyvä henkilötunnus tallennettu."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(request, "clients/replace_identity_code.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def edit(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.change_client",
        log_action=read_log(request),
    )
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form wrote its values onto the instance; the action compares against the stored row.
        client.refresh_from_db()
        try:
            actions.update_client(
                client=client,
                changed_by=request.user,
                fields=fields,
                shown=form.shown_values(),
            )
        except ValidationError as error:
            add_action_error(form, error)
            form.show_stored(client, error)
        else:
            messages.success(request, _("Perustiedot tallennettu."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(
        request,
        "clients/edit.html",
        {"client": client, "form": form, "address_hidden": form.address_hidden},
    )


@require_http_methods(["GET", "POST"])
def close(request, client_id):
    """Logged when the form is shown: a relationship closed already sends the user to the
    client page, which logs its own read."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.close_client", log_action=None
    )
    if request.method == "GET":
        if not client.is_active:
            messages.info(request, _("Asiakkuus on jo päättynyt."))
            return redirect("clients:detail", client_id=client.uuid)
        log_client_access(request.user, client, "clients.client.viewed")
    form = CloseClientForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_client(
                client=client,
                closed_by=request.user,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Asiakkuus päätetty. Tiedot säilyvät."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(request, "clients/close.html", {"client": client, "form": form})


@require_POST
def reopen(request, client_id):
    """Opens a closed client relationship again, from the button on the client page."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.reopen_client", log_action=None
    )
    try:
        actions.reopen_client(client=client, reopened_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Asiakkuus avattu uudelleen."))
    return redirect("clients:detail", client_id=client.uuid)


@require_POST
def request_access(request):
    """An access request from the registration form's duplicate message; the answer tells
    nothing of the client, but that no one could be asked when nobody can decide on it."""
    if not rules.has_perm("clients.register_client", request.user):
        raise PermissionDenied
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        client = find_client_by_identity_code(
            form.cleaned_data["identity_code"],
            request.user.active_assignment.unit.organisation_id,
        )
        undecidable = False
        if client is not None and not relation_to(request.user, client).visible:
            try:
                undecidable = (
                    actions.request_access(
                        client=client,
                        requested_by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    is None
                )
            except ValidationError as error:
                form.add_error("reason", error.messages)
        if undecidable:
            # Nobody reaches the client to decide: said as it is, not that it was passed on.
            # The requester knows the code is in the register (registration refused it).
            messages.warning(
                request,
                _(
                    "Pyyntöä ei voitu välittää: kukaan ei voi nyt päättää pääsystä asiakkaan "
                    "tietoihin. Tilanne on kirjattu Polun ylläpidolle. Kysy asiasta omalta "
                    "esihenkilöltäsi."
                ),
            )
            return redirect("clients:list")
        if not form.errors:
            # One answer whoever decides, or whether the client exists at all: it tells
            # nothing of the client (`actions.request_access`).
            messages.success(
                request,
                _(
                    "Pyyntö on välitetty asiakkaan vastuutyöntekijälle tai, jos hän ei voi "
                    "hoitaa asiaa, vastuuyksikön esihenkilöille. He päättävät pääsystä."
                ),
            )
            return redirect("clients:list")
    return render(request, "clients/request_access.html", {"form": form})
