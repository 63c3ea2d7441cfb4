"""Reference data: the service types of DOMAIN.md and their rule sets from 2024-01-01."""

from django.db import migrations

from services.reference import load_service_types, unload_service_types


class Migration(migrations.Migration):
    dependencies = [("services", "0003_service_catalogue")]

    operations = [migrations.RunPython(load_service_types, unload_service_types)]
