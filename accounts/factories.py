"""Factories for staff users. `make_user(role, unit)` gives a user acting in that role, TOTP enrolled."""

import random

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from faker.providers.person.fi_FI import Provider as FinnishNames

from accounts.models import RoleAssignment, User
from services.factories import OrganisationFactory, UnitFactory

TEST_PASSWORD = "polku-demo"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

# Staff and clients draw their family names from disjoint halves of Faker's Finnish list,
# so a test that checks a client's name is absent from a page never trips over a worker
# who happens to share it.
_FINNISH_LAST_NAMES = sorted(FinnishNames.last_names)
STAFF_LAST_NAMES = _FINNISH_LAST_NAMES[0::2]
CLIENT_LAST_NAMES = _FINNISH_LAST_NAMES[1::2]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"kayttaja{n}@polku.test")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.LazyFunction(lambda: random.choice(STAFF_LAST_NAMES))
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


def make_user(role: str | None = None, unit=None, *, with_mfa: bool = True, **fields) -> User:
    """A user with one current role assignment in `unit` (when a role is given) and TOTP enrolled."""
    unit = unit or UnitFactory()
    user = UserFactory(organisation=unit.organisation, **fields)
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    if with_mfa:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TEST_TOTP_SECRET)}
        )
    return user


def make_invited_user(role: str | None = None, unit=None, **fields) -> User:
    """A user invited but not yet in use: no password set, never signed in, no second factor
    (accounts.actions.account_in_use), as the admin's user form leaves a new one."""
    user = make_user(role, unit, with_mfa=False, **fields)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user
