from django.urls import path

from clients.views import plans, records, team

app_name = "clients"

urlpatterns = [
    path("", records.client_list, name="list"),
    path("find/", records.find_by_identity_code, name="find"),
    path("new/", records.register, name="register"),
    path("access-request/", records.request_access, name="request_access"),
    path("handover/", team.handover, name="handover"),
    path("break-the-glass/", team.break_the_glass_review, name="break_the_glass_review"),
    path(
        "break-the-glass/<int:event_id>/review/",
        team.review_break_the_glass,
        name="review_break_the_glass",
    ),
    path("<uuid:client_id>/", records.detail, name="detail"),
    path("<uuid:client_id>/edit/", records.edit, name="edit"),
    path(
        "<uuid:client_id>/identity-code/", records.reveal_identity_code, name="reveal_identity_code"
    ),
    path(
        "<uuid:client_id>/identity-code/replace/",
        records.replace_identity_code,
        name="replace_identity_code",
    ),
    path("<uuid:client_id>/close/", records.close, name="close"),
    path("<uuid:client_id>/reopen/", records.reopen, name="reopen"),
    path("<uuid:client_id>/team/add/", team.add_member, name="add_member"),
    path("<uuid:client_id>/team/<int:membership_id>/end/", team.end_member, name="end_member"),
    path(
        "<uuid:client_id>/team/<int:membership_id>/period/",
        team.member_period,
        name="member_period",
    ),
    path("<uuid:client_id>/transfer/", team.transfer, name="transfer"),
    path("<uuid:client_id>/break-the-glass/", team.break_the_glass, name="break_the_glass"),
    path("<uuid:client_id>/plans/new/", plans.plan_create, name="plan_create"),
    path("<uuid:client_id>/plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("<uuid:client_id>/plans/<int:plan_id>/revise/", plans.plan_revise, name="plan_revise"),
    path(
        "<uuid:client_id>/plans/<int:plan_id>/goals/<int:goal_id>/status/",
        plans.goal_status,
        name="goal_status",
    ),
    path("<uuid:client_id>/assessments/", plans.assessment_list, name="assessment_list"),
    path("<uuid:client_id>/assessments/new/", plans.assessment_edit, name="assessment_create"),
    path(
        "<uuid:client_id>/assessments/<int:assessment_id>/",
        plans.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "<uuid:client_id>/assessments/<int:assessment_id>/edit/",
        plans.assessment_edit,
        name="assessment_edit",
    ),
    path("<uuid:client_id>/notes/", plans.note_list, name="note_list"),
    path("<uuid:client_id>/notes/new/", plans.note_create, name="note_create"),
    path("<uuid:client_id>/notes/<int:note_id>/edit/", plans.note_edit, name="note_edit"),
]
