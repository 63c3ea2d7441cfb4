"""The inbox (open tasks and unread reminders), its actions, and the bell in the header.

Every form posts to a real URL and redirects back (works without
JavaScript); with htmx the same view answers with the changed section of
the page and tells the bell to refresh.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Window
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config.polling import background_request
from notifications import actions
from notifications.access import (
    get_reminder_for_user,
    get_task_for_user,
    show_items,
    withhold_clients_out_of_reach,
)
from notifications.forms import CompleteTaskForm, MarkShownReadForm
from notifications.models import Reminder, Task
from notifications.rules_registry import rule_label
from notifications.task_kinds import answer_label, completion_logs_client, task_kind_label

INBOX_TEMPLATE = "notifications/inbox.html"
# The inbox lists at most this many of each; the rest wait until these are dealt with.
INBOX_LIMIT = 100
# htmx event that makes the bell refresh at once after a change in the inbox.
INBOX_CHANGED_EVENT = "inboxChanged"


def kind_unless_named(label, title: str):
    """The kind's label beside a title, or None when the title already begins with it
    ("Suunnitelman tarkistus myöhässä: Aino Ylönen" is a plan review overdue): a screen
    reader would otherwise read the same words twice in a row."""
    if label is None or str(title).casefold().startswith(str(label).casefold()):
        return None
    return label


# The labels are read when the page renders, after show_items() may have put a neutral
# title in place of one naming a client out of reach: the kind is then said after all.
@dataclass
class TaskRow:
    task: Task
    form: CompleteTaskForm
    kind: str | None
    overdue: bool
    due_today: bool

    @property
    def kind_label(self):
        return kind_unless_named(self.kind, self.task.shown_title)

    @property
    def answer_label(self):
        """The label of the link where the task is done, for a kind answered there."""
        return answer_label(self.task.kind)


@dataclass
class ReminderRow:
    reminder: Reminder
    kind: str
    overdue: bool
    due_today: bool

    @property
    def rule_label(self):
        return kind_unless_named(self.kind, self.reminder.shown_title)


def _task_rows(user, today, invalid: tuple[int, CompleteTaskForm] | None) -> tuple[list, int]:
    tasks = list(
        Task.objects.for_assignee(user)
        .open()
        .annotate(open_total=Window(Count("pk")))
        .in_inbox_order(today)[:INBOX_LIMIT]
    )
    rows = []
    for task in tasks:
        if invalid and invalid[0] == task.pk:
            form = invalid[1]
        else:
            form = CompleteTaskForm(task_id=task.pk)
            # htmx redraws the whole list when one row is sent: a date typed into another
            # row's field, not yet sent, stays as typed (its element is kept, by its id).
            form.fields["done_on"].widget.attrs["hx-preserve"] = "true"
        rows.append(
            TaskRow(
                task=task,
                form=form,
                kind=task_kind_label(task.kind),
                overdue=task.is_overdue(today),
                due_today=task.due_date == today,
            )
        )
    return rows, tasks[0].open_total if tasks else 0


def _reminder_rows(user, today) -> tuple[list, int]:
    reminders = list(
        Reminder.objects.for_recipient(user)
        .unread()
        .annotate(unread_total=Window(Count("pk")))
        .in_inbox_order()[:INBOX_LIMIT]
    )
    rows = [
        ReminderRow(
            reminder=reminder,
            kind=rule_label(reminder.rule),
            overdue=reminder.is_overdue(today),
            due_today=reminder.due_date == today,
        )
        for reminder in reminders
    ]
    return rows, reminders[0].unread_total if reminders else 0


def _inbox_context(
    request, *, invalid=None, status_message: str = "", section: str | None = None
) -> dict:
    """The inbox's rows; `section` ("tasks" or "reminders") is the one part an htmx answer
    renders: only the clients it names are logged as shown."""
    today = timezone.localdate()
    task_rows, task_count = _task_rows(request.user, today, invalid)
    reminder_rows, reminder_count = _reminder_rows(request.user, today)
    shown = {
        "tasks": [r.task for r in task_rows],
        "reminders": [r.reminder for r in reminder_rows],
    }
    show_items(
        request.user, [i for name, items in shown.items() if section in (None, name) for i in items]
    )
    return {
        "task_rows": task_rows,
        "task_count": task_count,
        "reminder_rows": reminder_rows,
        "reminder_count": reminder_count,
        # "Mark all read" marks the reminders shown here, not those added since.
        "mark_shown_form": MarkShownReadForm(
            initial={"shown": [r.reminder.pk for r in reminder_rows]}, limit=INBOX_LIMIT
        ),
        "status_message": status_message,
        "inbox_limit": INBOX_LIMIT,
        # A refused check-off: its form, and its task when its row is shown (the summary's link).
        "invalid_form": invalid[1] if invalid else None,
        "invalid_task": next(
            (r.task for r in task_rows if invalid and r.task.pk == invalid[0]), None
        ),
    }


def _htmx_section(request, section: str, status_message: str, **context) -> HttpResponse:
    response = render(
        request,
        f"{INBOX_TEMPLATE}#{section}",
        _inbox_context(request, status_message=status_message, section=section, **context),
    )
    response["HX-Trigger"] = INBOX_CHANGED_EVENT
    return response


@require_GET
def inbox(request):
    return render(request, INBOX_TEMPLATE, _inbox_context(request))


@require_POST
def complete_task(request, task_id: int):
    task = get_task_for_user(request.user, task_id)
    form = CompleteTaskForm(request.POST, task_id=task.pk)
    if form.is_valid():
        try:
            actions.complete_task(task=task, by=request.user, done_on=form.cleaned_data["done_on"])
        except ValidationError as error:
            form.add_error("done_on", error)
    if not form.is_valid():
        if request.htmx:
            # htmx swaps only 2xx answers: the row shows its error in place.
            return render(
                request,
                f"{INBOX_TEMPLATE}#tasks",
                _inbox_context(request, invalid=(task.pk, form), section="tasks"),
            )
        return render(
            request, INBOX_TEMPLATE, _inbox_context(request, invalid=(task.pk, form)), status=400
        )
    # The answer names the client in the task's title: logged as the inbox logs it, unless
    # checking the task off wrote the client's row already (its kind's completion hook).
    if completion_logs_client(task.kind):
        withhold_clients_out_of_reach(request.user, [task])
    else:
        show_items(request.user, [task])
    done = _("Tehtävä merkitty tehdyksi: %(title)s") % {"title": task.shown_title}
    if request.htmx:
        return _htmx_section(request, "tasks", done)
    messages.success(request, done)
    # Checked off on the page of what it concerns (a consultation's recommendation): back there.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/"):
        return redirect(back)
    return redirect("notifications:inbox")


@require_POST
def mark_reminder_read(request, reminder_id: int):
    reminder = get_reminder_for_user(request.user, reminder_id)
    actions.mark_reminder_read(reminder=reminder, by=request.user)
    show_items(request.user, [reminder])
    done = _("Muistutus merkitty luetuksi: %(title)s") % {"title": reminder.shown_title}
    if request.htmx:
        return _htmx_section(request, "reminders", done)
    messages.success(request, done)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request):
    """Marks read the reminders the inbox showed (the form's hidden list), not any the sweep
    added after the page was rendered nor those beyond the inbox's limit."""
    form = MarkShownReadForm(request.POST, limit=INBOX_LIMIT)
    if not form.is_valid():
        # The list is the page's own; only a tampered or truncated request gets here.
        return HttpResponseBadRequest()
    count = actions.mark_reminders_read(
        recipient=request.user, reminder_ids=form.cleaned_data["shown"]
    )
    if Reminder.objects.for_recipient(request.user).unread().exists():
        done = _("Näytetyt muistutukset merkitty luetuiksi (%(count)s).") % {"count": count}
    else:
        done = _("Kaikki muistutukset merkitty luetuiksi (%(count)s).") % {"count": count}
    if request.htmx:
        return _htmx_section(request, "reminders", done)
    messages.success(request, done)
    return redirect("notifications:inbox")


def unread_count(user) -> int:
    """What the bell shows: open tasks due today or earlier (or undated) and unread reminders."""
    today = timezone.localdate()
    return (
        Task.objects.for_assignee(user).needing_attention(today).count()
        + Reminder.objects.for_recipient(user).unread().count()
    )


@background_request
@never_cache
@require_GET
def bell(request):
    """The bell's fragment, polled every minute; never extends the idle session.

    `shown` is the count the page shows now: when nothing changed the answer
    is 204, which htmx does not swap, so screen readers hear the live region
    only when the count changes.
    """
    count = unread_count(request.user)
    shown = request.GET.get("shown")
    if shown is not None:
        if shown == str(count):
            return HttpResponse(status=204)
        return render(request, "notifications/bell.html#link", {"count": count})
    return render(request, "notifications/bell.html#live", {"count": count})
