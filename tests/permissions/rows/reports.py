"""Reports (aggregates only): the manager (own organisation) and the coordinator (own networks).

Every other role sees that the page exists and gets 403: nothing in the
answer concerns a client. Not `client_url` rows: no client is named in them.
"""

from accounts.roles import Role
from tests.permissions.matrix import Row

REPORT_READERS = frozenset({Role.MANAGER, Role.COORDINATOR})

ROWS = {
    "reports:index": Row(allowed=REPORT_READERS, denied_status=403),
    "reports:export": Row(allowed=REPORT_READERS, denied_status=403),
}
