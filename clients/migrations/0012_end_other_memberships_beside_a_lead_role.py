"""Ends the "other member" memberships of people who are also the client's responsible worker
or sote contact person, before migration 0013 makes the database refuse the pair.

The "other member" role adds nothing beside those roles (clients.actions.check_roles_beside),
so it ends today, or on its "valid until" day when that has passed, as end_membership ends
one; one that was to start later is cancelled (set_membership_end). The change history
records each end (pghistory's triggers). The reverse changes nothing.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

LEAD_ROLES = ["responsible_worker", "sote_contact"]


def end_other_beside_lead_role(apps, schema_editor):
    membership_model = apps.get_model("clients", "CareTeamMembership")
    lead = membership_model.objects.filter(
        client=OuterRef("client"),
        user=OuterRef("user"),
        role__in=LEAD_ROLES,
        ended_on__isnull=True,
    )
    today = timezone.localdate()
    redundant = membership_model.objects.filter(role="other", ended_on__isnull=True).filter(
        Exists(lead)
    )
    for membership in redundant:
        day = min(today, membership.valid_until) if membership.valid_until else today
        membership.ended_on = day
        membership.cancelled = day < membership.started_on
        membership.save(update_fields=["ended_on", "cancelled"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0011_assessment_completed_not_in_future"),
    ]

    operations = [
        migrations.RunPython(end_other_beside_lead_role, migrations.RunPython.noop),
    ]
