"""The Django admin of rule sets and the catalogue: rule sets in force are read-only."""

import datetime
import re

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from services.actions import supersede_rule_set
from services.factories import OrganisationFactory, ServiceRuleSetFactory, ServiceTypeFactory
from services.models import CatalogueEntry, ServiceRuleSet
from tests.conftest import acting, login, login_acting

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(unit):
    return make_user(Role.ADMIN, unit, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    return login(client, superuser)


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def change_url(rule_set):
    return reverse("admin:services_serviceruleset_change", args=[rule_set.pk])


def supersede_url(rule_set):
    return reverse("admin:services_serviceruleset_supersede", args=[rule_set.pk])


def rule_set_form(service_type, valid_from, **fields):
    return {
        "service_type": service_type.pk,
        "organisation": "",
        "valid_from": valid_from.isoformat(),
        "valid_to": "",
        "source": "Testilaki 1/2026",
        **fields,
    }


class TestRuleSetInForce:
    def test_is_shown_read_only_with_the_way_to_supersede_it(self, admin_client):
        rule_set = ServiceRuleSetFactory(max_duration_months=24)
        response = admin_client.get(change_url(rule_set))
        content = response.content.decode()
        assert response.status_code == 200
        assert 'name="_save"' not in content
        assert 'name="max_duration_months"' not in content
        assert "eikä niitä voi muokata" in content
        assert supersede_url(rule_set) in content

    def test_a_post_to_change_it_is_refused(self, admin_client):
        rule_set = ServiceRuleSetFactory(max_duration_months=24)
        response = admin_client.post(
            change_url(rule_set),
            rule_set_form(rule_set.service_type, rule_set.valid_from, max_duration_months=36),
        )
        assert response.status_code == 403
        rule_set.refresh_from_db()
        assert rule_set.max_duration_months == 24

    def test_it_cannot_be_deleted(self, admin_client):
        rule_set = ServiceRuleSetFactory()
        url = reverse("admin:services_serviceruleset_delete", args=[rule_set.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert ServiceRuleSet.objects.filter(pk=rule_set.pk).exists()


class TestSupersede:
    def test_the_form_is_prefilled_with_the_current_rules(self, admin_client):
        coaching = ServiceTypeFactory(name_fi="Työvalmennus (testi)")
        with_companion = ServiceRuleSetFactory(max_duration_months=24, requires=[coaching])
        content = admin_client.get(supersede_url(with_companion)).content.decode()
        assert 'name="max_duration_months" value="24"' in content
        assert re.search(
            rf'name="requires" value="{coaching.pk}" id="id_requires_\d+" checked', content
        )

    def test_new_rules_start_on_the_chosen_day_and_the_old_end_the_day_before(
        self, admin_client, superuser
    ):
        rule_set = ServiceRuleSetFactory(max_duration_months=24, min_days_per_week=1)
        start = tomorrow() + datetime.timedelta(days=10)
        response = admin_client.post(
            supersede_url(rule_set),
            {
                "valid_from": start.isoformat(),
                "max_duration_months": "12",
                "min_days_per_week": "1",
                "source": "Lakimuutos (testi)",
            },
        )
        successor = ServiceRuleSet.objects.get(supersedes=rule_set)
        assert response.status_code == 302
        assert response["Location"] == change_url(successor)
        rule_set.refresh_from_db()
        assert rule_set.valid_to == start - datetime.timedelta(days=1)
        assert (successor.valid_from, successor.max_duration_months) == (start, 12)
        assert successor.source == "Lakimuutos (testi)"
        assert successor.created_by == superuser

    def test_new_rules_from_today_are_refused(self, admin_client):
        rule_set = ServiceRuleSetFactory(max_duration_months=24)
        response = admin_client.post(
            supersede_url(rule_set),
            {"valid_from": timezone.localdate().isoformat(), "source": "x"},
        )
        assert response.status_code == 200
        assert "aikaisintaan huomenna" in response.content.decode()
        rule_set.refresh_from_db()
        assert rule_set.valid_to is None
        assert not ServiceRuleSet.objects.filter(supersedes=rule_set).exists()


class TestAddAndFutureRuleSets:
    def test_adding_a_rule_set_from_tomorrow(self, admin_client, superuser):
        service_type = ServiceTypeFactory()
        response = admin_client.post(
            reverse("admin:services_serviceruleset_add"),
            rule_set_form(service_type, tomorrow(), max_days_per_week="4"),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        rule_set = ServiceRuleSet.objects.get(service_type=service_type)
        assert (rule_set.max_days_per_week, rule_set.created_by) == (4, superuser)

    @pytest.mark.parametrize(
        ("valid_from", "fields", "message"),
        [
            (0, {}, "aikaisintaan huomenna"),
            (1, {"min_days_per_week": "5", "max_days_per_week": "4"}, "Päiviä viikossa on 1–7"),
            (1, {"max_days_per_week": "8"}, "Päiviä viikossa on 1–7"),
        ],
    )
    def test_invalid_rule_sets_are_refused_with_a_clear_message(
        self, admin_client, valid_from, fields, message
    ):
        service_type = ServiceTypeFactory()
        start = timezone.localdate() + datetime.timedelta(days=valid_from)
        response = admin_client.post(
            reverse("admin:services_serviceruleset_add"),
            rule_set_form(service_type, start, **fields),
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not ServiceRuleSet.objects.filter(service_type=service_type).exists()

    def test_an_overlapping_rule_set_is_refused_with_a_clear_message(self, admin_client):
        existing = ServiceRuleSetFactory()
        response = admin_client.post(
            reverse("admin:services_serviceruleset_add"),
            rule_set_form(existing.service_type, tomorrow()),
        )
        assert response.status_code == 200
        assert "osittain samalle ajalle" in response.content.decode()

    def test_a_future_rule_set_may_be_edited(self, admin_client):
        future = ServiceRuleSetFactory(valid_from=tomorrow(), max_duration_months=8)
        response = admin_client.post(
            change_url(future),
            rule_set_form(future.service_type, future.valid_from, max_duration_months="6"),
        )
        assert response.status_code == 302
        future.refresh_from_db()
        assert future.max_duration_months == 6


class TestOrganisationScope:
    """Administrators other than superusers manage only their own organisation's rules."""

    def request_for(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    def test_sees_general_and_own_rule_sets_and_sets_only_own(self, unit):
        model_admin = site._registry[ServiceRuleSet]
        administrator = acting(make_user(Role.ADMIN, unit, is_staff=True))
        general = ServiceRuleSetFactory()
        own = ServiceRuleSetFactory(organisation=unit.organisation, valid_from=tomorrow())
        other = ServiceRuleSetFactory(organisation=OrganisationFactory())
        request = self.request_for(administrator)
        visible = set(model_admin.get_queryset(request))
        assert {general, own} <= visible
        assert other not in visible
        field = model_admin.formfield_for_foreignkey(
            ServiceRuleSet._meta.get_field("organisation"), request
        )
        assert list(field.queryset) == [unit.organisation]
        assert field.required
        assert not model_admin.has_change_permission(request, general)
        assert not model_admin.has_delete_permission(request, other)


def test_catalogue_entry_is_added_with_languages(admin_client):
    response = admin_client.post(
        reverse("admin:services_catalogueentry_add"),
        {
            "slug": "testipalvelu",
            "category": "education",
            "provider": "",
            "provider_name_fi": "Oppilaitos",
            "service_type": "",
            "is_active": "on",
            "name_fi": "Testipalvelu",
            "description_fi": "Kuvaus.",
            "languages": ["fi", "sv"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = CatalogueEntry.objects.get(slug="testipalvelu")
    assert entry.languages == ["fi", "sv"]


def test_an_administrator_adds_and_supersedes_only_own_organisations_rules(client, unit):
    """Needs the services.* admin permissions in accounts/rules.py (like services.unit)."""
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, administrator)
    general = ServiceRuleSetFactory()
    read_only_view = client.get(change_url(general))
    assert read_only_view.status_code == 200
    # No way offered that would be refused: general rules are the operator's, and the page
    # says how the organisation gives its own instead.
    assert supersede_url(general) not in read_only_view.content.decode()
    assert "omat säännöt" in read_only_view.content.decode()
    assert client.get(supersede_url(general)).status_code == 403
    response = client.post(
        reverse("admin:services_serviceruleset_add"),
        {
            **rule_set_form(general.service_type, tomorrow(), max_age="29"),
            "organisation": unit.organisation_id,
        },
    )
    assert response.status_code == 302
    own = ServiceRuleSet.objects.get(organisation=unit.organisation)
    assert (own.max_age, own.created_by) == (29, administrator)
    assert (
        ServiceRuleSet.objects.in_force(general.service_type, unit.organisation, tomorrow()) == own
    )


def test_an_administrator_keeps_own_organisations_catalogue_entries_only(rf, unit):
    from services.factories import CatalogueEntryFactory

    administrator = acting(make_user(Role.ADMIN, unit, is_staff=True))
    request = rf.get("/")
    request.user = administrator
    model_admin = site._registry[CatalogueEntry]
    own = CatalogueEntryFactory(provider=unit.organisation)
    kept = CatalogueEntryFactory(
        provider=None, provider_name_fi="Järjestöt", kept_by=unit.organisation
    )
    another = OrganisationFactory()
    kept_by_another = CatalogueEntryFactory(
        provider=None, provider_name_fi="Oppilaitokset", kept_by=another
    )
    operators = CatalogueEntryFactory(provider=None, provider_name_fi="Työeläkelaitokset")
    others = CatalogueEntryFactory(provider=another)
    assert model_admin.has_change_permission(request, own)
    assert model_admin.has_change_permission(request, kept)
    assert model_admin.has_delete_permission(request, kept)
    for entry in (others, kept_by_another, operators):
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)
    field = model_admin.formfield_for_foreignkey(
        CatalogueEntry._meta.get_field("provider"), request
    )
    assert list(field.queryset) == [unit.organisation]


def test_only_a_superuser_adds_a_service_type(client, unit, superuser):
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, administrator)
    assert client.get(reverse("admin:services_servicetype_add")).status_code == 403
    login(client, superuser)
    assert client.get(reverse("admin:services_servicetype_add")).status_code == 200


def test_only_a_superuser_adds_or_deletes_an_organisation(client, unit, superuser):
    """An administrator sees only their own organisation: one they added would vanish."""
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    own = unit.organisation
    login(client, administrator)
    assert (
        client.get(reverse("admin:services_organisation_change", args=[own.pk])).status_code == 200
    )
    assert client.get(reverse("admin:services_organisation_add")).status_code == 403
    assert (
        client.get(reverse("admin:services_organisation_delete", args=[own.pk])).status_code == 403
    )
    login(client, superuser)
    assert client.get(reverse("admin:services_organisation_add")).status_code == 200
    assert (
        client.get(reverse("admin:services_organisation_delete", args=[own.pk])).status_code == 200
    )


def _entry_form(entry, **fields) -> dict:
    return {
        "slug": entry.slug,
        "category": entry.category,
        "provider": entry.provider_id or "",
        "provider_name_fi": entry.provider_name_fi,
        "service_type": "",
        "is_active": "on",
        "name_fi": entry.name_fi,
        "description_fi": entry.description_fi,
        **fields,
    }


def test_a_shared_entry_is_changed_only_by_the_organisation_that_keeps_it(client, unit):
    """Every organisation reads the catalogue: an entry whose provider is named in text was
    one any organisation's administrator could rename, point to another address or remove."""
    from services.factories import UnitFactory

    keeper = make_user(Role.ADMIN, unit, is_staff=True)
    outsider = make_user(Role.ADMIN, UnitFactory(), is_staff=True)
    login(client, keeper)
    response = client.post(
        reverse("admin:services_catalogueentry_add"),
        {
            "slug": "vapaaehtoistyo-testi",
            "category": "workplace",
            "provider": "",
            "provider_name_fi": "Järjestöt",
            "service_type": "",
            "is_active": "on",
            "name_fi": "Vapaaehtoistyö",
            "description_fi": "Kuvaus.",
            "kept_by": another_organisation_id(),  # not theirs to name: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = CatalogueEntry.objects.get(slug="vapaaehtoistyo-testi")
    assert entry.kept_by == unit.organisation

    login(client, outsider)
    change = reverse("admin:services_catalogueentry_change", args=[entry.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page and 'name="contact_email"' not in page
    response = client.post(change, _entry_form(entry, contact_email="huijari@example.test"))
    assert response.status_code == 403
    delete = reverse("admin:services_catalogueentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.contact_email == "" and entry.kept_by == unit.organisation

    login(client, keeper)
    response = client.post(change, _entry_form(entry, contact_email="info@jarjesto.test"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.contact_email, entry.kept_by) == ("info@jarjesto.test", unit.organisation)
    # Made their own organisation's service, it is kept by the provider.
    response = client.post(change, _entry_form(entry, provider=unit.organisation_id))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.provider, entry.kept_by) == (unit.organisation, None)


def another_organisation_id() -> int:
    return OrganisationFactory().pk


def test_an_entry_names_either_a_polku_provider_or_a_keeper(db):
    from django.db import IntegrityError, transaction

    from services.factories import CatalogueEntryFactory

    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueEntryFactory(provider=organisation, kept_by=organisation)


def test_existing_shared_entries_stay_with_the_organisation_of_whoever_added_them(unit):
    """The data migration reads who added each entry from its change history."""
    import importlib

    import pghistory
    from django.apps import apps

    from services.factories import CatalogueEntryFactory

    fill = importlib.import_module("services.migrations.0015_fill_catalogue_entry_kept_by")
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    # Seeded first: a test's one transaction keeps the context once set.
    seeded = CatalogueEntryFactory(provider=None, provider_name_fi="Työeläkelaitokset")
    with pghistory.context(user=administrator.pk):
        added_in_admin = CatalogueEntryFactory(provider=None, provider_name_fi="Järjestöt")
    fill.fill_kept_by(apps, None)
    added_in_admin.refresh_from_db()
    seeded.refresh_from_db()
    assert (added_in_admin.kept_by, seeded.kept_by) == (unit.organisation, None)


def test_an_administrator_does_not_change_their_organisations_kind(client, unit, superuser):
    """A consent may name a kind of organisation ("Kela (kaikki)"): an organisation made of
    that kind by its own administrator would be covered by every such consent."""
    from services.models import OrganisationKind

    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    own = unit.organisation
    slug = own.slug
    url = reverse("admin:services_organisation_change", args=[own.pk])
    form = {
        "slug": "kela-nyt",
        "kind": OrganisationKind.KELA,
        "name_fi": "Uusi nimi",
        "name_sv": own.name_sv,
        "name_en": own.name_en,
        "business_id": own.business_id,
    }
    login(client, administrator)
    page = client.get(url).content.decode()
    assert 'name="kind"' not in page and 'name="slug"' not in page
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    own.refresh_from_db()
    assert (own.name_fi, own.kind, own.slug) == (
        "Uusi nimi",
        OrganisationKind.SOCIAL_SERVICES,
        slug,
    )
    # The operator changes it.
    login(client, superuser)
    assert client.post(url, form).status_code == 302
    own.refresh_from_db()
    assert (own.kind, own.slug) == (OrganisationKind.KELA, "kela-nyt")


def test_an_administrator_manages_the_organisation_of_their_role_not_their_home(client, unit):
    """A social worker of organisation A (their account's home) made the administrator of B
    manages B while acting in that role: B's organisation, units, rules and catalogue, and
    nothing of A."""
    from services.factories import CatalogueEntryFactory, UnitFactory

    home = unit  # A
    managed = UnitFactory()  # a unit of B
    person = make_user(Role.SOCIAL_WORKER, home)
    role = person.role_assignments.create(role=Role.ADMIN, unit=managed)
    other_unit_of_home = UnitFactory(organisation=home.organisation)
    login_acting(client, person, role)

    units = client.get(reverse("admin:services_unit_changelist")).content.decode()
    assert managed.name_fi in units
    assert home.name_fi not in units and other_unit_of_home.name_fi not in units
    organisations = client.get(reverse("admin:services_organisation_changelist"))
    assert list(organisations.context["cl"].result_list) == [managed.organisation]
    assert (
        client.get(
            reverse("admin:services_organisation_change", args=[home.organisation_id])
        ).status_code
        == 302  # the admin's "no such object" redirect: A is not theirs
    )

    unit_form = client.get(reverse("admin:services_unit_add")).context["adminform"].form
    assert list(unit_form.fields["organisation"].queryset) == [managed.organisation]
    assert list(unit_form.fields["parent"].queryset) == [managed]

    general = ServiceRuleSetFactory()
    response = client.post(
        reverse("admin:services_serviceruleset_add"),
        {
            **rule_set_form(general.service_type, tomorrow(), max_age="29"),
            "organisation": home.organisation_id,
        },
    )
    assert response.status_code == 200  # A is not among the choices
    assert not ServiceRuleSet.objects.filter(organisation=home.organisation).exists()
    response = client.post(
        reverse("admin:services_serviceruleset_add"),
        {
            **rule_set_form(general.service_type, tomorrow(), max_age="29"),
            "organisation": managed.organisation_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceRuleSet.objects.filter(organisation=managed.organisation).exists()

    kept_by_home = CatalogueEntryFactory(
        provider=None, provider_name_fi="Järjestöt", kept_by=home.organisation
    )
    entry_url = reverse("admin:services_catalogueentry_change", args=[kept_by_home.pk])
    response = client.post(entry_url, _entry_form(kept_by_home, name_fi="Muutettu"))
    assert response.status_code == 403
    response = client.post(
        reverse("admin:services_catalogueentry_add"),
        _entry_form(
            CatalogueEntryFactory.build(provider=None, provider_name_fi="Yhdistys"),
            slug="uusi-kohde",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CatalogueEntry.objects.get(slug="uusi-kohde").kept_by == managed.organisation


class TestSuccessorNotYetInForce:
    """A successor changed or deleted before it takes effect leaves no day without rules."""

    @pytest.fixture
    def chain(self, superuser):
        current = ServiceRuleSetFactory(rehabilitative_work_activity=True, max_age=29)
        start = timezone.localdate() + datetime.timedelta(days=10)
        successor = supersede_rule_set(
            current=current, valid_from=start, changes={"max_age": 30}, by=superuser
        )
        return current, successor

    def successor_form(self, successor, valid_from, **fields):
        return {
            "valid_from": valid_from.isoformat(),
            "valid_to": "",
            "source": successor.source,
            "max_age": "30",
            **fields,
        }

    def test_deleting_it_gives_the_replaced_rules_their_end_back(self, admin_client, chain):
        current, successor = chain
        url = reverse("admin:services_serviceruleset_delete", args=[successor.pk])
        response = admin_client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not ServiceRuleSet.objects.filter(pk=successor.pk).exists()
        current.refresh_from_db()
        assert current.valid_to is None
        later = successor.valid_from + datetime.timedelta(days=400)
        assert ServiceRuleSet.objects.in_force(current.service_type, None, later) == current

    def test_deleting_an_ending_successor_gives_its_end(self, admin_client, superuser):
        end = timezone.localdate() + datetime.timedelta(days=60)
        essote = OrganisationFactory()
        current = ServiceRuleSetFactory(organisation=essote, valid_to=end)
        successor = supersede_rule_set(
            current=current, valid_from=tomorrow(), changes={}, by=superuser
        )
        url = reverse("admin:services_serviceruleset_delete", args=[successor.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
        current.refresh_from_db()
        assert current.valid_to == end

    def test_a_successor_with_its_own_successor_is_not_deleted(self, admin_client, chain):
        current, successor = chain
        third = supersede_rule_set(
            current=successor,
            valid_from=successor.valid_from + datetime.timedelta(days=5),
            changes={},
            by=current.created_by,
        )
        url = reverse("admin:services_serviceruleset_delete", args=[successor.pk])
        admin_client.post(url, {"post": "yes"})
        assert ServiceRuleSet.objects.filter(pk__in=[successor.pk, third.pk]).count() == 2
        current.refresh_from_db()
        assert current.valid_to == successor.valid_from - datetime.timedelta(days=1)

    def test_the_rule_sets_are_not_deleted_in_bulk(self, admin_client, chain):
        response = admin_client.get(reverse("admin:services_serviceruleset_changelist"))
        assert response.status_code == 200
        assert "delete_selected" not in response.content.decode()

    @pytest.mark.parametrize("days", [20, -5])
    def test_moving_its_start_moves_the_end_of_the_replaced_rules(self, admin_client, chain, days):
        current, successor = chain
        new_start = successor.valid_from + datetime.timedelta(days=days)
        response = admin_client.post(
            change_url(successor), self.successor_form(successor, new_start)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        successor.refresh_from_db()
        current.refresh_from_db()
        assert successor.valid_from == new_start
        assert current.valid_to == new_start - datetime.timedelta(days=1)
        lookup = ServiceRuleSet.objects.in_force
        assert lookup(current.service_type, None, new_start - datetime.timedelta(days=1)) == (
            current
        )
        assert lookup(current.service_type, None, new_start) == successor

    @pytest.mark.parametrize(
        ("start", "message"),
        [
            ("today", "aikaisintaan huomenna"),
            ("replaced", "voivat alkaa aikaisintaan seuraavana päivänä"),
        ],
    )
    def test_a_start_today_or_not_after_the_replaced_rules_is_refused(
        self, superuser, admin_client, start, message
    ):
        current = ServiceRuleSetFactory(valid_from=tomorrow(), max_age=29)
        successor = supersede_rule_set(
            current=current,
            valid_from=tomorrow() + datetime.timedelta(days=3),
            changes={"max_age": 30},
            by=superuser,
        )
        new_start = timezone.localdate() if start == "today" else current.valid_from
        response = admin_client.post(
            change_url(successor), self.successor_form(successor, new_start)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        successor.refresh_from_db()
        current.refresh_from_db()
        assert current.valid_to == successor.valid_from - datetime.timedelta(days=1)

    def test_its_service_and_scope_stay_those_of_the_replaced_rules(self, admin_client, chain):
        current, successor = chain
        response = admin_client.get(change_url(successor))
        content = response.content.decode()
        assert 'name="valid_from"' in content
        assert 'name="service_type"' not in content
        assert 'name="organisation"' not in content
        assert "aiempien sääntöjen voimassaolo päättyy edellisenä päivänä" in content
        admin_client.post(
            change_url(successor),
            self.successor_form(
                successor, successor.valid_from, service_type=ServiceTypeFactory().pk
            ),
        )
        successor.refresh_from_db()
        assert successor.service_type == current.service_type
