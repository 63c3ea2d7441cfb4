"""SQL expressions the indicators share: PostgreSQL computes medians and day counts, so
only group totals reach Python."""

from django.db.models import Aggregate, FloatField, Func, IntegerField


class Median(Aggregate):
    """The median of the (non-null) values, continuous: percentile_cont(0.5)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """Whole days from the second date to the first (PostgreSQL date - date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()
