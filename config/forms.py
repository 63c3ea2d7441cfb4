"""Form rendering in Helsinki Design System markup, shared by every app's forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from config.dates import validate_in_range

NOT_A_DATE = _("Tarkista päivämäärä: ”%(value)s” ei ole päivämäärä. Anna se muodossa p.k.vvvv.")
# A longer text is cut in the message (it is no date whatever it is).
QUOTED_MAX_LENGTH = 40

# The empty choice of every select: a form's own choices (`with_blank_choice`), and a model's
# choices and objects, for which accounts' ready() makes it Django's BLANK_CHOICE_LABEL.
BLANK_CHOICE_LABEL = _("- Valitse -")

TEXT_INPUT_CLASS = "hds-text-input__input"
CHOICE_INPUT_CLASS = "hds-checkbox__input"


class PolkuFormRenderer(TemplatesSetting):
    """Renders every form field with templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        # A form that marks a field with the asterisk says once, above its fields, what the
        # asterisk means (WCAG 3.3.2; screen readers hear `required` on the input instead).
        if template_name == self.form_template_name and "form" in context:
            context["marks_required"] = any(
                # As forms/field.html marks them: Polku's bound fields, and no single checkbox.
                getattr(field, "shown_required", False) and field.widget_type != "checkbox"
                for field in context["form"].visible_fields()
            )
        return super().render(template_name, context, request)


def show_required(field: forms.Field) -> None:
    """Shows `field` as required, as a required field is shown (the label's asterisk, the
    input's `required`), while the form itself lets it be empty: what follows the form (an
    action's rules) demands it and refuses it empty with its own message, next to the field.
    The form's `novalidate` keeps the browser from refusing it first."""
    field.shown_required = True


class PolkuBoundField(BoundField):
    """Adds the HDS input class; Django already links help text and errors with aria-describedby."""

    @property
    def shown_required(self) -> bool:
        """Whether the field is shown as required: the form requires it or `show_required`."""
        return self.field.required or getattr(self.field, "shown_required", False)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if (
            getattr(self.field, "shown_required", False)
            and widget.use_required_attribute(self.initial)
            and self.form.use_required_attribute
        ):
            attrs["required"] = True
        if isinstance(widget, forms.CheckboxInput):
            css = CHOICE_INPUT_CLASS
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = ""
        else:
            css = TEXT_INPUT_CLASS
        if css:
            attrs["class"] = f"{css} {attrs.get('class', '')}".strip()
        return attrs


def accept_polku_dates(form: forms.BaseForm) -> None:
    """Every date and date-time field of the form takes only the dates Polku accepts
    (config.dates), with the error next to the field."""
    for field in form.fields.values():
        is_date = isinstance(field, forms.DateField | forms.DateTimeField)
        if is_date and validate_in_range not in field.validators:
            field.validators.append(validate_in_range)


def quote_refused_dates(form: forms.BaseForm) -> None:
    """A date field's "not a date" error quotes what was typed: the browser's date input
    shows such a value as an empty field, and the user would not see what was wrong."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.DateField) or name not in form.errors:
            continue
        raw = form[name].data
        if not isinstance(raw, str) or not raw.strip():
            continue
        quoted = raw.strip()
        if len(quoted) > QUOTED_MAX_LENGTH:
            quoted = quoted[: QUOTED_MAX_LENGTH - 1] + "…"
        errors = form.errors[name]
        for i, error in enumerate(errors.data):
            if error.code == "invalid":
                errors.data[i] = ValidationError(
                    NOT_A_DATE, code="invalid", params={"value": quoted}
                )


# A free text (a case note, a consultation's minutes) holds at most about eight printed
# pages; a longer text is a document of its own, and the limit keeps a pasted file or a
# runaway script from filling a client's record.
FREE_TEXT_MAX_LENGTH = 20_000


def bound_free_text(form: forms.BaseForm) -> None:
    """Every text field of the form without a length of its own takes at most
    FREE_TEXT_MAX_LENGTH characters, with Django's translated message next to the field.
    No `maxlength` for the browser: it would cut a pasted text short without a word,
    where the message keeps the whole text in the form to shorten."""
    for field in form.fields.values():
        if type(field) is forms.CharField and field.max_length is None:
            field.max_length = FREE_TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(FREE_TEXT_MAX_LENGTH))


def add_action_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Shows an action's refusal on the form: each message of a field the form has next to
    that field, the rest (and a refusal without fields) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def with_blank_choice(choices) -> list:
    """`choices` after the empty choice every select of Polku begins with."""
    return [("", BLANK_CHOICE_LABEL), *choices]


class PolkuForm(forms.Form):
    bound_field_class = PolkuBoundField

    def full_clean(self):
        # Here rather than in __init__: a field a subclass adds in its own __init__ counts too.
        accept_polku_dates(self)
        bound_free_text(self)
        super().full_clean()
        quote_refused_dates(self)


class PolkuModelForm(forms.ModelForm):
    bound_field_class = PolkuBoundField

    def full_clean(self):
        accept_polku_dates(self)
        bound_free_text(self)
        super().full_clean()
        quote_refused_dates(self)


class LanguageRadioSelect(forms.RadioSelect):
    """Choices that name languages in their own language ("svenska", "English"): each label
    is marked with its language, so a screen reader pronounces it right (WCAG 3.1.2)."""

    option_template_name = "forms/widgets/language_option.html"


class DateInput(forms.DateInput):
    """The browser's date input. It shows only an ISO value (2026-12-05) and shows any other
    as an empty field: a day typed as 5.12.2026 (in an address, a filter's link) is given
    back as ISO, and what is no day at all is quoted in the error beside the field
    (`quote_refused_dates`)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            day = _parse_date(value)
            if day is not None:
                return day.strftime("%Y-%m-%d")
        return super().format_value(value)


def _parse_date(text: str) -> datetime.date | None:
    """The day in `text` in any of the active language's input formats (as a DateField
    reads it), or None."""
    text = text.strip()
    for date_format in get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except (ValueError, TypeError):
            continue
    return None


# The admin's date widget adds "Today" and calendar links whose accessible name Django 6.1
# has in English only ("Today (%(date)s)" is untranslated in fi and sv), so the name does
# not contain the visible label (WCAG 2.5.3). The browser's own date input has neither
# problem and is what Polku's own forms use. The admin's dates are Polku's dates too.
ADMIN_DATE_INPUT = {models.DateField: {"widget": DateInput, "validators": [validate_in_range]}}
