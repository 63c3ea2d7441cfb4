from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("saavutettavuus/", views.accessibility_statement, name="accessibility_statement"),
    # The language switch works before signing in too.
    path("i18n/setlang/", views.switch_language, name="set_language"),
    # One sign-in address per account, changed only by the operator (docs/permissions.md):
    # allauth's page for adding and choosing addresses is not offered.
    path("accounts/email/", views.not_offered, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("services/", include("services.urls")),
    path("clients/", include("clients.urls")),
    path("clients/", include("consents.urls")),
    path("clients/", include("pathways.urls")),
    path("consultations/", include("consultations.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("inbox/", include("notifications.urls")),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
