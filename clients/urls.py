from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("find/", views.find_by_identity_code, name="find"),
    path("new/", views.register, name="register"),
    path("access-request/", views.request_access, name="request_access"),
    path("handover/", views.handover, name="handover"),
    path("break-the-glass/", views.break_the_glass_review, name="break_the_glass_review"),
    path(
        "break-the-glass/<int:event_id>/review/",
        views.review_break_the_glass,
        name="review_break_the_glass",
    ),
    path("<uuid:client_id>/", views.detail, name="detail"),
    path("<uuid:client_id>/edit/", views.edit, name="edit"),
    path(
        "<uuid:client_id>/identity-code/", views.reveal_identity_code, name="reveal_identity_code"
    ),
    path("<uuid:client_id>/close/", views.close, name="close"),
    path("<uuid:client_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:client_id>/team/add/", views.add_member, name="add_member"),
    path("<uuid:client_id>/team/<int:membership_id>/end/", views.end_member, name="end_member"),
    path("<uuid:client_id>/transfer/", views.transfer, name="transfer"),
    path("<uuid:client_id>/break-the-glass/", views.break_the_glass, name="break_the_glass"),
    path("<uuid:client_id>/plans/new/", views.plan_create, name="plan_create"),
    path("<uuid:client_id>/plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<uuid:client_id>/plans/<int:plan_id>/revise/", views.plan_revise, name="plan_revise"),
    path(
        "<uuid:client_id>/plans/<int:plan_id>/goals/<int:goal_id>/status/",
        views.goal_status,
        name="goal_status",
    ),
    path("<uuid:client_id>/assessments/new/", views.assessment_edit, name="assessment_create"),
    path(
        "<uuid:client_id>/assessments/<int:assessment_id>/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path("<uuid:client_id>/notes/new/", views.note_create, name="note_create"),
    path("<uuid:client_id>/notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
]
