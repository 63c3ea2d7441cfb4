"""The reference service types get the plain-language names printed for the client."""

from django.db import migrations

from services.reference import fill_client_names


class Migration(migrations.Migration):
    dependencies = [("services", "0008_service_type_client_names")]

    operations = [migrations.RunPython(fill_client_names, migrations.RunPython.noop)]
