"""Essote practice (the 12 €/day avotyö cap, 3–8 month workshop periods) as rule sets of
the Essote organisation; the general rule sets that carried it are superseded from tomorrow."""

from django.db import migrations

from services.reference import load_county_practice


class Migration(migrations.Migration):
    dependencies = [("services", "0005_change_history")]

    operations = [migrations.RunPython(load_county_practice, migrations.RunPython.noop)]
