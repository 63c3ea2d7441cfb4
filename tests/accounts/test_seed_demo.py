import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from clients.models import CaseNote, Client, ClientPlan
from services.models import Organisation, Unit
from tests.conftest import totp_code


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="POLKU_ENV=production"):
        call_command("seed_demo")
    assert not User.objects.exists()


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
