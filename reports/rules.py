"""Who may read the reports (PERMISSIONS.md: reports and indicators, aggregates).

Loaded by rules' autodiscovery. The manager reads the indicators of their own
organisation, the coordinator those of the consultation networks they
coordinate; the scope is decided in reports/access.py.
"""

import rules

from accounts.rules import is_coordinator, is_manager

rules.add_perm("reports.view_indicators", is_manager | is_coordinator)
