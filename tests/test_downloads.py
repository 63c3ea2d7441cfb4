"""Download file names (config.downloads.file_name) in the reader's language: the label
lower-cased with hyphens, ä/ö/å kept, dates as yyyymmdd."""

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from config.downloads import file_name


def test_a_label_dates_and_numbers_make_the_name():
    name = file_name("Palvelupolun yhteenveto", datetime.date(2026, 1, 2), 17, extension="pdf")
    assert name == "palvelupolun-yhteenveto-20260102-17.pdf"


def test_letters_of_finnish_and_swedish_are_kept():
    assert file_name("Työkyvyn tuki", extension="csv") == "työkyvyn-tuki.csv"
    with translation.override("sv"):
        assert file_name(_("Palvelupolun yhteenveto"), extension="pdf") == (
            "sammanfattning-av-servicestigen.pdf"
        )
