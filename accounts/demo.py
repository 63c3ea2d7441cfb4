"""Demo users: one per role, `<role>@demo.polku.test`, password `polku-demo`,
TOTP already enrolled on the public secret JBSWY3DPEHPK3PXP (DESIGN.md
"Stable interfaces"). These credentials are public: seed_demo refuses to run
in production.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from services.models import Unit

DEMO_PASSWORD = "polku-demo"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
DEMO_EMAIL_DOMAIN = "demo.polku.test"

# role: (first name, last name, title, unit slug)
DEMO_USERS = {
    Role.SOCIAL_WORKER: ("Sanna", "Sosiaalinen", "sosiaalityöntekijä", "hki-aikuissosiaalityo"),
    Role.SOCIAL_COUNSELLOR: ("Outi", "Ohjaaja", "sosiaaliohjaaja", "hki-aikuissosiaalityo"),
    Role.WORK_COACH: ("Veikko", "Valmentaja", "työvalmentaja", "hki-tyotoiminta-itakeskus"),
    Role.JOB_COACH: ("Hanna", "Hakija", "työhönvalmentaja", "hki-tuettu-tyollistyminen"),
    Role.WORKSHOP_COACH: ("Pekka", "Pajanen", "työpajaohjaaja", "essote-nuorten-tyopajat"),
    Role.COORDINATOR: (
        "Kaisa",
        "Koordinaattori",
        "työkykykoordinaattori",
        "hki-tyokykykoordinaatio",
    ),
    Role.EMPLOYMENT_EXPERT: (
        "Tero",
        "Työllinen",
        "työllisyysasiantuntija",
        "hki-tyollisyys-asiakaspalvelu",
    ),
    Role.KELA_LIAISON: ("Kerttu", "Kelalainen", "Kelan yhteyshenkilö", "kela-tyokyky"),
    Role.HEALTH_PROFESSIONAL: (
        "Terhi",
        "Terveys",
        "terveydenhoitaja",
        "hki-terveys-ja-hyvinvointikeskus",
    ),
    Role.MANAGER: ("Esa", "Esihenkilö", "johtava sosiaalityöntekijä", "hki-aikuissosiaalityo"),
    Role.DPO: ("Tiina", "Tietosuoja", "tietosuojavastaava", "hki-aikuissosiaalityo"),
    Role.ADMIN: ("Paavo", "Pääkäyttäjä", "pääkäyttäjä", "hki-aikuissosiaalityo"),
}


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_EMAIL_DOMAIN}"


def seed() -> None:
    for role, (first_name, last_name, title, unit_slug) in DEMO_USERS.items():
        unit = Unit.objects.select_related("organisation").get(slug=unit_slug)
        user, created = User.objects.get_or_create(
            email=demo_email(role),
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "title": title,
                "organisation": unit.organisation,
                "is_staff": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
            )
    # The manager of Helsinki's adult social work also leads the work-activity unit:
    # a second role shows the role switch in the header.
    manager = User.objects.get(email=demo_email(Role.MANAGER))
    work_activity = Unit.objects.get(slug="hki-tyotoiminta-itakeskus")
    RoleAssignment.objects.get_or_create(user=manager, role=Role.MANAGER, unit=work_activity)
