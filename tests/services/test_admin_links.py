"""Every link an organisation's administrator meets in the admin opens: none leads to a page
refused to them or to "no such object" (an object of another organisation, or of the
operator, is named in text, not linked)."""

import re
from html import unescape

import pytest
from django.contrib import messages

from accounts.factories import make_user
from accounts.roles import Role
from services.factories import (
    CatalogueEntryFactory,
    OrganisationFactory,
    ServiceRuleSetFactory,
    UnitFactory,
)
from tests.conftest import login

pytestmark = pytest.mark.django_db

# Links that leave the admin's pages or change something on a GET are not followed.
NOT_FOLLOWED = ("/admin/logout/", "/admin/password_change/", "/admin/r/")


def admin_links(page: str) -> set[str]:
    return {
        unescape(href).split("#")[0]
        for href in re.findall(r'href="(/admin/[^"]*)"', page)
        if not href.startswith(NOT_FOLLOWED) and "/delete/" not in href
    }


def test_every_link_an_organisation_administrator_meets_opens(client, unit):
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    another = OrganisationFactory()
    elsewhere = UnitFactory(organisation=another)
    # Homed in another organisation, working also in ours: their account is read-only here.
    make_user(Role.SOCIAL_WORKER, elsewhere).role_assignments.create(
        role=Role.SOCIAL_COUNSELLOR, unit=unit
    )
    ServiceRuleSetFactory()  # general: the operator's
    ServiceRuleSetFactory(organisation=unit.organisation)
    CatalogueEntryFactory(provider=another)
    CatalogueEntryFactory(provider=None, provider_name_fi="Oppilaitokset", kept_by=another)
    CatalogueEntryFactory(provider=unit.organisation)
    login(client, administrator)

    seen, to_visit, broken = set(), ["/admin/"], []
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:  # a redirect is the admin's "no such object"
            notices = [str(m) for m in messages.get_messages(response.wsgi_request)]
            broken.append((url, response.status_code, notices))
            continue
        to_visit.extend(admin_links(response.content.decode()) - seen)
    assert len(seen) > 20
    assert broken == []
