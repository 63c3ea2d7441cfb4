from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path("<uuid:client_id>/steps/new/", views.step_create, name="step_create"),
    path("<uuid:client_id>/steps/<int:step_id>/", views.step_detail, name="step"),
    path("<uuid:client_id>/steps/<int:step_id>/edit/", views.step_edit, name="step_edit"),
    path("<uuid:client_id>/steps/<int:step_id>/end/", views.step_end, name="step_end"),
    path("<uuid:client_id>/steps/<int:step_id>/cancel/", views.step_cancel, name="step_cancel"),
    path("<uuid:client_id>/steps/<int:step_id>/status/", views.step_status, name="step_status"),
    path("<uuid:client_id>/steps/<int:step_id>/pause/", views.step_pause, name="step_pause"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/ask-follow-on/",
        views.step_ask_follow_on,
        name="step_ask_follow_on",
    ),
    path("<uuid:client_id>/steps/<int:step_id>/attendance/", views.attendance, name="attendance"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/contract/",
        views.jobcenter_contract,
        name="jobcenter_contract",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/income-clarification/",
        views.income_clarification,
        name="income_clarification",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/employer-contacts/new/",
        views.employer_contact,
        name="employer_contact",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/in-work-support/new/",
        views.in_work_support,
        name="in_work_support",
    ),
    path("<uuid:client_id>/steps/<int:step_id>/ips-phase/", views.ips_phase, name="ips_phase"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/benefits-counselling/",
        views.benefits_counselling,
        name="benefits_counselling",
    ),
    path("<uuid:client_id>/steps/<int:step_id>/placements/new/", views.placement, name="placement"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/placements/<int:placement_id>/end/",
        views.placement_end,
        name="placement_end",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/placements/<int:placement_id>/cancel/",
        views.placement_cancel,
        name="placement_cancel",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/certificates/new/",
        views.certificate,
        name="certificate",
    ),
    path("<uuid:client_id>/summary/", views.print_summary, name="print_summary"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/certificates/<int:certificate_id>/print/",
        views.print_certificate,
        name="print_certificate",
    ),
    path("<uuid:client_id>/documents/<uuid:document_id>/", views.document, name="document"),
    path(
        "<uuid:client_id>/documents/<uuid:document_id>/status/",
        views.document_status,
        name="document_status",
    ),
    path(
        "<uuid:client_id>/documents/<uuid:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
]
