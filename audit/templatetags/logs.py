"""Template filters for what the logs keep: `{{ entry.what|logged }}` shows a logged text in
the reader's language (audit.labels.logged_text), as the log reports do."""

from django import template

from audit.labels import logged_text

register = template.Library()


@register.filter
def logged(text: str) -> str:
    return logged_text(text) if text else text
