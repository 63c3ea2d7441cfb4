"""Writes on tasks and reminders, and the reminder sweep.

Every action is keyword-only, runs in one transaction and locks the row
where two requests could race. Task changes are kept by pghistory's triggers
(with the acting user and an action code as context); reminders carry no
history, they are notes to their recipient.
"""

import dataclasses
import datetime
import functools
import itertools
import logging
import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from audit.history import history_context
from notifications.models import NOT_SETTLED, REMINDER_KEY, Reminder, Task
from notifications.rules_registry import (
    ReminderRule,
    ReminderSpec,
    registered_rules,
    sweep_ends,
)
from notifications.task_kinds import (
    answer_label,
    completion_hook,
    kinds_following_responsibility,
    kinds_settled_on_closing,
)
from notifications.texts import Text

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Task._meta.get_field("title").max_length
# Rows per INSERT statement: well under PostgreSQL's 65,535 parameters per statement.
INSERT_CHUNK = 2000


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _text_fields(
    field: str, text: str | Text, language: str, *, max_length: int | None = None
) -> dict:
    """The stored fields of a title or description (`field`): a Text keeps its message,
    shown in each reader's language (notifications.texts), and is written out in
    `language` as the stored text; a person's words are kept as written."""
    if isinstance(text, Promise):
        raise TypeError(
            "A lazy translation would stay in one language: give a notifications.texts.Text."
        )
    if isinstance(text, Text):
        written, msgid, params = text.render(language), text.msgid, text.params
    else:
        written, msgid, params = str(text), "", {}
    written = written.strip()
    if max_length:
        written = Truncator(written).chars(max_length)
    return {field: written, f"{field}_msgid": msgid, f"{field}_params": params}


def _check_link(link: str) -> str:
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"A link is a path inside Polku, not {link!r}.")
    return link


def _concerning_fields(obj: models.Model | None) -> dict:
    if obj is None:
        return {"content_type": None, "object_id": ""}
    if obj.pk is None:
        raise ValueError("A task can concern only a saved object.")
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk)}


# Tasks


def create_task(
    *,
    assignee,
    kind: str,
    title: str | Text,
    due_date: datetime.date | None = None,
    concerning: models.Model | None = None,
    client_id: uuid.UUID | str | None = None,
    link: str = "",
    created_by=None,
    key: str | None = None,
    description: str | Text = "",
) -> Task:
    """Gives `assignee` a task and returns it.

    Idempotent on `key`: when a task with the key exists (also one created
    by a concurrent call a moment ago), that task is returned unchanged, so
    an action that runs twice (a double submit, a redelivered Celery task)
    creates one task. A `title` or `description` that is a Text (Polku's own
    words) is shown in each reader's language and stored written out in the
    assignee's; plain text (a person's words) is kept as written; a lazy
    translation is refused (TypeError). `link` must be a path inside Polku
    (ValueError otherwise). No side effects beyond the row and its history;
    inside another action's history context (a recommendation recorded), the
    task's history is that action's (audit.history).
    """
    if not kind:
        raise ValueError("A task needs a kind.")
    language = _language_of(assignee)
    fields = {
        "assignee": assignee,
        "kind": kind,
        **_text_fields("title", title, language, max_length=TITLE_MAX_LENGTH),
        **_text_fields("description", description, language),
        "due_date": due_date,
        "client_id": client_id,
        "link": _check_link(link),
        "created_by": created_by,
        **_concerning_fields(concerning),
    }
    if not fields["title"]:
        raise ValueError("A task needs a title.")
    with transaction.atomic(), history_context(created_by, "notifications.task.created"):
        if key is None:
            return Task.objects.create(**fields)
        # get_or_create catches the IntegrityError of a concurrent insert of the same
        # key and then reads the winner's row.
        task, _created = Task.objects.get_or_create(key=key, defaults=fields)
        return task


