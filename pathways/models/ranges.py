"""Field validators stating a check constraint's range next to the field, and the
messages both give (the database still enforces each)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _


def within_range(low, high, message) -> list:
    """Field validators stating a check constraint's range next to the field (the database
    still enforces it)."""
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


DAYS_PER_WEEK = _("Päiviä viikossa on 1–7.")
HOURS_PER_DAY = _("Tunteja päivässä on enemmän kuin 0 ja enintään 24.")
NOT_NEGATIVE = _("Korvaus ei voi olla negatiivinen.")
END_AFTER_START = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
JOBCENTER_WEEKLY_HOURS = _("Viikkotunteja on enemmän kuin 0 ja enintään 40.")
HOURLY_WAGE = _("Tuntipalkan on oltava enemmän kuin 0 €.")
PLACEMENT_WEEKLY_HOURS = _("Viikkotunteja on enemmän kuin 0 ja enintään 60.")
