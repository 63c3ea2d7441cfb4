from django.urls import path

from pathways.views import documents, records, steps

app_name = "pathways"

urlpatterns = [
    path("<uuid:client_id>/steps/new/", steps.step_create, name="step_create"),
    path("<uuid:client_id>/steps/<int:step_id>/", steps.step_detail, name="step"),
    path("<uuid:client_id>/steps/<int:step_id>/edit/", steps.step_edit, name="step_edit"),
    path("<uuid:client_id>/steps/<int:step_id>/end/", steps.step_end, name="step_end"),
    path("<uuid:client_id>/steps/<int:step_id>/cancel/", steps.step_cancel, name="step_cancel"),
    path("<uuid:client_id>/steps/<int:step_id>/status/", steps.step_status, name="step_status"),
    path("<uuid:client_id>/steps/<int:step_id>/pause/", steps.step_pause, name="step_pause"),
    path("<uuid:client_id>/steps/<int:step_id>/resume/", steps.step_resume, name="step_resume"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/ask-follow-on/",
        steps.step_ask_follow_on,
        name="step_ask_follow_on",
    ),
    path("<uuid:client_id>/steps/<int:step_id>/attendance/", records.attendance, name="attendance"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/contract/",
        records.jobcenter_contract,
        name="jobcenter_contract",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/income-clarification/",
        records.income_clarification,
        name="income_clarification",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/employer-contacts/new/",
        records.employer_contact,
        name="employer_contact",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/in-work-support/new/",
        records.in_work_support,
        name="in_work_support",
    ),
    path("<uuid:client_id>/steps/<int:step_id>/ips-phase/", records.ips_phase, name="ips_phase"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/benefits-counselling/",
        records.benefits_counselling,
        name="benefits_counselling",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/placements/new/", records.placement, name="placement"
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/placements/<int:placement_id>/end/",
        records.placement_end,
        name="placement_end",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/placements/<int:placement_id>/cancel/",
        records.placement_cancel,
        name="placement_cancel",
    ),
    path(
        "<uuid:client_id>/steps/<int:step_id>/certificates/new/",
        records.certificate,
        name="certificate",
    ),
    path("<uuid:client_id>/summary/", documents.print_summary, name="print_summary"),
    path(
        "<uuid:client_id>/steps/<int:step_id>/certificates/<int:certificate_id>/print/",
        documents.print_certificate,
        name="print_certificate",
    ),
    path("<uuid:client_id>/documents/<uuid:document_id>/", documents.document, name="document"),
    path(
        "<uuid:client_id>/documents/<uuid:document_id>/status/",
        documents.document_status,
        name="document_status",
    ),
    path(
        "<uuid:client_id>/documents/<uuid:document_id>/download/",
        documents.document_download,
        name="document_download",
    ),
]
