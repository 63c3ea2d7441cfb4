from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, PolkuForm


class CompleteTaskForm(PolkuForm):
    """Checks a task off; the date it was done defaults to today."""

    done_on = forms.DateField(
        label=_("Tehty päivänä"),
        required=False,
        widget=DateInput,
        help_text=_("Jätä tyhjäksi, jos tehty tänään."),
    )

    def __init__(self, *args, task_id: int, **kwargs):
        # Every row of the inbox has its own form: ids must not repeat on the page.
        kwargs.setdefault("auto_id", f"id_task{task_id}_%s")
        super().__init__(*args, **kwargs)


class MarkShownReadForm(forms.Form):
    """ "Mark all read" in the inbox: the ids of the reminders the page showed (at most
    `limit`, the inbox's), in one hidden field, so that only those are marked read."""

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"] = SimpleArrayField(
            forms.IntegerField(min_value=1),
            max_length=limit,
            required=False,
            widget=forms.HiddenInput,
        )
