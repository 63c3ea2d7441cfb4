import io
import os
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from clients.models import CaseNote, Client, ClientPlan
from services.models import Organisation, Unit
from tests.conftest import totp_code


def _production_environment() -> dict:
    """The environment an operator's production shell has: POLKU_ENV=production and the
    secrets production settings demand, pointed at this test's database."""
    from cryptography.fernet import Fernet
    from django.db import connection

    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return {
        **os.environ,
        "POLKU_ENV": "production",
        "SECRET_KEY": "seed-demo-refusal-" + "x" * 50,
        "POLKU_IDENTITY_CODE_KEYS": Fernet.generate_key().decode(),
        "POLKU_IDENTITY_CODE_HASH_KEY": "seed-demo-refusal",
        "ALLOWED_HOSTS": "polku.example.fi",
        "POLKU_BASE_URL": "https://polku.example.fi",
        "DATABASE_URL": (
            f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_refuses_to_run_when_polku_env_is_production():
    # As an operator would run it: manage.py in a production environment. The settings
    # module reads POLKU_ENV itself; nothing in the test process is overridden.
    before = (User.objects.count(), Organisation.objects.count(), Unit.objects.count())
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=settings.BASE_DIR,
        env=_production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    # seed_demo's own refusal, not the settings failing to load before it could run.
    assert (
        "seed_demo refuses to run when POLKU_ENV=production: the demo credentials are public."
        in result.stderr
    )
    assert "Demo data loaded" not in result.stdout
    assert not User.objects.filter(email__endswith="@demo.polku.test").exists()
    assert (User.objects.count(), Organisation.objects.count(), Unit.objects.count()) == before


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_with_password_and_totp_and_is_idempotent():
    call_command("seed_demo")

    def counts():
        return (
            Organisation.objects.count(),
            Unit.objects.count(),
            User.objects.count(),
            Client.objects.count(),
            ClientPlan.objects.count(),
            CaseNote.objects.count(),
        )

    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first[3] >= 55
    silmu = Client.objects.get(first_names="Silmu", last_name="Suunnistaja")
    assert silmu.age == 23
    assert "Hankin hygieniapassin" in silmu.plans.get().goals.values_list("text", flat=True)
    assert Client.objects.filter(communication_needs__contains=["picture_support"]).exists()
    # Some clients have told how they wish to be contacted, some have not (yet).
    onni = Client.objects.get(first_names="Onni", last_name="Orava")
    assert onni.preferred_contact == "in_person"
    contacts = set(Client.objects.values_list("preferred_contact", flat=True))
    assert {"", "phone_call", "text_message", "letter", "in_person"} <= contacts
    for role in Role.values:
        user = User.objects.get(email=f"{role}@demo.polku.test")
        assert user.check_password("polku-demo")
        assert user.role_assignments.filter(role=role).exists()
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(authenticator.data["secret"]) == "JBSWY3DPEHPK3PXP"
        assert TOTP(authenticator).validate_code(totp_code())
    assert Unit.objects.filter(name_fi="Starttipaja", parent__name_fi="Nuorten työpajat").exists()
    assert Organisation.objects.filter(name_fi="Helsingin työllisyyspalvelut").exists()
    assert Unit.objects.filter(name_fi="Osaamiskeskus Kipinä").exists()


@pytest.mark.django_db
def test_seed_demo_run_on_a_later_day_adds_no_clients():
    import datetime

    import time_machine

    call_command("seed_demo")
    count = Client.objects.count()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3)):
        call_command("seed_demo")
    assert Client.objects.count() == count


@pytest.mark.django_db
def test_seed_demo_sweeps_once_so_the_demo_inboxes_show_what_is_due_today():
    """`make run` shows reminders from the first sign-in, not after beat's next sweep; the
    sweep's unique keys keep a second seeding from adding any."""
    from notifications.models import Reminder

    call_command("seed_demo", stdout=io.StringIO())
    reminders = Reminder.objects.count()
    social_worker = User.objects.get(email="social_worker@demo.polku.test")

    assert reminders > 0
    assert Reminder.objects.filter(recipient=social_worker).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert Reminder.objects.count() == reminders
