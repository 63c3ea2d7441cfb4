"""Tasks and reminders keep the message of the title (and a task's description) that Polku
writes, a msgid and its parameters, so that each reader sees it in their language
(notifications.texts).

Rows written before this keep no message (empty msgid, no parameters): they are shown with
their stored title and description, in the language they were written in. A rendered title
cannot be traced back to its message reliably, so no data migration guesses at one.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_reminder_names_client"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="task",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="task",
            name="update_update",
        ),
        migrations.AddField(
            model_name="reminder",
            name="title_msgid",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="reminder",
            name="title_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="task",
            name="description_msgid",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="task",
            name="description_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="task",
            name="title_msgid",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="task",
            name="title_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="taskevent",
            name="description_msgid",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="taskevent",
            name="description_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="taskevent",
            name="title_msgid",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="taskevent",
            name="title_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="task",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "notifications_taskevent" ("assignee_id", "client_id", "content_type_id", "created_at", "created_by_id", "description", "description_msgid", "description_params", "done_at", "done_by_id", "done_on", "due_date", "id", "key", "kind", "link", "object_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "title", "title_msgid", "title_params") VALUES (NEW."assignee_id", NEW."client_id", NEW."content_type_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."description_msgid", NEW."description_params", NEW."done_at", NEW."done_by_id", NEW."done_on", NEW."due_date", NEW."id", NEW."key", NEW."kind", NEW."link", NEW."object_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."title", NEW."title_msgid", NEW."title_params"); RETURN NULL;',
                    hash="4cb1d41c42a3e6a7276e462acb49604c349fc107",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_deb0c",
                    table="notifications_task",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="task",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "notifications_taskevent" ("assignee_id", "client_id", "content_type_id", "created_at", "created_by_id", "description", "description_msgid", "description_params", "done_at", "done_by_id", "done_on", "due_date", "id", "key", "kind", "link", "object_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "title", "title_msgid", "title_params") VALUES (NEW."assignee_id", NEW."client_id", NEW."content_type_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."description_msgid", NEW."description_params", NEW."done_at", NEW."done_by_id", NEW."done_on", NEW."due_date", NEW."id", NEW."key", NEW."kind", NEW."link", NEW."object_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."title", NEW."title_msgid", NEW."title_params"); RETURN NULL;',
                    hash="25d12f0cba8ae24eb386253e2daded9b0860ef98",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_02fb8",
                    table="notifications_task",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("title_msgid", ""), _negated=True),
                    ("title_params", {}),
                    _connector="OR",
                ),
                name="reminder_title_params_with_msgid",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("title_msgid", ""), _negated=True),
                    ("title_params", {}),
                    _connector="OR",
                ),
                name="task_title_params_with_msgid",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("description_msgid", ""), _negated=True),
                    ("description_params", {}),
                    _connector="OR",
                ),
                name="task_description_params_with_msgid",
            ),
        ),
    ]
