"""The work-ability assessment needs no work-ability support plan: the plan is its outcome.
A general rule set that still requires it is superseded from tomorrow."""

from django.db import migrations

from services.reference import drop_work_ability_assessment_plan_requirement


class Migration(migrations.Migration):
    dependencies = [("services", "0006_essote_practice_rule_sets")]

    operations = [
        migrations.RunPython(
            drop_work_ability_assessment_plan_requirement, migrations.RunPython.noop
        )
    ]
