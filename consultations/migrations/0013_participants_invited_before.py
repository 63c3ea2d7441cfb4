"""Participations that exist already were sent their invitation (or it is on its way) at the
session's SEQUENCE as it is now: record that, so that the next change reaches them headed as
an updated invitation, as before 0012, and an invitation still on its way as a first one."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def record_current_sequence(apps, schema_editor):
    Session = apps.get_model("consultations", "Session")
    SessionParticipant = apps.get_model("consultations", "SessionParticipant")
    SessionParticipant.objects.filter(request_sent_sequence__isnull=True).update(
        request_sent_sequence=Subquery(
            Session.objects.filter(pk=OuterRef("session_id")).values("sequence")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0012_participant_request_sent_sequence")]

    operations = [migrations.RunPython(record_current_sequence, migrations.RunPython.noop)]
