"""Included at /clients/: every route names the client by its UUID."""

from django.urls import path

from consents import views

app_name = "consents"

urlpatterns = [
    path("<uuid:client_id>/consents/", views.consent_list, name="list"),
    path("<uuid:client_id>/consents/new/", views.consent_create, name="create"),
    path("<uuid:client_id>/consents/<int:consent_id>/", views.consent_detail, name="detail"),
    path("<uuid:client_id>/consents/<int:consent_id>/change/", views.consent_change, name="change"),
    path("<uuid:client_id>/consents/<int:consent_id>/revoke/", views.consent_revoke, name="revoke"),
    path(
        "<uuid:client_id>/consents/<int:consent_id>/scans/new/",
        views.scan_upload,
        name="scan_upload",
    ),
    path(
        "<uuid:client_id>/consents/<int:consent_id>/scans/<int:scan_id>/",
        views.scan_download,
        name="scan_download",
    ),
    path(
        "<uuid:client_id>/consents/<int:consent_id>/tasks/<int:task_id>/done/",
        views.complete_notification,
        name="complete_notification",
    ),
    path(
        "<uuid:client_id>/consents/statutory/new/",
        views.statutory_basis_create,
        name="statutory_basis_create",
    ),
    path(
        "<uuid:client_id>/consents/statutory/<int:basis_id>/end/",
        views.statutory_basis_end,
        name="statutory_basis_end",
    ),
    path(
        "<uuid:client_id>/consents/disclosures/new/",
        views.disclosure_create,
        name="disclosure_create",
    ),
]
