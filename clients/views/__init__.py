"""Client pages. Each view: permission through access.py, a form, one action, render or redirect.

- `records`: the client's own record, the list and search;
- `team`: the care team, transfers, handover and break-the-glass;
- `plans`: assessments, client plans and case notes.
"""
