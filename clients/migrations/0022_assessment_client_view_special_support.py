import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    """A service-need assessment records the client's own view of their service need and
    whether they are a client in need of special support (Social Welfare Act §36, §3); the
    history tables record both too.

    A completed assessment has the client's view: constraint
    assessment_completed_has_client_view, added NOT VALID. An assessment completed before
    this rule has no client's view recorded in Polku and stays as it was completed (trigger
    assessment_completed_fixed keeps it from being rewritten, so nothing fills in a view
    the client did not give here); every assessment saved from now on is checked. The
    existing triggers need no change: assessment_completed_fixed compares the whole row
    (OLD.* IS DISTINCT FROM NEW.*), so the new columns of a completed assessment do not
    change either, and assessment_completed_not_in_future reads only completed_on.
    """

    dependencies = [
        ("clients", "0021_completed_assessment_fixed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="serviceneedassessment",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="serviceneedassessment",
            name="update_update",
        ),
        migrations.AddField(
            model_name="serviceneedassessment",
            name="client_view",
            field=models.TextField(
                blank=True,
                help_text="Asiakkaan oma mielipide ja näkemys palvelutarpeestaan, hänen omin sanoin. Kirjataan viimeistään, kun arvio valmistuu.",
                verbose_name="asiakkaan oma näkemys palvelutarpeesta",
            ),
        ),
        migrations.AddField(
            model_name="serviceneedassessment",
            name="special_support",
            field=models.CharField(
                choices=[
                    ("not_assessed", "Ei vielä arvioitu"),
                    ("yes", "Kyllä, tarvitsee erityistä tukea"),
                    ("no", "Ei tarvitse erityistä tukea"),
                ],
                default="not_assessed",
                help_text="Onko asiakkaalla erityisiä vaikeuksia hakea ja saada tarvitsemiaan palveluja (sosiaalihuoltolaki 3 §).",
                max_length=16,
                verbose_name="erityistä tukea tarvitseva asiakas",
            ),
        ),
        migrations.AddField(
            model_name="serviceneedassessmentevent",
            name="client_view",
            field=models.TextField(
                blank=True,
                help_text="Asiakkaan oma mielipide ja näkemys palvelutarpeestaan, hänen omin sanoin. Kirjataan viimeistään, kun arvio valmistuu.",
                verbose_name="asiakkaan oma näkemys palvelutarpeesta",
            ),
        ),
        migrations.AddField(
            model_name="serviceneedassessmentevent",
            name="special_support",
            field=models.CharField(
                choices=[
                    ("not_assessed", "Ei vielä arvioitu"),
                    ("yes", "Kyllä, tarvitsee erityistä tukea"),
                    ("no", "Ei tarvitse erityistä tukea"),
                ],
                default="not_assessed",
                help_text="Onko asiakkaalla erityisiä vaikeuksia hakea ja saada tarvitsemiaan palveluja (sosiaalihuoltolaki 3 §).",
                max_length=16,
                verbose_name="erityistä tukea tarvitseva asiakas",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="serviceneedassessment",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "clients_serviceneedassessmentevent" ("author_id", "client_id", "client_view", "completed_on", "conclusion", "created_at", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "special_support", "started_on") VALUES (NEW."author_id", NEW."client_id", NEW."client_view", NEW."completed_on", NEW."conclusion", NEW."created_at", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."special_support", NEW."started_on"); RETURN NULL;',
                    hash="23a66b0c77f5a16ec5b4126821ae78845c5fe89d",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_3833e",
                    table="clients_serviceneedassessment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="serviceneedassessment",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "clients_serviceneedassessmentevent" ("author_id", "client_id", "client_view", "completed_on", "conclusion", "created_at", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "special_support", "started_on") VALUES (NEW."author_id", NEW."client_id", NEW."client_view", NEW."completed_on", NEW."conclusion", NEW."created_at", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."special_support", NEW."started_on"); RETURN NULL;',
                    hash="6325f28a3540ed494aa6f0b68b379c20e00fa8fd",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_bf1c8",
                    table="clients_serviceneedassessment",
                    when="AFTER",
                ),
            ),
        ),
        AddConstraintNotValid(
            model_name="serviceneedassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("completed_on__isnull", True),
                    models.Q(("client_view", ""), _negated=True),
                    _connector="OR",
                ),
                name="assessment_completed_has_client_view",
            ),
        ),
    ]
