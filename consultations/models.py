"""Consultation networks, their members, sessions, consultation requests, agendas,
minutes, recommendations, work-pair offers and private calendar feeds.

A responsible worker (or a team member on their behalf) asks; a coordinator
triages the request and places it on a session of a network; the network's
participants discuss it and recommend; each recommendation becomes a task of
the responsible worker, whose responsibility never moves (DOMAIN.md
"Consultations"). The database states the invariants: a coordinator is never
in two sessions at once, nor is anyone taking part (the coordinator and the
chair take part too), a request is on at most one session, agenda slots of a
session never overlap, a member's periods in a network never overlap.
"""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    BigIntegerRangeField,
    DateRangeField,
    DateTimeRangeField,
    RangeOperators,
)
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.ordering import Alphabetical
from consultations.querysets import (
    ConsultationRequestQuerySet,
    FeedTokenQuerySet,
    NetworkMemberQuerySet,
    NetworkQuerySet,
    SessionParticipantQuerySet,
    SessionQuerySet,
)
from services.i18n import TranslatedNameModel, in_name_order

# Constraint names; actions turn an IntegrityError on them into a clear message.
COORDINATOR_NOT_DOUBLE_BOOKED = "session_coordinator_not_double_booked"
PARTICIPANT_NOT_DOUBLE_BOOKED = "session_participant_not_double_booked"
REQUEST_ON_ONE_SESSION = "agenda_item_request_on_one_session"
SLOTS_NOT_OVERLAPPING = "agenda_item_slots_not_overlapping"
MEMBER_PERIODS_NOT_OVERLAPPING = "network_member_periods_not_overlapping"
NETWORK_NAME_UNIQUE = "network_name_fi_unique"


def _point(field: str) -> Func:
    """`int8range(x, x, '[]')`: a bigint as a range, so an exclusion constraint can say
    "equal" with && without the btree_gist extension (DESIGN.md "Stack")."""
    return Func(
        F(field), F(field), Value("[]"), function="int8range", output_field=BigIntegerRangeField()
    )


def _period(start: str, end: str) -> Func:
    return Func(F(start), F(end), function="tstzrange", output_field=DateTimeRangeField())


def _days(start: str, end: str) -> Func:
    # An empty end is an open period: daterange(x, NULL) runs until further notice.
    return Func(F(start), F(end), Value("[]"), function="daterange", output_field=DateRangeField())


