"""A case note keeps the one-time token of the form it was written on: the same form sent
twice (a double click on save) is the same note. The client's notes hold a token once; the
notes written before have none, and nulls are distinct, so they stay as they are. The
token is no part of the record, so the history leaves it out."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0019_membership_admitted_at"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="casenote",
            name="update_update",
        ),
        migrations.AddField(
            model_name="casenote",
            name="submission_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="casenote",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."amends_id" IS DISTINCT FROM (NEW."amends_id") OR OLD."author_id" IS DISTINCT FROM (NEW."author_id") OR OLD."client_id" IS DISTINCT FROM (NEW."client_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."health_related" IS DISTINCT FROM (NEW."health_related") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."text" IS DISTINCT FROM (NEW."text") OR OLD."written_on" IS DISTINCT FROM (NEW."written_on"))',
                    func='INSERT INTO "clients_casenoteevent" ("amends_id", "author_id", "client_id", "created_at", "health_related", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "text", "written_on") VALUES (NEW."amends_id", NEW."author_id", NEW."client_id", NEW."created_at", NEW."health_related", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."text", NEW."written_on"); RETURN NULL;',
                    hash="e368462e68b418c57624cee2c55c377f6a8cc4dd",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_f0d37",
                    table="clients_casenote",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="casenote",
            constraint=models.UniqueConstraint(
                fields=("client", "submission_token"), name="case_note_submitted_once"
            ),
        ),
    ]
