"""The Django admin app with Polku's admin site (config.admin.PolkuAdminSite), whose login
page leads to Polku's own sign-in with MFA. Imports no models: it is loaded with the apps."""

from django.contrib.admin.apps import AdminConfig


class PolkuAdminConfig(AdminConfig):
    default_site = "config.admin.PolkuAdminSite"
