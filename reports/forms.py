import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, PolkuForm
from reports.indicators import ReportPeriod

# A report never reaches further back than this many years (the indicators are
# read from live data, and logs and documents older than retention are gone).
MAX_PERIOD_YEARS = 10


class ReportPeriodForm(PolkuForm):
    """The period of the flow indicators: the last twelve months unless chosen otherwise.

    Read from the query string (the page and the CSV share it); nothing in it
    concerns a client.
    """

    start = forms.DateField(label=_("Alkaen"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Päättyen"), widget=DateInput, required=False)

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
        if end > today:
            self.add_error("end", _("Jakso voi päättyä viimeistään tänään."))
        elif start > end:
            self.add_error("start", _("Alkupäivä on loppupäivän jälkeen."))
        elif start < today - datetime.timedelta(days=366 * MAX_PERIOD_YEARS):
            self.add_error(
                "start",
                _("Jakso voi alkaa enintään %(years)s vuotta sitten.")
                % {"years": MAX_PERIOD_YEARS},
            )
        else:
            data["period"] = ReportPeriod(start=start, end=end)
        return data

    @property
    def period(self) -> ReportPeriod | None:
        """The chosen period; the default for an unbound form; None when the form has errors."""
        if not self.is_bound:
            return ReportPeriod.default()
        return self.cleaned_data["period"] if self.is_valid() else None
