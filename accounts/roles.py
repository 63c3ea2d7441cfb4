"""The roles of Polku (DESIGN.md "Stable interfaces"). A user acts in one at a time."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Sosiaalityöntekijä")
    SOCIAL_COUNSELLOR = "social_counsellor", _("Sosiaaliohjaaja")
    WORK_COACH = "work_coach", _("Työvalmentaja")
    JOB_COACH = "job_coach", _("Työhönvalmentaja")
    WORKSHOP_COACH = "workshop_coach", _("Työpajaohjaaja")
    COORDINATOR = "coordinator", _("Työkykykoordinaattori")
    EMPLOYMENT_EXPERT = "employment_expert", _("Työllisyyspalvelujen asiantuntija")
    KELA_LIAISON = "kela_liaison", _("Kelan yhteyshenkilö")
    HEALTH_PROFESSIONAL = "health_professional", _("Terveydenhuollon ammattilainen")
    MANAGER = "manager", _("Esihenkilö")
    DPO = "dpo", _("Tietosuojavastaava")
    ADMIN = "admin", _("Pääkäyttäjä")


# Groups the rules speak of (PERMISSIONS.md).
CLIENT_REGISTRARS = frozenset({Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR, Role.EMPLOYMENT_EXPERT})
BREAK_THE_GLASS_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR, Role.EMPLOYMENT_EXPERT}
)
COACH_ROLES = frozenset({Role.WORK_COACH, Role.JOB_COACH, Role.WORKSHOP_COACH})
PARTNER_ROLES = frozenset({Role.EMPLOYMENT_EXPERT, Role.KELA_LIAISON, Role.HEALTH_PROFESSIONAL})
HEALTH_NOTE_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR, Role.HEALTH_PROFESSIONAL, Role.COORDINATOR}
)
# Roles that never work with client data.
NO_CLIENT_DATA_ROLES = frozenset({Role.ADMIN, Role.DPO})
