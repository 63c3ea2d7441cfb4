"""System checks of the reminder settings: a mistyped rule code in POLKU_REMINDER_WINDOWS
would otherwise be ignored without a word, and the rule would keep its default window."""

from django.conf import settings
from django.core import checks

from notifications.rules_registry import registered_rules


@checks.register(checks.Tags.compatibility)
def check_reminder_windows(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    known = {rule.code for rule in registered_rules()}
    errors = []
    for code, days in getattr(settings, "POLKU_REMINDER_WINDOWS", {}).items():
        if code not in known:
            errors.append(
                checks.Error(
                    f"POLKU_REMINDER_WINDOWS names an unknown reminder rule {code!r}.",
                    hint="Known rules: " + ", ".join(sorted(known)),
                    id="notifications.E001",
                )
            )
        elif days < 1:
            errors.append(
                checks.Error(
                    f"POLKU_REMINDER_WINDOWS[{code!r}] must be a whole number of days, at least 1.",
                    id="notifications.E002",
                )
            )
    return errors
