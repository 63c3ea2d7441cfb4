from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, PolkuForm
from reports.indicators import ReportPeriod
from services.calendar import add_months

# A report never reaches further back than this many years (the indicators are
# read from live data, and logs and documents older than retention are gone).
MAX_PERIOD_YEARS = 10


class ReportPeriodForm(PolkuForm):
    """The period of the flow indicators: whole calendar months, the last twelve unless
    chosen otherwise.

    A day typed in either field stands for its month: the period runs from the first day
    of the start month to the last day of the end month (today in the current month).
    Periods that differ by a day could each show groups of five and still tell, by their
    difference, what became of one client on that day; whole months leave no such pair
    but the current month's. Older links with any days (?start=…&end=…) are read the same
    way. Read from the query string (the page and the CSV share it); nothing in it
    concerns a client.
    """

    start = forms.DateField(
        label=_("Alkaen"),
        widget=DateInput,
        required=False,
        help_text=_("Jakso alkaa valitun kuukauden ensimmäisenä päivänä."),
    )
    end = forms.DateField(
        label=_("Päättyen"),
        widget=DateInput,
        required=False,
        help_text=_(
            "Jakso päättyy valitun kuukauden viimeisenä päivänä, kuluvana kuukautena tänään."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = ReportPeriod.default()
        self.fields["start"].initial = default.start
        self.fields["end"].initial = default.end

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or ReportPeriod.default(end).start
        this_month = today.replace(day=1)
        if end.replace(day=1) > this_month:
            self.add_error("end", _("Jakso voi päättyä viimeistään kuluvana kuukautena."))
        elif start.replace(day=1) > end.replace(day=1) and data.get("end") is None:
            # The period ends today when no end is chosen: the start is what is wrong.
            self.add_error("start", _("Jakso voi alkaa viimeistään kuluvana kuukautena."))
        elif start.replace(day=1) > end.replace(day=1):
            self.add_error("end", _("Loppukuukausi on ennen alkukuukautta."))
        elif start.replace(day=1) < add_months(this_month, -12 * MAX_PERIOD_YEARS):
            self.add_error(
                "start",
                _("Jakso voi alkaa enintään %(years)s vuotta sitten.")
                % {"years": MAX_PERIOD_YEARS},
            )
        else:
            data["period"] = ReportPeriod.whole_months(start, end, today)
        return data

    @property
    def period(self) -> ReportPeriod | None:
        """The chosen period; the default for an unbound form; None when the form has errors."""
        if not self.is_bound:
            return ReportPeriod.default()
        return self.cleaned_data["period"] if self.is_valid() else None
