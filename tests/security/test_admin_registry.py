"""No client data in the Django admin: it has no access checks, no access log and no audit trail."""

from django.apps import apps
from django.contrib import admin

from accounts.factories import make_user
from accounts.roles import Role
from tests.conftest import login

CLIENT_DATA_APPS = {"clients", "pathways", "consents", "consultations", "audit", "notifications"}
# What the admin may manage: organisations, units, the service catalogue and users.
ALLOWED = {
    "accounts.User",
    "services.CatalogueEntry",
    "services.Organisation",
    "services.ServiceRuleSet",
    "services.ServiceType",
    "services.Unit",
}


def test_no_client_data_model_is_registered_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    leaks = {
        label
        for label in registered
        if label.split(".")[0] in CLIENT_DATA_APPS | {"reports"}
        or apps.get_model(label)._meta.app_config.name in CLIENT_DATA_APPS
    }
    assert not leaks
    # Anything new in the admin is a decision to review here, not a side effect.
    assert registered == ALLOWED


def test_every_client_data_model_exists_and_none_is_in_the_admin():
    models = [
        model
        for name in CLIENT_DATA_APPS
        for model in apps.get_app_config(name).get_models(include_auto_created=True)
    ]
    assert len(models) > 10  # the apps are loaded and hold their models
    assert not [model._meta.label for model in models if admin.site.is_registered(model)]


def test_the_admin_index_lists_no_client_data_app(client, unit):
    superuser = make_user(Role.ADMIN, unit, is_staff=True, is_superuser=True)
    login(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    for app_label in CLIENT_DATA_APPS:
        assert f"/admin/{app_label}/" not in response.content.decode()
        assert client.get(f"/admin/{app_label}/").status_code == 404
