from django import forms
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
