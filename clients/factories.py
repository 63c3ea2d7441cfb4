"""Client factories with Finnish data; identity codes pass the checksum and use
individual numbers 900-999 (temporary codes, never a real person's)."""

import datetime
import random

import factory
from django.utils import timezone
from factory.faker import faker

from accounts.factories import CLIENT_LAST_NAMES
from clients import identity
from clients.actions import set_search_names
from clients.models import CareTeamMembership, CaseNote, Client, ClientPlan, PlanGoal, TeamRole

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_fake = faker.Faker("fi_FI")


def demo_identity_code(birth_date: datetime.date, individual: int | None = None) -> str:
    """A checksum-valid code with an individual number in 900-999."""
    individual = individual if individual is not None else random.randint(900, 999)
    assert 900 <= individual <= 999
    sign = {1800: "+", 1900: "-", 2000: "A"}[birth_date.year // 100 * 100]
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    return f"{birth_date:%d%m%y}{sign}{individual:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


def unused_demo_identity_code(birth_date: datetime.date) -> str:
    """A demo code for the birth date that no client has yet: two clients of one birth date
    would otherwise share one in a hundred times and break the unique code."""
    for individual in random.sample(range(900, 1000), 100):
        code = demo_identity_code(birth_date, individual)
        if not Client.objects.filter(identity_code_hash=identity.search_hash(code)).exists():
            return code
    raise RuntimeError(f"Every demo identity code of {birth_date} is taken.")


def random_birth_date(min_age: int = 18, max_age: int = 64) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=random.randint(min_age * 365 + 5, max_age * 365))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    class Params:
        birth = factory.LazyFunction(random_birth_date)
        code = factory.LazyAttribute(lambda o: unused_demo_identity_code(o.birth))
        responsible_worker = None

    first_names = factory.LazyFunction(lambda: f"{_fake.first_name()} {_fake.first_name()}")
    last_name = factory.LazyFunction(lambda: random.choice(CLIENT_LAST_NAMES))
    birth_date = factory.SelfAttribute("birth")
    identity_code_encrypted = factory.LazyAttribute(lambda o: identity.encrypt(o.code))
    identity_code_hash = factory.LazyAttribute(lambda o: identity.search_hash(o.code))
    identity_code_masked = factory.LazyAttribute(lambda o: identity.mask(o.code))
    phone = factory.LazyFunction(lambda: f"040 {random.randint(1000000, 9999999)}")
    street_address = factory.LazyFunction(_fake.street_address)
    postal_code = factory.LazyFunction(_fake.postcode)
    city = "Helsinki"
    created_by = factory.LazyAttribute(lambda o: o.responsible_worker or _any_user())
    responsible_unit = factory.LazyAttribute(lambda o: _unit_of(o.created_by))
    organisation = factory.LazyAttribute(lambda o: o.responsible_unit.organisation)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        client = model_class(*args, **kwargs)
        set_search_names(client)
        client.save()
        return client

    @factory.post_generation
    def with_responsible_worker(self, create, extracted, **kwargs):
        """The registering worker (`responsible_worker=`) becomes the responsible worker."""
        if create and extracted is not False and self.created_by.role_assignments.exists():
            add_member(self, self.created_by, TeamRole.RESPONSIBLE_WORKER)


def _unit_of(user):
    """The registering worker's unit becomes the responsible unit, as in registration."""
    assignment = user.role_assignments.order_by("pk").first()
    if assignment is not None:
        return assignment.unit
    from services.factories import UnitFactory

    return UnitFactory()


def _any_user():
    from accounts.factories import UserFactory

    return UserFactory()


def add_member(client: Client, user, role: str, *, organisation=None) -> CareTeamMembership:
    return CareTeamMembership.objects.create(
        client=client,
        user=user,
        role=role,
        organisation_id=organisation.pk if organisation else member_organisation(client, user),
        created_by=user,
    )


def member_organisation(client: Client, user) -> int:
    """The organisation a member added directly (tests, the demo) works for on the team, as
    `clients.team_scope.admit` would decide it for a fitting role: the client's own when they
    hold a role there, otherwise that of their first role; the client's without roles."""
    own = client.responsible_unit.organisation_id
    held = list(user.role_assignments.order_by("pk").values_list("unit__organisation", flat=True))
    return own if own in held or not held else held[0]


def make_plan(
    client: Client, author, goals=("Löytää sopiva työ", "Hygieniapassi"), **fields
) -> ClientPlan:
    defaults = {
        "plan_type": "client_plan",
        "status": "active",
        "client_view": "Haluan oppia uutta ja löytää työn.",
        "next_review_on": timezone.localdate() + datetime.timedelta(days=90),
    }
    fields = {**defaults, **fields}
    previous = (
        ClientPlan.objects.filter(client=client, plan_type=fields["plan_type"]).current().first()
    )
    plan = ClientPlan.objects.create(
        client=client,
        created_by=author,
        version=previous.version + 1 if previous else 1,
        supersedes=previous,
        **fields,
    )
    PlanGoal.objects.bulk_create(
        PlanGoal(plan=plan, position=i, text=text) for i, text in enumerate(goals)
    )
    return plan


def make_note(client: Client, author, **fields) -> CaseNote:
    defaults = {"kind": "meeting", "text": "Tapaaminen toimistolla. Käytiin läpi tilanne."}
    return CaseNote.objects.create(client=client, author=author, **{**defaults, **fields})