def restate_task(*, task: Task, by, description: str | Text, assignee=None) -> Task:
    """The matter of an open task asked for again (a request repeated while the first is
    still open): the task stays one, its description becomes `description` and, when
    `assignee` is given, it is theirs (the one who decides now). The earlier words stay in
    the task's change history (action "notifications.task.restated").

    Locks the task and returns it as stored. A task checked off meanwhile is returned as it
    is (the caller asks anew), and so is one the words and assignee would not change (a
    double submit writes nothing, not even history). A Text is kept as create_task keeps
    it, written out in the assignee's language.
    """
    with transaction.atomic(), history_context(by, "notifications.task.restated"):
        locked = Task.objects.select_for_update().select_related("assignee").get(pk=task.pk)
        if locked.done_at is not None:
            return locked
        assignee = assignee or locked.assignee
        changed = [] if assignee.pk == locked.assignee_id else ["assignee"]
        locked.assignee = assignee
        for name, value in _text_fields("description", description, _language_of(assignee)).items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if changed:
            locked.save(update_fields=changed)
    return locked


def complete_task(
    *, task: Task, by, done_on: datetime.date | None = None, answered: bool = False
) -> Task:
    """Checks the task off as done on `done_on` (today when not given) by its assignee.

    Locks the task; a task already done is returned as it is (a double
    submit changes nothing). Raises PermissionDenied when `by` is not the
    assignee and ValidationError for a date in the future or before the task
    was created, and for a task done by answering on its page (task_kinds'
    `answered_on_its_page`) unless its app's action, answering, says `answered`. The completion hook its app registered for the task's kind
    (task_kinds.register_task_kind) runs in the same transaction, once, after
    the check-off is saved, and the unread reminders about the task itself are
    marked read for every recipient (as settle_reminders does). Returns the
    task as stored.
    """
    today = timezone.localdate()
    done_on = done_on or today
    with transaction.atomic(), history_context(by, "notifications.task.completed"):
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.assignee_id != by.pk:
            raise PermissionDenied
        if locked.done_at is not None:
            return locked
        if answer_label(locked.kind) is not None and not answered:
            raise ValidationError(
                _("Tehtävä on tehty, kun vastaat sen sivulla: %(answer)s.")
                % {"answer": answer_label(locked.kind)},
                code="answered_on_its_page",
            )
        created_on = timezone.localdate(locked.created_at)
        if done_on > today:
            raise ValidationError(_("Päivämäärä ei voi olla tulevaisuudessa."), code="future")
        if done_on < created_on:
            raise ValidationError(
                _("Päivämäärä ei voi olla ennen tehtävän luontia (%(date)s).")
                % {"date": date_format(created_on, "SHORT_DATE_FORMAT")},
                code="before_created",
            )
        locked.done_at = timezone.now()
        locked.done_on = done_on
        locked.done_by = by
        locked.save(update_fields=["done_at", "done_on", "done_by"])
        hook = completion_hook(locked.kind)
        if hook is not None:
            hook(task=locked, by=by)
        # A reminder about a task is a reminder that it is still open (e.g. a revocation not
        # yet told to a party): done, it is settled for everyone, whatever its rule.
        _settle(Reminder.objects.concerning(locked))
    return locked


def settle_tasks(*, keys: Sequence[str], by) -> int:
    """Checks off, as done today by `by`, the open tasks with these keys whose matter
    another action of `by` settled (the step a follow-on was asked for ended or got one),
    so no inbox keeps asking for what is done or no longer needed; the unread reminders
    about them are marked read for everyone, as complete_task does. Returns how many.

    Unlike complete_task it runs in the caller's transaction and history context (the
    task's history names the action that settled it), and no completion hook runs: the
    task was not done, its matter was settled.
    """
    return _settle_tasks(Task.objects.filter(key__in=keys), by)


def settle_closed_client_tasks(*, client_id: uuid.UUID | str, by) -> int:
    """Checks off, as done today by `by`, the client's (`client_id`) open tasks of the kinds
    registered as settled on closing (task_kinds: `settled_on_closing=True`, e.g. a
    consultation recommendation to act on): the client relationship closed, so they ask for
    what no one will do and, past their due date, would stay overdue for good. As
    settle_tasks: in the caller's transaction and history context (the closing's), the
    unread reminders about the tasks marked read, no completion hook. A reopening leaves
    them done (their change history tells the closing settled them). Returns how many."""
    kinds = kinds_settled_on_closing()
    if not kinds:
        return 0
    return _settle_tasks(Task.objects.for_client(client_id).filter(kind__in=kinds), by)


def _settle_tasks(tasks: models.QuerySet, by) -> int:
    tasks = list(tasks.select_for_update().filter(done_at__isnull=True).order_by("pk"))
    now, today = timezone.now(), timezone.localdate()
    for task in tasks:
        task.done_at, task.done_on, task.done_by = now, today, by
        task.save(update_fields=["done_at", "done_on", "done_by"])
        _settle(Reminder.objects.concerning(task))
    return len(tasks)


