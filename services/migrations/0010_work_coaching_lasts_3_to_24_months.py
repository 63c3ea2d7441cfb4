"""Work coaching lasts 3–24 months (DOMAIN.md): a general rule set without the limits is
superseded from tomorrow by one with them."""

from django.db import migrations

from services.reference import limit_work_coaching_period


class Migration(migrations.Migration):
    dependencies = [("services", "0009_fill_service_type_client_names")]

    operations = [migrations.RunPython(limit_work_coaching_period, migrations.RunPython.noop)]