@pghistory.track()
class Network(TranslatedNameModel):
    """A multi-professional consultation network; its convening organisation leads,
    invites and chairs (Helsinki's employment services lead their own case consultations).
    Its name is held in Finnish, Swedish and English (`name` is the reader's); no two
    networks share a Finnish name."""

    description = models.TextField(_("kuvaus"), blank=True)
    convening_organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="convened_networks",
        verbose_name=_("koollekutsuva organisaatio"),
    )
    default_place = models.CharField(_("tavallinen kokoontumispaikka"), max_length=200, blank=True)
    is_active = models.BooleanField(_("toiminnassa"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("konsultaatioverkosto")
        verbose_name_plural = _("konsultaatioverkostot")
        ordering = [in_name_order()]
        # One Finnish name, whatever its letter case ("työkyvyn tuen verkosto" is taken too).
        constraints = [models.UniqueConstraint(Lower("name_fi"), name=NETWORK_NAME_UNIQUE)]


# Deletes too: a nomination withdrawn before it began is deleted (actions.end_member).
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class NetworkMember(models.Model):
    """A person a partner organisation has nominated to the network, for a period."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="network_memberships",
        verbose_name=_("jäsen"),
    )
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nimeävä organisaatio"),
    )
    expertise = models.CharField(_("osaaminen"), max_length=200)
    active_from = models.DateField(_("alkaen"), default=timezone.localdate)
    active_until = models.DateField(_("päättyen"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Whether the nominating organisation itself made the nomination: the one who added
    # the member acted, at that moment, in a role of that organisation. Fixed when the
    # member is added (add_member), so it does not lapse when the adder's role ends.
    nominated_by_own_organisation = models.BooleanField(
        _("organisaation itse nimeämä"), default=False
    )

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("verkoston jäsen")
        verbose_name_plural = _("verkoston jäsenet")
        ordering = [
            in_name_order("organisation__"),
            Alphabetical("user__last_name"),
            Alphabetical("user__first_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=F("active_from")),
                name="network_member_period",
            ),
            ExclusionConstraint(
                name=MEMBER_PERIODS_NOT_OVERLAPPING,
                expressions=[
                    (_point("network_id"), RangeOperators.OVERLAPS),
                    (_point("user_id"), RangeOperators.OVERLAPS),
                    (_days("active_from", "active_until"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.organisation})"


@pghistory.track()
class Session(models.Model):
    """One meeting of a network. Times are stored in UTC and shown in Europe/Helsinki.

    `uid` and `sequence` make the iCalendar identity of the meeting: the UID
    never changes and the sequence grows with every change participants are
    told of, so calendars replace the earlier invitation.
    """

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("verkosto")
    )
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    video_link = models.URLField(_("videoyhteys"), max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("puheenjohtaja"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_sessions",
        verbose_name=_("koordinaattori"),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    cancellation_reason = models.CharField(_("perumisen syy"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("konsultaatioistunto")
        verbose_name_plural = _("konsultaatioistunnot")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="session_has_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancellation_reason="")
                | (Q(cancelled_at__isnull=False) & ~Q(cancellation_reason="")),
                name="session_cancellation_has_reason",
            ),
            # A coordinator is never in two sessions at once (cancelled ones do not count).
            ExclusionConstraint(
                name=COORDINATOR_NOT_DOUBLE_BOOKED,
                expressions=[
                    (_point("coordinator_id"), RangeOperators.OVERLAPS),
                    (_period("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(cancelled_at__isnull=True),
            ),
        ]
        triggers = [
            # The participations carry the session's time and cancellation for their own
            # exclusion constraint (SessionParticipant): a move or a cancellation, by an
            # action or by hand, reaches them in the same statement.
            pgtrigger.Trigger(
                name="session_times_to_participants",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("starts_at", "ends_at", "cancelled_at"),
                condition=pgtrigger.AnyChange("starts_at", "ends_at", "cancelled_at"),
                func=(
                    "UPDATE consultations_sessionparticipant SET "
                    "session_period = tstzrange(NEW.starts_at, NEW.ends_at), "
                    "session_cancelled = NEW.cancelled_at IS NOT NULL "
                    "WHERE session_id = NEW.id; RETURN NULL;"
                ),
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return (
            f"{self.network} {date_format(local, 'SHORT_DATE_FORMAT')} "
            f"{date_format(local, 'TIME_FORMAT')}"
        )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())


class ParticipantKind(models.TextChoices):
    MEMBER = "member", _("Verkoston jäsen")
    GUEST = "guest", _("Kutsuttu vieras")
    # The worker who brings a case (its asker, the client's responsible worker): invited
    # when the case is placed on the session, taken off with their last case.
    PRESENTER = "presenter", _("Tapauksen esittelijä")


# Who takes part, how and for which organisation, and their removal (removed_at), each with
# the one who acted: not the session's times and cancellation the triggers copy here (the
# session's own history has them), nor the invitation e-mail's bookkeeping; an update
# changing only these writes no event.
@pghistory.track(exclude=["session_period", "session_cancelled", "request_sent_sequence"])
class SessionParticipant(models.Model):
    """Who was invited to a session, with the organisation whose consent coverage
    decides whether they see a case named. Members are copied from the network
    when the session is scheduled; guests are invited one by one; presenters
    (the worker who asked, and the client's responsible worker) join when their
    case is placed on the agenda (consultations.actions.presenters).

    `session_period` and `session_cancelled` are the session's, kept by triggers
    (this table's on every write, the session's when it moves or is cancelled),
    never by Python: they let the database refuse anyone taking part in two
    sessions, not cancelled, at overlapping times.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="session_participations",
        verbose_name=_("osallistuja"),
    )
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    kind = models.CharField(_("osallistuu"), max_length=16, choices=ParticipantKind.choices)
    expertise = models.CharField(_("osaaminen"), max_length=200, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    # The session's SEQUENCE at the last invitation (METHOD:REQUEST) e-mailed to them on
    # this participation (invitations.send_invitations): a REQUEST to someone sent one
    # before is headed as an updated invitation, their first one is not.
    request_sent_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    session_period = DateTimeRangeField(editable=False, blank=True)
    session_cancelled = models.BooleanField(default=False, editable=False)

    objects = SessionParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("istunnon osallistuja")
        verbose_name_plural = _("istunnon osallistujat")
        ordering = [
            in_name_order("organisation__"),
            Alphabetical("user__last_name"),
            Alphabetical("user__first_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(removed_at__isnull=True),
                name="session_participant_once",
            ),
            # Nobody takes part in two sessions at once: the coordinator and the chair are
            # participants of their own session, so this holds them too (cancelled
            # sessions and removed participants do not count).
            ExclusionConstraint(
                name=PARTICIPANT_NOT_DOUBLE_BOOKED,
                expressions=[
                    (_point("user_id"), RangeOperators.OVERLAPS),
                    (F("session_period"), RangeOperators.OVERLAPS),
                ],
                condition=Q(removed_at__isnull=True, session_cancelled=False),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="participant_session_times",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=(
                    "SELECT tstzrange(s.starts_at, s.ends_at), s.cancelled_at IS NOT NULL "
                    "INTO NEW.session_period, NEW.session_cancelled "
                    "FROM consultations_session s WHERE s.id = NEW.session_id; RETURN NEW;"
                ),
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "session"],
                condition=Q(removed_at__isnull=True),
                name="participant_current_by_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.organisation})"


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Tavallinen")
    SOON = "soon", _("Pian (kuukauden sisällä)")
    URGENT = "urgent", _("Kiireellinen (kahden viikon sisällä)")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Pyydetty")
    TRIAGED = "triaged", _("Otettu käsittelyyn, odottaa istuntoa")
    SCHEDULED = "scheduled", _("Esityslistalla")
    DISCUSSED = "discussed", _("Käsitelty istunnossa")
    CLOSED = "closed", _("Päättynyt")
    DECLINED = "declined", _("Ei oteta käsittelyyn")
    # The one who asked (or the client's responsible worker) took it back before it was
    # discussed: it never reaches a network (actions.withdraw_request).
    WITHDRAWN = "withdrawn", _("Pyyntö peruttu")


OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.TRIAGED)
NEEDS_NETWORK = ("triaged", "scheduled", "discussed", "closed")


@pghistory.track()
class ConsultationRequest(models.Model):
    """A client's situation brought to a network by the responsible worker.

    `question` and `pseudonymous_summary` are what every participant may see;
    they are checked to contain none of the client's names or identity code.
    `background` and `tried_so_far` show only to participants whose
    organisation the client's consent covers. `reference` (e.g. K-2026-014) is
    the pseudonymous name of the case in invitations and calendars.
    """

    reference = models.CharField(_("tunnus"), max_length=16, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="consultation_requests"
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vastuutyöntekijä"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pyytäjä"),
    )
    question = models.TextField(
        _("kysymys verkostolle"),
        help_text=_("Mihin haet verkostolta apua? Näkyy kaikille osallistujille: ei nimiä."),
    )
    background = models.TextField(
        _("taustatiedot"),
        help_text=_("Näkyy vain osallistujille, joiden organisaation asiakkaan suostumus kattaa."),
    )
    tried_so_far = models.TextField(_("mitä on jo kokeiltu"))
    pseudonymous_summary = models.TextField(
        _("tiivistelmä ilman tunnistetietoja"),
        help_text=_(
            "Näkyy osallistujille, joita suostumus ei kata. Älä kirjoita nimiä, "
            "henkilötunnusta, syntymäaikaa tai muuta, mistä asiakkaan voi tunnistaa."
        ),
    )
    includes_health_data = models.BooleanField(
        _("taustatiedoissa on terveystietoja"),
        default=False,
        help_text=_(
            "Silloin tiedot näkyvät nimellä vain, jos suostumus kattaa myös terveystiedot."
        ),
    )
    urgency = models.CharField(
        _("kiireellisyys"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    preferred_network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("toivottu verkosto"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("verkosto"),
    )
    status = models.CharField(
        _("tila"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    triage_note = models.TextField(_("koordinaattorin huomio"), blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("syy"), blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(_("perumisen syy"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("pyydetty"), default=timezone.now)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("konsultaatiopyyntö")
        verbose_name_plural = _("konsultaatiopyynnöt")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="request_status_created"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="request_number_per_year"),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined")
                | (Q(declined_at__isnull=False) & ~Q(decline_reason="")),
                name="request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdraw_reason="")
                ),
                name="request_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=NEEDS_NETWORK) | Q(network__isnull=False),
                name="request_triaged_has_network",
            ),
            models.CheckConstraint(
                condition=~Q(question="") & ~Q(pseudonymous_summary=""),
                name="request_has_question_and_summary",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tapaus %(reference)s") % {"reference": self.reference})

    @property
    def case_label(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@pghistory.track()
class AgendaItem(models.Model):
    """A request on a session's agenda, with its time slot and, afterwards, its minutes."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="agenda")
    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.PROTECT, related_name="agenda_items"
    )
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    minutes = models.TextField(_("muistio"), blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("esityslistan kohta")
        verbose_name_plural = _("esityslista")
        ordering = ["starts_at", "pk"]
        constraints = [
            # A request is discussed on one session only.
            models.UniqueConstraint(fields=["request"], name=REQUEST_ON_ONE_SESSION),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="agenda_item_ends_after_start"
            ),
            ExclusionConstraint(
                name=SLOTS_NOT_OVERLAPPING,
                expressions=[
                    (_point("session_id"), RangeOperators.OVERLAPS),
                    (_period("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.request}"


@pghistory.track()
class Recommendation(models.Model):
    """What the network recommends; a task of the responsible worker with a due date."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("suositus"))
    due_date = models.DateField(_("seurantapäivä"))
    task = models.OneToOneField(
        "notifications.Task", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("suositus")
        verbose_name_plural = _("suositukset")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


@pghistory.track()
class WorkPairOffer(models.Model):
    """A coordinator's offer, from a consultation, to co-work the case as work pair.

    The offer is a pending care-team membership (no access until accepted);
    the responsible worker accepts (the membership starts) or declines (it
    ends). Responsibility stays with the responsible worker either way.
    """

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.PROTECT, related_name="work_pair_offers"
    )
    membership = models.OneToOneField(
        "clients.CareTeamMembership", on_delete=models.PROTECT, related_name="+"
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    accepted = models.BooleanField(null=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.OneToOneField(
        "notifications.Task", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("työparitarjous")
        verbose_name_plural = _("työparitarjoukset")
        ordering = ["-offered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted__isnull=True, decided_at__isnull=True, decided_by__isnull=True)
                | Q(accepted__isnull=False, decided_at__isnull=False, decided_by__isnull=False),
                name="work_pair_offer_decided_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offered_by.get_full_name()}: {self.request}"

    @property
    def is_pending(self) -> bool:
        return self.accepted is None


class CalendarFeedToken(models.Model):
    """A user's private calendar feed address. Only the token's hash is stored: the
    address is shown once, when made; a new one revokes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("kalenterisyöte")
        verbose_name_plural = _("kalenterisyötteet")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