def reopen_tasks(*, keys: Sequence[str]) -> int:
    """Makes the done tasks with these keys open again, because the matter they ask for is
    open again (the follow-on planned in answer to a request was cancelled). Runs in the
    caller's transaction and history context, as settle_tasks does. Returns how many."""
    tasks = list(Task.objects.select_for_update().filter(key__in=keys, done_at__isnull=False))
    for task in tasks:
        task.done_at = task.done_on = task.done_by = None
        task.save(update_fields=["done_at", "done_on", "done_by"])
    return len(tasks)


def reopen_task(*, task: Task, by) -> Task:
    """Makes a task that was checked off open again; only its assignee may.

    Locks the task; an open task is returned as it is. The earlier check-off
    stays in the task's change history. Raises PermissionDenied for anyone
    else than the assignee.
    """
    with transaction.atomic(), history_context(by, "notifications.task.reopened"):
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.assignee_id != by.pk:
            raise PermissionDenied
        if locked.done_at is None:
            return locked
        locked.done_at = None
        locked.done_on = None
        locked.done_by = None
        locked.save(update_fields=["done_at", "done_on", "done_by"])
    return locked


def hand_over_tasks(*, client_id: uuid.UUID | str, from_user_id: int | None, to_user, by) -> int:
    """Gives `to_user`, the client's new responsible worker, the open tasks about the client
    (`client_id`) that the former one (`from_user_id`) holds as responsible worker; returns
    how many moved. With no former one (None: the client had no responsible worker, and a
    duty went to whoever recorded it, such as the sote contact person telling Kela of a
    revocation), those of anyone else move to the first responsible worker.

    Only tasks of the kinds registered to follow responsibility move (task_kinds:
    `follows_responsibility=True`, e.g. a consultation recommendation to act on, a party
    to tell of a revoked consent): a task that is the former worker's own (a declined
    request of theirs) stays. The move is one UPDATE, kept in each task's change history
    (action "notifications.task.handed_over"). The former worker's reminders about the
    moved tasks or the objects they concern that are not yet due are taken back (one
    DELETE) and those already past are settled (marked read as settle_client_reminders
    marks them, one UPDATE; the rows stay, they were right on their day): the duty is no
    longer the former worker's, and the next sweep reminds the new worker, of an overdue
    duty too, and the former one again should the duty come back to them. Call it inside the transfer's
    transaction but outside its history context: inside, the move would be kept under the
    transfer's label (audit.history: the outermost action names the changes).
    """
    kinds = kinds_following_responsibility()
    if not kinds or from_user_id == to_user.pk:
        return 0
    held = (
        models.Q(assignee_id=from_user_id)
        if from_user_id is not None
        else ~models.Q(assignee_id=to_user.pk)
    )
    with transaction.atomic(), history_context(by, "notifications.task.handed_over"):
        moved = list(
            Task.objects.select_for_update()
            .open()
            .for_client(client_id)
            .filter(held, kind__in=kinds)
            .order_by("pk")
            .values_list("pk", "content_type_id", "object_id", "assignee_id")
        )
        if not moved:
            return 0
        Task.objects.filter(pk__in=[row[0] for row in moved]).update(assignee=to_user)
        about = models.Q(
            content_type=ContentType.objects.get_for_model(Task),
            object_id__in=[str(row[0]) for row in moved],
        )
        for _pk, type_id, object_id, _assignee in moved:
            if type_id is not None:
                about |= models.Q(content_type_id=type_id, object_id=object_id)
        former = Reminder.objects.filter(
            about, recipient_id__in={assignee for *_rest, assignee in moved}
        )
        today = timezone.localdate()
        former.filter(due_date__gte=today).delete()
        _settle_moved(former.filter(due_date__lt=today))
    return len(moved)


# Reminders


def mark_reminder_read(*, reminder: Reminder, by) -> Reminder:
    """Marks the reminder read by its recipient; one already read keeps its first read time.

    Raises PermissionDenied when `by` is not the recipient.
    """
    if reminder.recipient_id != by.pk:
        raise PermissionDenied
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=now)
    reminder.refresh_from_db(fields=["read_at"])
    return reminder


