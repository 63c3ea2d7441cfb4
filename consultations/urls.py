"""Included at /consultations/. Client-facing ids are UUIDs; sessions, cases and
requests in the coordinator's queue have their own ids, reached only through
access.py."""

from django.urls import path

from consultations.views import coordination, feeds, requests, sessions

app_name = "consultations"

urlpatterns = [
    path("", sessions.index, name="index"),
    path("calendar/", sessions.calendar, name="calendar"),
    path("calendar/subscribe/", feeds.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    # Networks
    path("networks/", coordination.network_list, name="networks"),
    path("networks/new/", coordination.network_create, name="network_create"),
    path("networks/<int:network_id>/", coordination.network_detail, name="network"),
    path("networks/<int:network_id>/members/", coordination.member_add, name="member_add"),
    path(
        "networks/<int:network_id>/members/<int:member_id>/end/",
        coordination.member_end,
        name="member_end",
    ),
    path(
        "networks/<int:network_id>/sessions/new/",
        coordination.session_create,
        name="session_create",
    ),
    # Sessions and their cases
    path("sessions/<int:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", coordination.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", coordination.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/guests/", coordination.guest_add, name="guest_add"),
    path(
        "sessions/<int:session_id>/participants/<int:participant_id>/remove/",
        coordination.participant_remove,
        name="participant_remove",
    ),
    path("sessions/<int:session_id>/cases/<int:item_id>/", sessions.case_detail, name="case"),
    path(
        "sessions/<int:session_id>/cases/<int:item_id>/remove/",
        coordination.agenda_remove,
        name="agenda_remove",
    ),
    path(
        "sessions/<int:session_id>/cases/<int:item_id>/minutes/",
        coordination.minutes,
        name="minutes",
    ),
    path(
        "sessions/<int:session_id>/cases/<int:item_id>/recommendations/",
        coordination.recommendation_add,
        name="recommendation_add",
    ),
    path("sessions/<int:session_id>/cases/<int:item_id>/close/", coordination.close, name="close"),
    path(
        "sessions/<int:session_id>/cases/<int:item_id>/work-pair/",
        coordination.offer_work_pair,
        name="offer_work_pair",
    ),
    # The coordinator's queue
    path("queue/", coordination.queue, name="queue"),
    path("queue/<int:request_id>/", coordination.triage, name="triage"),
    path("queue/<int:request_id>/place/", coordination.place, name="place"),
    path("queue/<int:request_id>/decline/", coordination.decline, name="decline"),
    # The responsible worker's side
    path("requests/", requests.my_requests, name="my_requests"),
    path("clients/<uuid:client_id>/new/", requests.request_create, name="request_create"),
    path(
        "clients/<uuid:client_id>/requests/<int:request_id>/",
        requests.request_detail,
        name="request_detail",
    ),
    path(
        "clients/<uuid:client_id>/requests/<int:request_id>/withdraw/",
        requests.request_withdraw,
        name="request_withdraw",
    ),
    path(
        "clients/<uuid:client_id>/work-pair/<int:offer_id>/accept/",
        requests.work_pair_accept,
        name="work_pair_accept",
    ),
    path(
        "clients/<uuid:client_id>/work-pair/<int:offer_id>/decline/",
        requests.work_pair_decline,
        name="work_pair_decline",
    ),
]
