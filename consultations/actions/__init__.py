"""Writes of consultations. Each action is keyword-only, validates, runs in one
transaction (locking the rows two coordinators could race for), writes its
access-log row when client data is touched, and enqueues invitations only on
commit. Change history is kept by pghistory's triggers with the actor and the
action code as context."""

from consultations.actions.feeds import create_feed_token, revoke_feed_tokens
from consultations.actions.networks import add_member, create_network, end_member
from consultations.actions.outcomes import (
    RecommendationRecordedAlready,
    accept_work_pair,
    add_recommendation,
    close_request,
    decline_work_pair,
    offer_work_pair,
    record_minutes,
)
from consultations.actions.requests import (
    ask_for_consultation,
    decline_request,
    networks_for,
    place_on_session,
    remove_from_agenda,
    triage_request,
    withdraw_request,
)
from consultations.actions.sessions import (
    cancel_session,
    change_session,
    invite_guest,
    remove_participant,
    schedule_session,
)

__all__ = [
    "RecommendationRecordedAlready",
    "accept_work_pair",
    "add_member",
    "add_recommendation",
    "ask_for_consultation",
    "cancel_session",
    "change_session",
    "close_request",
    "create_feed_token",
    "create_network",
    "decline_request",
    "decline_work_pair",
    "end_member",
    "invite_guest",
    "networks_for",
    "offer_work_pair",
    "place_on_session",
    "record_minutes",
    "remove_from_agenda",
    "remove_participant",
    "revoke_feed_tokens",
    "schedule_session",
    "triage_request",
    "withdraw_request",
]