def mark_reminders_read(*, recipient, reminder_ids: Sequence[int]) -> int:
    """Marks read the unread reminders of `recipient` among `reminder_ids`; returns how many
    were unread. Ids of others' reminders are passed over.

    For "mark all read" in the inbox: the ids are those the page showed, so a reminder the
    sweep added after it was rendered, or one beyond the inbox's limit, stays unread: the
    recipient has not seen it.
    """
    return (
        Reminder.objects.for_recipient(recipient)
        .unread()
        .filter(pk__in=list(reminder_ids))
        .update(read_at=timezone.now())
    )


def settle_client_reminders(
    *, client_id: uuid.UUID | str, recipient_id: int, except_rules: Sequence[str] = ()
) -> int:
    """Marks read the unread reminders of `recipient_id` that name the client `client_id`
    (but those of `except_rules`), whatever their rule and due date; returns how many. One
    UPDATE; the rows stay, as settle_reminders keeps them.

    For a transfer of responsibility: the reminders the responsible-worker rules gave the
    former worker (a plan review, the warning month, a step's end or review, a consent
    running out) ask them for what is no longer theirs to do, and the client's name in
    them is hidden from them now. The next sweep reminds the new worker. The reminders are
    marked settled (`settled_at`), not read by the recipient, so they no longer hold the
    unique key: should the client come back to the same worker (transferred back, put on
    the team again), the sweep reminds them afresh of what is still due. Those the
    recipient read themselves are left as they are and are not repeated.
    """
    return _settle_moved(
        Reminder.objects.filter(client_id=client_id, recipient_id=recipient_id).exclude(
            rule__in=list(except_rules)
        )
    )


def settle_moved_reminders(
    *, rules: Sequence[str], concerning: Sequence[models.Model], recipient_id: int
) -> int:
    """Marks read and settled the unread reminders of `rules` about the objects `concerning`
    that `recipient_id` has, whatever their due date; returns how many. One UPDATE; the rows
    stay.

    For an action that moves the matter from the recipient to someone else while the client
    stays theirs (a step's coach replaced who still coaches another of the client's steps):
    as settle_client_reminders, they are settled (`settled_at`), not read by the recipient,
    so should the matter come back to them, the sweep reminds them afresh.
    """
    reminders = _reminders_about(rules, concerning)
    if reminders is None:
        return 0
    return _settle_moved(reminders.filter(recipient_id=recipient_id))


def settle_unreached_reminders(
    *, rules: Sequence[str], reaching: models.QuerySet, client_field: str, user_field: str
) -> int:
    """Marks read and settled the unread reminders of `rules` that carry a client whose
    recipient no longer reaches it: `reaching` has no row whose `client_field` is the
    reminder's client (its UUID) and whose `user_field` is its recipient. Returns how many;
    one UPDATE whatever their number, none without rules.

    For the end of a sweep: a rule read the caseload, a transfer of responsibility committed
    and settled the former worker's reminders (settle_client_reminders), then the sweep
    wrote what the rule had read. Settled as the transfer settles them, so should the client
    come back to them, the sweep reminds them afresh.
    """
    if not rules:
        return 0
    reached = reaching.filter(
        **{client_field: OuterRef("client_id"), user_field: OuterRef("recipient_id")}
    )
    return _settle_moved(
        Reminder.objects.filter(rule__in=list(rules), client_id__isnull=False).exclude(
            Exists(reached)
        )
    )


def withdraw_reminders(*, rule: str, concerning: models.Model, recipient_ids=None) -> int:
    """Takes back the reminders of `rule` about `concerning` that are not yet past their due
    date (of the given recipients only, when `recipient_ids` is given); returns how many.

    For an action that makes such a reminder wrong (a session cancelled, moved, or a
    participant taken off it): the reminder's title was written for the old state. The
    next sweep writes the reminders that still fit, with the state as it then is. Past
    reminders stay: they were right on their day.
    """
    if not rule:
        raise ValueError("A reminder rule's code is needed.")
    reminders = Reminder.objects.filter(rule=rule, due_date__gte=timezone.localdate()).concerning(
        concerning
    )
    if recipient_ids is not None:
        reminders = reminders.filter(recipient_id__in=list(recipient_ids))
    deleted, _per_model = reminders.delete()
    return deleted


