"""File names of what Polku hands over (PDFs, CSV files, calendars) in the reader's language."""

import datetime

from django.utils.text import slugify


def file_name(label, *parts, extension: str) -> str:
    """The label, already in the reader's language, lower-cased with hyphens (ä, ö and å
    kept), then each part: a date as yyyymmdd so that the files sort by date, anything
    else as text. file_name("Lokiraportti", date(2026, 1, 1), extension="csv") is
    "lokiraportti-20260101.csv"."""
    words = [slugify(str(label), allow_unicode=True)]
    for part in parts:
        if isinstance(part, datetime.date):
            words.append(f"{part:%Y%m%d}")
        else:
            words.append(slugify(str(part), allow_unicode=True))
    return f"{'-'.join(words)}.{extension}"
