"""Staff, units, organisations and networks are listed in the Finnish and Swedish alphabetical
order (…x, y, z, å, ä, ö) whatever the database's locale (config/ordering.py), and the
database's order agrees with the Python key that sorts the same names in memory."""

import pytest
from django.urls import reverse

from accounts.factories import make_user
from accounts.models import User
from accounts.roles import Role
from config.ordering import Alphabetical, alphabetical_key
from services.factories import OrganisationFactory, UnitFactory
from services.models import Organisation, Unit
from tests.conftest import login

IN_ORDER = [
    "Aalto",
    "Éclair",
    "Müller",
    "van der Berg",
    "Zetterberg",
    "Åkerlund",
    "Äijälä",
    "Öhman",
]
CREATED = ["Öhman", "Åkerlund", "Müller", "Äijälä", "Zetterberg", "van der Berg", "Aalto", "Éclair"]

pytestmark = pytest.mark.django_db


def test_the_python_key_puts_a_ring_a_umlaut_and_o_umlaut_after_z_and_folds_other_accents():
    assert sorted(CREATED, key=alphabetical_key) == IN_ORDER
    assert alphabetical_key("Anna-Liisa  Ålander") == "anna liisa {lander"


def test_the_database_orders_users_by_the_same_rule(unit):
    created = [make_user(None, unit, first_name="Aino", last_name=name) for name in CREATED]
    ordered = User.objects.filter(pk__in=[user.pk for user in created])
    assert [user.last_name for user in ordered] == IN_ORDER


def test_the_database_and_python_agree_name_by_name():
    """The SQL expression folds the accents a Finnish register meets as Python does."""
    names = ["Ñúñez", "Çelik", "Šimkus", "Žukauskas", "Ýr", "Ørsted", "Æbelø", "Lindén", "Lindell"]
    organisations = [OrganisationFactory(name_fi=name) for name in names]
    ordered = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
    assert [o.name_fi for o in ordered] == sorted(names, key=alphabetical_key)
    keys = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).annotate(
        key=Alphabetical("name_fi")
    )
    assert {o.name_fi: o.key for o in keys} == {name: alphabetical_key(name) for name in names}


def test_units_are_ordered_by_organisation_then_name():
    second = OrganisationFactory(name_fi="Östra Nylands välfärdsområde")
    first = OrganisationFactory(name_fi="Etelä-Savon hyvinvointialue")
    units = [
        UnitFactory(organisation=second, name_fi="Ateljé"),
        UnitFactory(organisation=first, name_fi="Työpaja Äänekäs"),
        UnitFactory(organisation=first, name_fi="Työpaja Aalto"),
    ]
    ordered = Unit.objects.filter(pk__in=[u.pk for u in units])
    assert [u.name_fi for u in ordered] == ["Työpaja Aalto", "Työpaja Äänekäs", "Ateljé"]


def test_the_dpo_finds_users_in_alphabetical_order(client, unit):
    dpo = make_user(Role.DPO, unit, first_name="Tea", last_name="Tietosuoja")
    created = [
        make_user(Role.SOCIAL_WORKER, unit, first_name="Aino", last_name=name) for name in CREATED
    ]
    login(client, dpo)
    text = client.get(reverse("audit:user_find"), {"q": "Aino"}).text
    shown = sorted(created, key=lambda user: text.index(str(user.uuid)))
    assert [user.last_name for user in shown] == IN_ORDER


def test_the_handover_form_offers_colleagues_in_alphabetical_order(unit):
    """Staff choices order by the same rule, not by the database's default collation."""
    from clients.factories import ClientFactory
    from clients.forms import HandoverForm

    leaving = make_user(Role.SOCIAL_WORKER, unit, first_name="Lea", last_name="Lähtijä")
    client = ClientFactory(responsible_worker=leaving)
    for name in CREATED:
        make_user(Role.SOCIAL_WORKER, unit, first_name="Aino", last_name=name)
    manager = make_user(Role.MANAGER, unit, first_name="Essi", last_name="Esihenkilö")
    form = HandoverForm(from_user=leaving, unit=client.responsible_unit, actor=manager)
    choices = form.fields[f"client_{client.pk}"].offered
    assert [assignment.user.last_name for assignment in choices] == IN_ORDER