def relink_reminders(*, rule: str, concerning: models.Model, link: str) -> int:
    """Points the reminders of `rule` about `concerning` to `link`, keeping them otherwise as
    they are (read or unread); returns how many. For an action after which the reminder
    still holds but its page has moved (a new version of what it concerns)."""
    if not rule:
        raise ValueError("A reminder rule's code is needed.")
    reminders = Reminder.objects.filter(rule=rule).concerning(concerning)
    return reminders.update(link=_check_link(link))


def settle_reminders(*, rule: str, concerning: models.Model) -> int:
    """Marks read, for every recipient, the unread reminders of `rule` about `concerning`,
    whatever their due date; returns how many. One UPDATE; a reminder already read keeps its
    first read time.

    For an action that settles the matter the reminders ask someone to see to (one manager
    reviews a break-the-glass event that all the unit's managers were reminded of): the
    others need not act on it any more. Unlike withdraw_reminders, past reminders are
    settled too and the rows stay, so each inbox keeps a true record of what it was told.
    """
    if not rule:
        raise ValueError("A reminder rule's code is needed.")
    return _settle(Reminder.objects.filter(rule=rule).concerning(concerning))


def withdraw_and_settle_reminders(
    *, rules: Sequence[str], concerning: Sequence[models.Model]
) -> int:
    """The matter of the reminders of `rules` about the objects `concerning` is gone (a step
    ended or cancelled): those not yet due are taken back and the past ones still unread
    are marked read, for every recipient; returns how many, both together. One DELETE and
    one UPDATE, whatever the number of objects.

    For the action that ends the matter, in its transaction: the inbox and the bell say so
    at once, as the sweep's withdraw_stale_reminders would leave them only at its next run.
    Past reminders were right on their day, so their rows stay (as settle_reminders keeps
    them).
    """
    reminders = _reminders_about(rules, concerning)
    if reminders is None:
        return 0
    return _withdraw_or_settle(reminders, timezone.localdate())


def _reminders_about(rules: Sequence[str], concerning: Sequence[models.Model]):
    """The reminders of `rules` about any of the objects `concerning` (None for no objects);
    ValueError for a missing rule code."""
    if not rules or any(not rule for rule in rules):
        raise ValueError("A reminder rule's code is needed.")
    if not concerning:
        return None
    about = functools.reduce(
        operator.or_, (models.Q(**_concerning_fields(obj)) for obj in concerning)
    )
    return Reminder.objects.filter(about, rule__in=list(rules))


def _settle(reminders: models.QuerySet) -> int:
    return reminders.unread().update(read_at=timezone.now())


def _settle_moved(reminders: models.QuerySet) -> int:
    """Marks the unread `reminders` read and settled: their matter moved from the recipient
    to someone else. A settled row no longer holds the unique key (models.UNIQUE_REMINDER),
    so the rule may remind the recipient again should the matter become theirs again."""
    now = timezone.now()
    return reminders.unread().update(read_at=now, settled_at=now)


def _withdraw_or_settle(reminders: models.QuerySet, today: datetime.date) -> int:
    """Of `reminders` whose matter is gone: deletes those not yet due (due `today` or later)
    and marks read the past ones still unread, whose rows stay; returns how many in all."""
    deleted, _per_model = reminders.filter(due_date__gte=today).delete()
    return deleted + _settle(reminders.filter(due_date__lt=today))


def withdraw_stale_reminders(
    *,
    rule: str,
    still_due: models.QuerySet,
    due_field: str,
    today: datetime.date,
) -> int:
    """Takes back the reminders of `rule` about objects of `still_due`'s model that no longer
    fit: `still_due` (the objects the rule would still remind of) has no object with that
    id whose `due_field` is the reminder's due date. Those not yet past their due date (due
    on `today` or later) are deleted; the past ones still unread are marked read for their
    recipients. Returns how many, both together; one DELETE and one UPDATE, whatever their
    number.

    For a rule whose facts change by many paths (a step's planned end moved, a follow-on
    step linked, the step ended or cancelled, its start corrected): the sweep runs it before
    the rule (rules_registry's `withdraw_stale`), so the inbox never keeps a reminder
    written for an old state. Past reminders were right on their day, so their rows stay
    (as with withdraw_reminders), but their matter is gone and they are settled (as
    settle_reminders does): left unread, a reminder already past its day, or one whose due
    date is always its first day (a warning month that has begun), would stay in the inbox
    as overdue for good.
    """
    if not rule:
        raise ValueError("A reminder rule's code is needed.")
    model = still_due.model
    fitting = still_due.filter(
        pk=Cast(OuterRef("object_id"), output_field=model._meta.pk),
        **{due_field: OuterRef("due_date")},
    )
    stale = Reminder.objects.filter(
        rule=rule, content_type=ContentType.objects.get_for_model(model)
    ).exclude(Exists(fitting))
    return _withdraw_or_settle(stale, today)


