from tests.permissions.matrix import ALL_ROLES, Row

ROWS = {
    "healthz": Row(allowed=ALL_ROLES, public=True),
    "readyz": Row(allowed=ALL_ROLES, public=True),
    "accessibility_statement": Row(allowed=ALL_ROLES, public=True),
    "set_language": Row(
        allowed=ALL_ROLES,
        method="POST",
        data=lambda world: {"language": "sv", "next": "/"},
        allowed_status=302,
        public=True,
        public_status=302,
    ),
    # allauth's address page is not offered: no one gets it, signed in or not.
    "account_email": Row(allowed=frozenset(), public=True, public_status=404),
    "dashboard": Row(allowed=ALL_ROLES),
    "profile": Row(allowed=ALL_ROLES),
    # Typing into a form, or the idle warning's button, keeps the session alive; answers every
    # signed-in user with no content.
    "session_keepalive": Row(allowed=ALL_ROLES, method="POST", allowed_status=204),
    # A page past the end of its idle count asks whether the session goes on (background).
    "session_status": Row(allowed=ALL_ROLES, allowed_status=204),
    "switch_role": Row(
        allowed=ALL_ROLES,
        method="POST",
        data=lambda world: {"assignment": world.current_assignment_id or ""},
        allowed_status=302,
    ),
}
