from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.free_text import IDENTITY_CODE_IN_REASON, contains_identity_code
from audit.models import PRINT_LANGUAGES
from audit.reports import ReportPeriod, two_years_before
from config.forms import DateInput, PolkuForm

NOT_FOUND = _("Henkilötunnuksella ei löytynyt organisaatiosi asiakasta.")


class ReportPeriodForm(PolkuForm):
    """The period of a log report: the last two years unless the DPO chooses otherwise.

    With `reason_beyond_two_years` a start older than two years asks for a
    reason, which is written into the report's own access-log row.
    """

    start = forms.DateField(label=_("Alkaen"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Päättyen"), widget=DateInput, required=False)
    reason = forms.CharField(
        label=_("Peruste yli kahden vuoden takaisille tiedoille"),
        help_text=_("Kirjataan lokiin. Tarvitaan, jos jakso alkaa yli kaksi vuotta sitten."),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reason_beyond_two_years: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_beyond_two_years = reason_beyond_two_years
        if not reason_beyond_two_years:
            del self.fields["reason"]
        default = ReportPeriod.default()
        self.fields["start"].initial = default.start
        self.fields["end"].initial = default.end

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or two_years_before(today)
        reason = " ".join(data.get("reason", "").split())
        if end > today:
            self.add_error("end", _("Jakso voi päättyä viimeistään tänään."))
        elif start > end:
            self.add_error("start", _("Alkupäivä on loppupäivän jälkeen."))
        elif contains_identity_code(reason):
            # The reason goes into the access log and onto the printed report.
            self.add_error("reason", IDENTITY_CODE_IN_REASON)
        elif self.reason_beyond_two_years and start < two_years_before(today) and not reason:
            self.add_error(
                "reason",
                _(
                    "Lokiraportti kattaa kaksi viimeistä vuotta. Kirjaa peruste, jos tarvitset vanhempia tietoja."
                ),
            )
        else:
            data["period"] = ReportPeriod(start=start, end=end, reason=reason)
        return data


class LogReportPrintForm(ReportPeriodForm):
    """The period of the report to print (carried from the page) and the language to print it in."""

    language = forms.ChoiceField(
        label=_("Raportin kieli"),
        choices=PRINT_LANGUAGES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()


class FindClientForm(ReportPeriodForm):
    """Finds a client by identity code: sent by POST, so the code never enters a URL."""

    identity_code = forms.CharField(
        label=_("Henkilötunnus"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["identity_code", "start", "end", "reason"]

    def clean_identity_code(self):
        return "".join(self.cleaned_data["identity_code"].split()).upper()


class UserSearchForm(PolkuForm):
    q = forms.CharField(
        label=_("Hae käyttäjää nimellä tai sähköpostiosoitteella"), max_length=100, required=False
    )


def not_found_error() -> ValidationError:
    return ValidationError(NOT_FOUND, code="not_found")
