import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The start and end of an oral consent's event, and the change history that keeps them.

    Schema only: the backfill (0004) fills the existing oral consents, and 0005 makes the
    columns part of the read-only content and adds the checks.
    """

    dependencies = [
        ("clients", "0004_membership_valid_until"),
        ("consents", "0002_revoked_not_before_given"),
        ("services", "0007_work_ability_assessment_needs_no_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="consent",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="consent",
            name="update_update",
        ),
        migrations.AddField(
            model_name="consent",
            name="event_ends_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tapahtuma päättyy"),
        ),
        migrations.AddField(
            model_name="consent",
            name="event_starts_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tapahtuma alkaa"),
        ),
        migrations.AddField(
            model_name="consentevent",
            name="event_ends_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tapahtuma päättyy"),
        ),
        migrations.AddField(
            model_name="consentevent",
            name="event_starts_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tapahtuma alkaa"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="consent",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "consents_consentevent" ("categories", "client_id", "event_date", "event_ends_at", "event_kind", "event_name", "event_reference", "event_starts_at", "form", "form_description", "giver_basis", "giver_kind", "giver_name", "health_confirmed", "id", "method", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purpose_description", "purposes", "recorded_at", "recorded_by_id", "revocation_method", "revocation_note", "revoked_at", "revoked_by_id", "revoked_on", "revoked_through", "revoked_through_organisation_id", "series", "signed_on", "superseded_at", "supersedes_id", "valid_from", "valid_until", "version") VALUES (NEW."categories", NEW."client_id", NEW."event_date", NEW."event_ends_at", NEW."event_kind", NEW."event_name", NEW."event_reference", NEW."event_starts_at", NEW."form", NEW."form_description", NEW."giver_basis", NEW."giver_kind", NEW."giver_name", NEW."health_confirmed", NEW."id", NEW."method", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."purpose_description", NEW."purposes", NEW."recorded_at", NEW."recorded_by_id", NEW."revocation_method", NEW."revocation_note", NEW."revoked_at", NEW."revoked_by_id", NEW."revoked_on", NEW."revoked_through", NEW."revoked_through_organisation_id", NEW."series", NEW."signed_on", NEW."superseded_at", NEW."supersedes_id", NEW."valid_from", NEW."valid_until", NEW."version"); RETURN NULL;',
                    hash="aebb1629d9163c5bd9c3bda29f4f41f537371a01",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_9ffa5",
                    table="consents_consent",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="consent",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "consents_consentevent" ("categories", "client_id", "event_date", "event_ends_at", "event_kind", "event_name", "event_reference", "event_starts_at", "form", "form_description", "giver_basis", "giver_kind", "giver_name", "health_confirmed", "id", "method", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "purpose_description", "purposes", "recorded_at", "recorded_by_id", "revocation_method", "revocation_note", "revoked_at", "revoked_by_id", "revoked_on", "revoked_through", "revoked_through_organisation_id", "series", "signed_on", "superseded_at", "supersedes_id", "valid_from", "valid_until", "version") VALUES (NEW."categories", NEW."client_id", NEW."event_date", NEW."event_ends_at", NEW."event_kind", NEW."event_name", NEW."event_reference", NEW."event_starts_at", NEW."form", NEW."form_description", NEW."giver_basis", NEW."giver_kind", NEW."giver_name", NEW."health_confirmed", NEW."id", NEW."method", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."purpose_description", NEW."purposes", NEW."recorded_at", NEW."recorded_by_id", NEW."revocation_method", NEW."revocation_note", NEW."revoked_at", NEW."revoked_by_id", NEW."revoked_on", NEW."revoked_through", NEW."revoked_through_organisation_id", NEW."series", NEW."signed_on", NEW."superseded_at", NEW."supersedes_id", NEW."valid_from", NEW."valid_until", NEW."version"); RETURN NULL;',
                    hash="a171fdea8169bd60c40a814d08abb2648391668d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_bc328",
                    table="consents_consent",
                    when="AFTER",
                ),
            ),
        ),
    ]
