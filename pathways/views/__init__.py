"""Pathway pages. Each view: permission through access.py, a form, one action, render or
redirect.

- `steps`: planning, following, changing, pausing, ending and cancelling a step, and the
  client page's pathway panel;
- `records`: attendance, contacts, jobs, placements and certificates recorded for a step;
- `documents`: the pathway summary and certificate prints.
"""