def _active_recipients(user_ids) -> dict[int, str]:
    """The preferred language ('' when none) of each active user among `user_ids`, in one
    query: a reminder for an inactive user (one who left; their memberships and tasks may
    outlive the account) is not written, whatever found them: nobody reads it, and it
    would greet them should the account be opened again."""
    return dict(
        get_user_model()
        .objects.filter(pk__in=set(user_ids), is_active=True)
        .values_list("pk", "preferred_language")
    )


def remind(
    *,
    recipient,
    rule: str,
    concerning: models.Model,
    due_date: datetime.date,
    title: str | Text,
    link: str = "",
) -> tuple[Reminder | None, bool]:
    """Puts one reminder in `recipient`'s inbox unless it is there already.

    Returns (reminder, created). The unique key (rule, object, due date,
    recipient) is enforced by the database; a concurrent call with the same
    key gets the winner's row and created=False. A settled reminder
    (settle_client_reminders) does not count. The title is kept as
    create_task keeps one: a Text is shown in each reader's language, written out
    in the recipient's. As remind_many, it writes nothing for an inactive user (as the
    database has them now): (None, False).
    """
    if not rule:
        raise ValueError("A reminder needs its rule's code.")
    if concerning is None:
        raise ValueError("A reminder concerns an object.")
    concerning_fields = _concerning_fields(concerning)
    languages = _active_recipients([recipient.pk])
    if recipient.pk not in languages:
        return None, False
    language = languages[recipient.pk] or settings.LANGUAGE_CODE
    with transaction.atomic():
        return Reminder.objects.filter(NOT_SETTLED).get_or_create(
            recipient=recipient,
            rule=rule,
            due_date=due_date,
            **concerning_fields,
            defaults={
                **_text_fields("title", title, language, max_length=TITLE_MAX_LENGTH),
                "link": _check_link(link),
            },
        )


def remind_many(reminders: Sequence[ReminderSpec]) -> int:
    """Writes a batch of reminders with INSERT ... ON CONFLICT DO NOTHING; returns how many are new.

    One statement per 2,000 rows and one query for the recipients (whether active, and
    their language: a Text title is written out in the recipient's language as the
    stored title); never a query per reminder. Nothing is written for an inactive user
    (_active_recipients says why).
    Reminders that exist already (from an earlier or a concurrent sweep) are
    skipped by the database's unique key, so a repeated batch writes
    nothing; a settled one (settle_client_reminders) does not count. Runs in one
    transaction.
    """
    if not reminders:
        return 0
    languages = _active_recipients({spec.recipient_id for spec in reminders})
    reminders = [spec for spec in reminders if spec.recipient_id in languages]
    now = timezone.now()
    rows: dict[tuple, Reminder] = {}
    for spec in reminders:
        if not spec.rule:
            raise ValueError("A reminder needs its rule's code.")
        reminder = Reminder(
            recipient_id=spec.recipient_id,
            rule=spec.rule,
            content_type=ContentType.objects.get_for_model(spec.model),
            object_id=str(spec.object_id),
            due_date=spec.due_date,
            **_text_fields(
                "title",
                spec.title,
                languages.get(spec.recipient_id) or settings.LANGUAGE_CODE,
                max_length=TITLE_MAX_LENGTH,
            ),
            link=_check_link(spec.link),
            client_id=spec.client_id,
            created_at=now,
        )
        key = (
            reminder.rule,
            reminder.content_type_id,
            reminder.object_id,
            reminder.due_date,
            reminder.recipient_id,
        )
        rows.setdefault(key, reminder)
    # In key order, so two batches that overlap lock their rows in the same order
    # and wait for each other instead of deadlocking.
    objects = [rows[key] for key in sorted(rows)]
    created = 0
    with transaction.atomic():
        for start in range(0, len(objects), INSERT_CHUNK):
            created += _insert_ignoring_existing(objects[start : start + INSERT_CHUNK])
    return created


