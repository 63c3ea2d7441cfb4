"""Times as Polku shows them: Europe/Helsinki, the active language's format.

`end_time` is the end of a time range ("10.00–11.30"): a range that runs past midnight
names the end's day too ("22.30–6.12.2026 0.30"), so an evening session is never read
as ending before it began. A template filter (a builtin, config/settings.py TEMPLATES):

    {{ session.starts_at|time:"TIME_FORMAT" }}–{{ session.ends_at|end_time:session.starts_at }}
"""

import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def end_time(end: datetime.datetime | None, start: datetime.datetime | None) -> str:
    """The end's time in Helsinki, with its day when that is not the start's day."""
    if end is None:
        return ""
    local_end = timezone.localtime(end)
    shown = formats.time_format(local_end, "TIME_FORMAT")
    if start is not None and timezone.localtime(start).date() != local_end.date():
        return f"{formats.date_format(local_end, 'SHORT_DATE_FORMAT')} {shown}"
    return shown
