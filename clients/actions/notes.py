"""Case notes, their amendments and the edit window."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access
from clients.models import NOTE_EDIT_WINDOW_TRIGGER, NOTE_SUBMITTED_ONCE, CaseNote, Client


def add_note(
    *,
    client: Client,
    author,
    amends: CaseNote | None = None,
    submission_token: uuid.UUID | None = None,
    **fields,
) -> CaseNote:
    """Writes a case note; `amends` links an amendment to an older note of the same client.

    An amendment of a health-related note is health-related too: it adds to what only the
    health-note readers may read (PERMISSIONS.md), whatever the form said. The amended note
    is locked and its flag read under the lock, so an edit marking it health-related at the
    same time (edit_note) is either seen here or sees this amendment.

    `submission_token` is the one-time token of the form the note was written on
    (NewCaseNoteForm). The same author sending the same token again for the client (a
    double click on save) gets the note the first send wrote, as it was written: nothing
    is created, changed or logged again. A repeat saying something else (the form sent
    again from the back button after changing it) is refused (code "sent_already_changed")
    rather than dropped in silence or written twice: the user decides. The
    first send's access-log row records the writing; the repeat adds no processing of the
    client's data to log, and the page the user is sent to logs its own read. A repeat at
    the same moment waits on the unique index (NOTE_SUBMITTED_ONCE) for the first to
    commit and then finds its note. The token on another author's note (only a forged
    form sends that) is refused with ValidationError, nothing saved. Without a token every
    call writes a note.
    """
    if amends is not None and amends.client_id != client.pk:
        raise ValidationError(_("Täydennettävä kirjaus on toisen asiakkaan."))
    if submission_token is not None:
        sent = _sent_already(client, author, submission_token, fields)
        if sent is not None:
            return sent
    try:
        with transaction.atomic(), history_context(author, "clients.note.added"):
            if amends is not None:
                amends = CaseNote.objects.select_for_update().get(pk=amends.pk)
                if amends.health_related:
                    fields["health_related"] = True
            note = CaseNote.objects.create(
                client=client,
                author=author,
                amends=amends,
                submission_token=submission_token,
                **fields,
            )
            log_client_access(author, client, "clients.note.added", note)
    except IntegrityError as error:
        # The same form sent at the same moment: the first send committed its note.
        if NOTE_SUBMITTED_ONCE not in str(error):
            raise
        sent = _sent_already(client, author, submission_token, fields)
        if sent is None:
            raise
        return sent
    return note


def _sent_already(
    client: Client, author, submission_token: uuid.UUID, fields: dict
) -> CaseNote | None:
    """The note the same form wrote already, or None. ValidationError when another author's
    note carries the token, or when the note says something else than `fields` now do: the
    health-related flag too, so that a note sent again marked health-related is never
    answered as saved while the whole team still reads it."""
    note = CaseNote.objects.filter(client=client, submission_token=submission_token).first()
    if note is None:
        return None
    if note.author_id != author.pk:
        raise ValidationError(_("Lomake on jo lähetetty. Avaa uusi lomake ja kirjoita uudelleen."))
    if any(getattr(note, name) != value for name, value in fields.items()):
        raise ValidationError(
            _(
                "Tämä lomake on jo tallennettu kirjaukseksi, eikä muutoksiasi tallennettu. "
                "Jos haluat tallentaa ne uutena kirjauksena, tallenna lomake uudelleen. Voit "
                "myös muokata jo tallennettua kirjausta 24 tunnin ajan."
            ),
            code="sent_already_changed",
        )
    return note


def edit_note(*, note: CaseNote, edited_by, **fields) -> CaseNote:
    """Its author edits a note within 24 hours of writing it; later it is only amended by a new note.

    The health-related flag stays consistent along the chain of amendments: an amendment of
    a health-related note stays health-related, and marking a note health-related marks its
    amendments (and theirs) too, each change logged on the amendment. Clearing the flag
    leaves the amendments as they are: they may hold health information of their own.
    """
    if note.author_id != edited_by.pk:
        raise ValidationError(_("Vain kirjauksen tekijä voi muokata sitä."))
    if not note.edit_window_open:
        raise ValidationError(
            _("Kirjausta voi muokata 24 tunnin ajan. Tee nyt täydentävä kirjaus.")
        )
    try:
        return _edit_note(note, edited_by, fields)
    except IntegrityError as error:
        # The window closed between the check above and the database's own (trigger
        # case_note_edit_window, on the transaction's start time).
        if NOTE_EDIT_WINDOW_TRIGGER not in str(error):
            raise
        raise ValidationError(
            _("Kirjausta voi muokata 24 tunnin ajan. Tee nyt täydentävä kirjaus.")
        ) from None


def _edit_note(note: CaseNote, edited_by, fields: dict) -> CaseNote:
    with transaction.atomic(), history_context(edited_by, "clients.note.edited"):
        locked = CaseNote.objects.select_for_update().get(pk=note.pk)
        was_health_related = locked.health_related
        for name, value in fields.items():
            setattr(locked, name, value)
        # Read after the lock, not joined to it: a flag the amended note got meanwhile counts.
        if (
            locked.amends_id is not None
            and CaseNote.objects.filter(pk=locked.amends_id, health_related=True).exists()
        ):
            locked.health_related = True
        locked.save()
        log_client_access(edited_by, note.client, "clients.note.edited", locked)
        if locked.health_related and not was_health_related:
            for amendment in _amendments_not_health_related(locked):
                amendment.health_related = True
                amendment.save(update_fields=["health_related"])
                log_client_access(
                    edited_by,
                    note.client,
                    "clients.note.edited",
                    amendment,
                    detail=f"health_related (amends {amendment.amends_id})",
                )
    return locked


def _amendments_not_health_related(note: CaseNote) -> list[CaseNote]:
    """The amendments of `note`, of those amendments and so on, that are not yet marked
    health-related; locked. One query per level of amendment."""
    found: list[CaseNote] = []
    level = [note.pk]
    while level:
        amendments = list(
            CaseNote.objects.select_for_update().filter(amends__in=level).order_by("pk")
        )
        found += [a for a in amendments if not a.health_related]
        level = [a.pk for a in amendments]
    return found
