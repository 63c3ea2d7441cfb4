"""Tasks (something a person has to do) and reminders (something a sweep noticed).

Both point at the object they concern through a generic relation, so that
notifications imports none of the apps whose objects it points at (DESIGN.md
"Layout"). Object ids are stored as text so that bigint and UUID keys fit.
"""

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.querysets import ReminderQuerySet, TaskQuerySet
from notifications.texts import render_text

# A link is a path inside Polku: never another host, never a scheme such as javascript:.
LOCAL_PATH = Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//"))
# The reminder's unique key, over the rows not settled (Reminder.settled_at); the sweep's
# INSERT ... ON CONFLICT names its fields and condition (REMINDER_KEY, NOT_SETTLED).
UNIQUE_REMINDER = "reminder_once_per_rule_object_due_recipient"
REMINDER_KEY = ("rule", "content_type", "object_id", "due_date", "recipient")
NOT_SETTLED = Q(settled_at__isnull=True)


@pghistory.track()
class Task(models.Model):
    """Something one person has to do, checked off with a date.

    `kind` is a code (e.g. "consents.notify_party_of_revocation") whose label
    is shown in the reader's language, and so are the title and description
    Polku writes: `title_msgid` and `title_params` keep the message
    (notifications.texts), and `shown_title` renders it in the active language,
    so a task handed over to another worker, or read after a change of
    language, reads in the reader's. `title` is the text as first written, for
    the assignee, in their language: a person's words (empty msgid) are shown
    as written, and it is the fallback of a row from before messages were kept
    (migration 0003). A task is open while `done_at` is empty.
    """

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("vastuuhenkilö"),
    )
    kind = models.CharField(_("tehtävän laji"), max_length=64)
    title = models.CharField(_("otsikko"), max_length=255)
    title_msgid = models.TextField(blank=True, editable=False)
    title_params = models.JSONField(default=dict, blank=True, editable=False)
    description = models.TextField(_("kuvaus"), blank=True)
    description_msgid = models.TextField(blank=True, editable=False)
    description_params = models.JSONField(default=dict, blank=True, editable=False)
    due_date = models.DateField(_("määräpäivä"), null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("luonut"),
    )
    done_at = models.DateTimeField(_("merkitty tehdyksi"), null=True, blank=True)
    done_on = models.DateField(_("tehty"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merkinnyt tehdyksi"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    concerning = GenericForeignKey("content_type", "object_id")
    # The client the task concerns, for the client page; no foreign key, because
    # clients import notifications and not the reverse.
    client_id = models.UUIDField(null=True, blank=True, db_index=True)
    link = models.CharField(_("linkki"), max_length=500, blank=True)
    # Set by the action that creates the task, so that repeating it creates nothing.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("tehtävä")
        verbose_name_plural = _("tehtävät")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(done_at__isnull=True, done_by__isnull=True, done_on__isnull=True)
                    | Q(done_at__isnull=False, done_by__isnull=False, done_on__isnull=False)
                ),
                name="task_done_fields_together",
            ),
            models.CheckConstraint(
                condition=(
                    Q(content_type__isnull=True, object_id="")
                    | (Q(content_type__isnull=False) & ~Q(object_id=""))
                ),
                name="task_concerning_complete",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_has_title"),
            models.CheckConstraint(
                condition=~Q(title_msgid="") | Q(title_params={}),
                name="task_title_params_with_msgid",
            ),
            models.CheckConstraint(
                condition=~Q(description_msgid="") | Q(description_params={}),
                name="task_description_params_with_msgid",
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="task_has_kind"),
            models.CheckConstraint(condition=LOCAL_PATH, name="task_link_is_local_path"),
        ]
        indexes = [
            models.Index(
                fields=["assignee", "due_date"],
                condition=Q(done_at__isnull=True),
                name="task_open_by_assignee",
            ),
            models.Index(fields=["content_type", "object_id"], name="task_concerning"),
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's)."""
        return render_text(self.title_msgid, self.title_params, fallback=self.title)

    @property
    def shown_description(self) -> str:
        """The description in the active language (the reader's); a person's words as written."""
        return render_text(
            self.description_msgid, self.description_params, fallback=self.description
        )

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today


class Reminder(models.Model):
    """A note in one person's inbox that a rule found something due.

    At most one per (rule, object, due date, recipient): the database refuses
    a second, so repeated and concurrent sweeps never duplicate, and a reminder
    the recipient read is not repeated. A reminder settled because the matter
    stopped being the recipient's (`settled_at`: a client transferred to another
    worker, its care team left; notifications.actions.settle_client_reminders)
    is marked read too but no longer holds the key: should the matter become
    theirs again, the sweep reminds them afresh. The title is
    kept as Task's is: the message (`title_msgid`, `title_params`), shown in the
    reader's language by `shown_title`, and `title`, as first written.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("vastaanottaja"),
    )
    rule = models.CharField(_("sääntö"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    concerning = GenericForeignKey("content_type", "object_id")
    due_date = models.DateField(_("määräpäivä"))
    title = models.CharField(_("otsikko"), max_length=255)
    title_msgid = models.TextField(blank=True, editable=False)
    title_params = models.JSONField(default=dict, blank=True, editable=False)
    link = models.CharField(_("linkki"), max_length=500, blank=True)
    # The client the title names, if any (as on Task): the inbox logs each client it shows.
    client_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)
    read_at = models.DateTimeField(_("luettu"), null=True, blank=True)
    # Set (with read_at) when the reminder was put away because its matter moved from the
    # recipient to someone else, not read by them.
    settled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("muistutus")
        verbose_name_plural = _("muistutukset")
        constraints = [
            models.UniqueConstraint(
                fields=list(REMINDER_KEY), condition=NOT_SETTLED, name=UNIQUE_REMINDER
            ),
            models.CheckConstraint(
                condition=Q(settled_at__isnull=True) | Q(read_at__isnull=False),
                name="reminder_settled_is_read",
            ),
            models.CheckConstraint(condition=~Q(rule=""), name="reminder_has_rule"),
            models.CheckConstraint(condition=~Q(object_id=""), name="reminder_has_object"),
            models.CheckConstraint(condition=~Q(title=""), name="reminder_has_title"),
            models.CheckConstraint(
                condition=~Q(title_msgid="") | Q(title_params={}),
                name="reminder_title_params_with_msgid",
            ),
            models.CheckConstraint(condition=LOCAL_PATH, name="reminder_link_is_local_path"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "due_date"],
                condition=Q(read_at__isnull=True),
                name="reminder_unread_by_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's)."""
        return render_text(self.title_msgid, self.title_params, fallback=self.title)

    def is_overdue(self, today) -> bool:
        return self.due_date < today
