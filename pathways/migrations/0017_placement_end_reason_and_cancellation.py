"""A placement ends with a reason (kept empty for an end recorded before reasons), and one that
has not begun may be cancelled (who, when and why; never both cancelled and ended). The change
history of IPS phase changes keeps deletes: a cancelled job's in-work support dated ahead is
removed."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0014_client_list_in_finnish_order"),
        ("pathways", "0016_ips_phase_is_the_phase_begun_in"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="placement",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="placement",
            name="update_update",
        ),
        migrations.AddField(
            model_name="placement",
            name="cancellation_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="perumisen syy"),
        ),
        migrations.AddField(
            model_name="placement",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placement",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("fixed_term", "Määräaika päättyi tai opinnot valmistuivat"),
                    ("resigned", "Asiakas irtisanoutui tai keskeytti"),
                    ("dismissed", "Asiakas irtisanottiin tai erotettiin"),
                    ("other", "Muu syy"),
                ],
                max_length=20,
                verbose_name="päättymisen syy",
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="cancellation_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="perumisen syy"),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("fixed_term", "Määräaika päättyi tai opinnot valmistuivat"),
                    ("resigned", "Asiakas irtisanoutui tai keskeytti"),
                    ("dismissed", "Asiakas irtisanottiin tai erotettiin"),
                    ("other", "Muu syy"),
                ],
                max_length=20,
                verbose_name="päättymisen syy",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="ipsphasechange",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "pathways_ipsphasechangeevent" ("entered_on", "id", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phase", "recorded_at", "recorded_by_id", "step_id") VALUES (OLD."entered_on", OLD."id", OLD."note", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."phase", OLD."recorded_at", OLD."recorded_by_id", OLD."step_id"); RETURN NULL;',
                    hash="805f3f0eac698062c83303a97388b16cb6dc9bdb",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_99edd",
                    table="pathways_ipsphasechange",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="placement",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "pathways_placementevent" ("cancellation_reason", "cancelled_at", "cancelled_by_id", "client_id", "end_reason", "ended_on", "id", "kind", "organisation_name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "started_on", "step_id", "weekly_hours") VALUES (NEW."cancellation_reason", NEW."cancelled_at", NEW."cancelled_by_id", NEW."client_id", NEW."end_reason", NEW."ended_on", NEW."id", NEW."kind", NEW."organisation_name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."recorded_by_id", NEW."started_on", NEW."step_id", NEW."weekly_hours"); RETURN NULL;',
                    hash="0e8dc5592517b91a72282a666344d0632ee02b92",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_fc2a2",
                    table="pathways_placement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="placement",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "pathways_placementevent" ("cancellation_reason", "cancelled_at", "cancelled_by_id", "client_id", "end_reason", "ended_on", "id", "kind", "organisation_name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "started_on", "step_id", "weekly_hours") VALUES (NEW."cancellation_reason", NEW."cancelled_at", NEW."cancelled_by_id", NEW."client_id", NEW."end_reason", NEW."ended_on", NEW."id", NEW."kind", NEW."organisation_name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."recorded_by_id", NEW."started_on", NEW."step_id", NEW."weekly_hours"); RETURN NULL;',
                    hash="b75dea5ed8657af0165cd569001c6cc2e5f60e69",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_87b18",
                    table="pathways_placement",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_reason", ""), ("ended_on__isnull", False), _connector="OR"
                ),
                name="placement_end_reason_with_end",
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_reason__in", ["", "fixed_term", "resigned", "dismissed", "other"])
                ),
                name="placement_end_reason_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("cancellation_reason", ""),
                        ("cancelled_at__isnull", True),
                        ("cancelled_by__isnull", True),
                    ),
                    models.Q(
                        ("cancelled_at__isnull", False),
                        ("cancelled_by__isnull", False),
                        ("ended_on__isnull", True),
                        models.Q(("cancellation_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="placement_cancelled_by_whom_why_not_ended",
            ),
        ),
    ]