def _insert_ignoring_existing(objects: list[Reminder]) -> int:
    # Django's bulk_create(ignore_conflicts=True) does not say which rows were
    # new; RETURNING does. Only identifiers from the model's own metadata are
    # interpolated; every value is a parameter. The unique key is a partial index
    # (rows not settled), which ON CONFLICT finds by its columns and condition.
    meta = Reminder._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    key = ", ".join(quote(meta.get_field(name).column) for name in REMINDER_KEY)
    settled = quote(meta.get_field("settled_at").column)
    params = [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objects for f in fields
    ]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(objects))} "
        f"ON CONFLICT ({key}) WHERE {settled} IS NULL DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


# The sweep

SWEEP_LOCK_KEY = "notifications:sweep-reminders:lock"


@dataclass
class SweepResult:
    """What one sweep did: new reminders per rule, reminders taken back or settled as no
    longer fitting (per rule that withdraws: withdraw_stale_reminders), reminders settled at
    its end (per registered sweep end: rules_registry.register_sweep_end), and the rules
    and sweep ends that failed."""

    created: dict[str, int] = field(default_factory=dict)
    withdrawn: dict[str, int] = field(default_factory=dict)
    settled: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def sweep_reminders(today: datetime.date | None = None) -> SweepResult | None:
    """Runs every registered reminder rule for `today` and writes what they find.

    One sweep at a time: a Redis lock (cache.add, expiring after
    POLKU_REMINDER_SWEEP_LOCK_SECONDS, default 15 min, in case a worker dies
    holding it) makes a second concurrent call return None at once without
    doing anything. The database's unique key is the final guard, so a sweep
    is safe to run at any time and any number of times. Reminders are written
    in batches of POLKU_REMINDER_BATCH_SIZE (default 1,000), each batch in its
    own transaction. Before a rule that has `withdraw_stale`, its reminders that no
    longer fit are taken back (not yet due) or marked read (past). After every rule, the
    registered sweep ends run (rules_registry.register_sweep_end: the reminders written for
    someone who left the client's team while the sweep ran are settled). A rule or sweep end
    that raises is logged and skipped; the others still run. Celery's SoftTimeLimitExceeded is not a rule's
    failure but the task's time running out: it ends the sweep and is raised again.
    """
    today = today or timezone.localdate()
    batch_size = getattr(settings, "POLKU_REMINDER_BATCH_SIZE", 1000)
    lock_seconds = getattr(settings, "POLKU_REMINDER_SWEEP_LOCK_SECONDS", 15 * 60)
    token = uuid.uuid4().hex
    if not cache.add(SWEEP_LOCK_KEY, token, timeout=lock_seconds):
        logger.info("Reminder sweep skipped: another sweep holds the lock.")
        return None
    try:
        result = SweepResult()
        for rule in registered_rules():
            try:
                if rule.withdraw_stale is not None:
                    result.withdrawn[rule.code] = rule.withdraw_stale(today)
                result.created[rule.code] = _sweep_rule(rule, today, batch_size)
            except SoftTimeLimitExceeded:
                # The task's time is up: stop the whole sweep (the lock is released below)
                # rather than run the next rule into the hard limit that kills the worker.
                raise
            except Exception:
                logger.exception("Reminder rule %s failed.", rule.code)
                result.failed.append(rule.code)
        for name, finish in sweep_ends():
            try:
                result.settled[name] = finish(today)
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                logger.exception("Reminder sweep end %s failed.", name)
                result.failed.append(name)
        logger.info(
            "Reminder sweep done.",
            extra={
                "reminders_created": result.total,
                "reminders_per_rule": result.created,
                "withdrawn_per_rule": result.withdrawn,
                "settled_at_the_end": result.settled,
                "failed_rules": result.failed,
            },
        )
        return result
    finally:
        # Release only our own lock: after an expiry another sweep may hold it.
        if cache.get(SWEEP_LOCK_KEY) == token:
            cache.delete(SWEEP_LOCK_KEY)


def _sweep_rule(rule: ReminderRule, today: datetime.date, batch_size: int) -> int:
    created = 0
    for batch in itertools.batched(rule.func(today, batch_size), batch_size):
        created += remind_many([_with_rule(spec, rule.code) for spec in batch])
    return created


def _with_rule(spec: ReminderSpec, code: str) -> ReminderSpec:
    if spec.rule and spec.rule != code:
        raise ValueError(f"Rule {code} yielded a reminder of rule {spec.rule}.")
    return dataclasses.replace(spec, rule=code)
