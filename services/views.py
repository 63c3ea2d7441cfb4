"""The service catalogue for the partially work-able: every signed-in staff role may read it."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from services.access import get_catalogue_entry_for_user
from services.forms import CatalogueFilterForm
from services.models import CatalogueEntry, NoRuleSetInForce, ServiceRuleSet

PAGE_SIZE = 25


@require_GET
def catalogue(request):
    """The catalogue, filtered by category, provider, age and language (a GET form), paginated.

    Sign-in is required by the global LoginRequiredMiddleware; the catalogue
    holds no client data, so no access log row is written.
    """
    form = CatalogueFilterForm(request.GET or None)
    entries = CatalogueEntry.objects.active().for_listing().in_catalogue_order()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "is_filtered": form.is_filtered(),
        # An htmx page change replaces the link that had focus: focus goes to the results'
        # heading instead of the top of the document. Filtering keeps focus in the form.
        "focus_results": bool(request.htmx) and "page" in request.GET,
    }
    # The filters come along with the results, so an error next to a field shows (and the
    # previous one goes) also when htmx swaps only the results.
    template = "services/catalogue.html#htmx_results" if request.htmx else "services/catalogue.html"
    return render(request, template, context)


@require_GET
def entry(request, pk: int):
    """One catalogue entry; when it can be a pathway step, the rules in force today."""
    catalogue_entry = get_catalogue_entry_for_user(request.user, pk)
    rule_set = None
    if catalogue_entry.service_type_id:
        try:
            rule_set = ServiceRuleSet.objects.prefetch_related(
                "requires", "requires_one_of", "may_run_alongside"
            ).in_force(catalogue_entry.service_type, catalogue_entry.provider, timezone.localdate())
        except NoRuleSetInForce:
            rule_set = None
    return render(request, "services/entry.html", {"entry": catalogue_entry, "rule_set": rule_set})
