"""Organisations, units, service types and catalogue entries are listed in the order of the
names the reader sees: in Swedish by their Swedish names (the Finnish one where a Swedish
name is missing, as it is shown), in English by their English names, in Finnish as before
(services.i18n.in_name_order, in the models' Meta.ordering)."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from config.ordering import alphabetical_key
from consultations.forms import MemberForm
from services.factories import (
    CatalogueEntryFactory,
    OrganisationFactory,
    ServiceTypeFactory,
    UnitFactory,
)
from services.models import CatalogueCategory, CatalogueEntry, ServiceType, Unit
from tests.conftest import login

pytestmark = pytest.mark.django_db

# Service types whose Finnish, Swedish and English orders all differ. "Palkkatuki" has no
# Swedish name and is shown, and sorted, in Finnish; "Återgång" sorts after "Yrkesinriktad".
SERVICE_TYPES = {
    "vocational": ("Ammatillinen kuntoutus", "Yrkesinriktad rehabilitering", "Vocational rehab"),
    "work_activity": (
        "Kuntouttava työtoiminta",
        "Arbetsverksamhet i rehabiliteringssyfte",
        "Rehabilitative work activity",
    ),
    "pay_subsidy": ("Palkkatuki", "", "Pay subsidy"),
    "work_trial": ("Työkokeilu", "Arbetsprövning", "Work trial"),
    "return": ("Työhön paluun tuki", "Återgång till arbete", "Return-to-work support"),
}
SERVICE_TYPE_ORDER = {
    "fi": ["vocational", "work_activity", "pay_subsidy", "return", "work_trial"],
    "sv": ["work_trial", "work_activity", "pay_subsidy", "vocational", "return"],
    "en": ["pay_subsidy", "work_activity", "return", "vocational", "work_trial"],
}


@pytest.fixture
def service_types():
    return {
        key: ServiceTypeFactory(code=f"t-{key}", name_fi=fi, name_sv=sv, name_en=en)
        for key, (fi, sv, en) in SERVICE_TYPES.items()
    }


@pytest.fixture
def organisations():
    """Three organisations whose names run in a different order in each language."""
    names = {
        "helsinki": ("Helsingin kaupunki", "Helsingfors stad", "City of Helsinki"),
        "kela": ("Kansaneläkelaitos", "Folkpensionsanstalten", "Social Insurance Institution"),
        "vantaa": ("Vantaan kaupunki", "Vanda stad", "City of Vantaa"),
    }
    return {
        key: OrganisationFactory(slug=f"t-{key}", name_fi=fi, name_sv=sv, name_en=en)
        for key, (fi, sv, en) in names.items()
    }


@pytest.fixture
def units(organisations):
    names = {
        "adults": (
            "helsinki",
            "Aikuissosiaalityö",
            "Socialt arbete för vuxna",
            "Adult social work",
        ),
        "workshop": ("helsinki", "Nuorten työpaja", "", ""),
        "itakeskus": (
            "helsinki",
            "Työtoiminta Itäkeskus",
            "Arbetsverksamhet Östra centrum",
            "Work activity Itäkeskus",
        ),
        "kela": ("kela", "Työkyvyn tuki", "Stöd för arbetsförmåga", "Work ability support"),
        "vantaa": ("vantaa", "Työllisyyspalvelut", "Sysselsättningstjänster", "Employment"),
    }
    return {
        key: UnitFactory(
            slug=f"t-{key}", organisation=organisations[org], name_fi=fi, name_sv=sv, name_en=en
        )
        for key, (org, fi, sv, en) in names.items()
    }


UNIT_ORDER = {
    # Helsinki's units, then Kela's, then Vantaa's.
    "fi": ["adults", "workshop", "itakeskus", "kela", "vantaa"],
    # Folkpensionsanstalten, Helsingfors stad (Nuorten työpaja in Finnish), Vanda stad.
    "sv": ["kela", "itakeskus", "workshop", "adults", "vantaa"],
    # City of Helsinki, City of Vantaa, Social Insurance Institution.
    "en": ["adults", "workshop", "itakeskus", "vantaa", "kela"],
}


def keys(objects, by_key) -> list[str]:
    names = {obj.pk: key for key, obj in by_key.items()}
    return [names[obj.pk] for obj in objects if obj.pk in names]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_service_types_run_in_the_order_of_their_names_in_the_language(service_types, language):
    with translation.override(language):
        ordered = list(ServiceType.objects.filter(pk__in=[t.pk for t in service_types.values()]))
        assert keys(ordered, service_types) == SERVICE_TYPE_ORDER[language]
        shown = [str(service_type) for service_type in ordered]
    assert shown == sorted(shown, key=alphabetical_key)


def test_the_finnish_and_swedish_orders_differ(service_types, units):
    """The cases above would pass by accident if a name's order did not change."""
    assert SERVICE_TYPE_ORDER["fi"] != SERVICE_TYPE_ORDER["sv"]
    assert UNIT_ORDER["fi"] != UNIT_ORDER["sv"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_units_run_by_their_organisations_name_then_their_own(units, language):
    with translation.override(language):
        ordered = Unit.objects.filter(pk__in=[u.pk for u in units.values()])
        assert keys(ordered, units) == UNIT_ORDER[language]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_related_managers_and_orders_through_a_relation_follow(units, organisations, language):
    """`organisation.units` uses Unit's ordering; `order_by("unit")` takes Unit's ordering
    from the role assignment's side (the expression is prefixed with "unit__")."""
    assignments = {
        key: make_user(Role.SOCIAL_WORKER, unit).role_assignments.get()
        for key, unit in units.items()
    }
    expected_in_helsinki = [
        k for k in UNIT_ORDER[language] if k in {"adults", "workshop", "itakeskus"}
    ]
    with translation.override(language):
        assert keys(organisations["helsinki"].units.all(), units) == expected_in_helsinki
        ordered = RoleAssignment.objects.filter(
            pk__in=[a.pk for a in assignments.values()]
        ).order_by("unit")
        assert keys(ordered, assignments) == UNIT_ORDER[language]


def test_a_select_built_at_import_time_follows_the_language_of_the_request(organisations):
    """MemberForm's organisations are a queryset made when the module was imported: its order
    is chosen when the choices are read, in the language then active."""
    order = {"fi": ["helsinki", "kela", "vantaa"], "sv": ["kela", "helsinki", "vantaa"]}
    order["en"] = ["helsinki", "vantaa", "kela"]
    for language, expected in order.items():
        with translation.override(language):
            choices = [
                choice.value
                for choice, _label in list(MemberForm().fields["organisation"].choices)[1:]
            ]
            shown = [pk for pk in choices if pk in {o.pk for o in organisations.values()}]
            assert shown == [organisations[key].pk for key in expected], language


@pytest.fixture
def signed_in(client, unit):
    return login(client, make_user(Role.WORK_COACH, unit))


def rows(page: str) -> list[str]:
    """The entries' names in page order (one shown in Finnish on another language's page is
    wrapped in <span lang="fi">)."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", name))
        for name in re.findall(r'<th scope="row"><a [^>]*>(.+?)</a>', page)
    ]


def options(page: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [html.unescape(label) for label in re.findall(r"<option [^>]*>([^<]+)</option>", select)]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_catalogue_lists_services_and_providers_in_the_readers_order(
    signed_in, organisations, language
):
    provider = organisations["helsinki"]
    for key, (fi, sv, en) in SERVICE_TYPES.items():
        CatalogueEntryFactory(
            slug=f"t-{key}",
            category=CatalogueCategory.EMPLOYMENT_SERVICES,
            provider=provider,
            name_fi=fi,
            name_sv=sv,
            name_en=en,
        )
    for organisation in organisations.values():
        CatalogueEntryFactory(provider=organisation)
    signed_in.cookies["django_language"] = language
    page = signed_in.get(reverse("services:catalogue"), {"provider": provider.pk}).text
    index = 0 if language == "fi" else 1 if language == "sv" else 2
    expected = [
        SERVICE_TYPES[key][index] or SERVICE_TYPES[key][0] for key in SERVICE_TYPE_ORDER[language]
    ]
    assert [name for name in rows(page) if name in expected] == expected
    # The provider filter offers the organisations with entries, distinct, in the same way.
    with translation.override(language):
        names = [str(o) for o in organisations.values()]
    offered = [name for name in options(page, "provider") if name in names]
    assert offered == sorted(names, key=alphabetical_key)
    assert len(offered) == len(names)


def test_the_catalogue_orders_by_category_first(organisations):
    first = CatalogueEntryFactory(
        category=CatalogueCategory.HEALTH_AND_SOCIAL_CARE, name_fi="Ö", name_sv="Ö"
    )
    second = CatalogueEntryFactory(category=CatalogueCategory.WORKPLACE, name_fi="A", name_sv="A")
    with translation.override("sv"):
        ordered = CatalogueEntry.objects.filter(pk__in=[first.pk, second.pk]).in_catalogue_order()
        assert list(ordered) == [first, second]


def test_the_admin_lists_units_in_the_order_of_the_finnish_names_it_shows(client, units):
    """The admin's list shows the Finnish name (name_fi) whatever the language: it keeps the
    Finnish order of that column, within organisations ordered by the names shown."""
    admin = make_user(Role.ADMIN, units["adults"], is_staff=True, is_superuser=True)
    login(client, admin)
    client.cookies["django_language"] = "sv"
    page = client.get(reverse("admin:services_unit_changelist")).text
    finnish = [unit.name_fi for unit in units.values()]
    listed = re.findall(r'<th class="field-name_fi"><a [^>]*>([^<]+)</a>', page)
    shown = [name for name in map(html.unescape, listed) if name in finnish]
    # Folkpensionsanstalten, Helsingfors stad (its units by Finnish name), Vanda stad.
    assert shown == [
        "Työkyvyn tuki",
        "Aikuissosiaalityö",
        "Nuorten työpaja",
        "Työtoiminta Itäkeskus",
        "Työllisyyspalvelut",
    ]
    assert client.get(reverse("admin:services_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:services_servicetype_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:services_catalogueentry_changelist"), {"o": "3"}).status_code
        == 200
    )


ROLES = [Role.COORDINATOR, Role.DPO, Role.MANAGER, Role.SOCIAL_WORKER]  # in the codes' order


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_users_roles_run_in_the_order_of_their_names_in_the_language(units, language):
    """The header's role picker lists a user's roles as their names read, not by the codes
    stored (services.i18n.ChoiceLabel): in Finnish Esihenkilö comes first and the coordinator
    (Työkykykoordinaattori) last; in English the data protection officer first."""
    user = make_user()
    for role in ROLES:
        RoleAssignment.objects.create(user=user, role=role, unit=units["adults"])
    with translation.override(language):
        shown = [assignment.get_role_display() for assignment in user.role_assignments.all()]
        in_code_order = [str(role.label) for role in ROLES]
        expected_ends = {
            "fi": (str(Role.MANAGER.label), str(Role.COORDINATOR.label)),
            "en": (str(Role.DPO.label), str(Role.COORDINATOR.label)),
        }
    assert shown == sorted(shown, key=alphabetical_key)
    assert shown != in_code_order
    if language in expected_ends:
        assert (shown[0], shown[-1]) == expected_ends[language]
