"""A number of days, hours or months reads with the word that agrees with it: "1 päivä
viikossa" and "2 päivää viikossa", "1 day", "2 days" (ngettext, `blocktranslate count`). Hours
may be a fraction: every number but exactly 1 takes the plural in Finnish, Swedish and
English ("4,5 tuntia"), which `plural_count` picks, as ngettext takes integers only."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from config.numbers import plural_count
from pathways import step_rules, timeline
from pathways.factories import make_step
from services.factories import ServiceRuleSetFactory
from tests.conftest import login

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "count"),
    [
        *[(1, 1), (Decimal("1.00"), 1), ("1", 1), (2, 2), (Decimal("4.00"), 4), (0, 0)],
        *[(Decimal("4.5"), 2), (Decimal("0.5"), 2), (Decimal("1.25"), 2), (1.5, 2)],
    ],
)
def test_plural_count_is_a_whole_number_itself_and_a_fraction_counts_as_plural(value, count):
    assert plural_count(value) == count


SCHEDULES = {
    "fi": {
        (1, "1"): "1 päivä viikossa, 1 tunti päivässä",
        (2, "4.5"): "2 päivää viikossa, 4,5 tuntia päivässä",
        (1, None): "1 päivä viikossa",
        (None, "1.00"): "1 tunti päivässä",
        (None, "0.5"): "0,5 tuntia päivässä",
    },
    "en": {
        (1, "1"): "1 day a week, 1 hour a day",
        (2, "4.5"): "2 days a week, 4,5 hours a day",
        (1, None): "1 day a week",
        (None, "1.00"): "1 hour a day",
        (None, "0.5"): "0,5 hours a day",
    },
}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_step_page_words_the_schedule_by_its_numbers(
    client, worker, client_of, today, language
):
    login(client, worker)
    client.cookies["django_language"] = language
    for (days, hours), expected in SCHEDULES[language].items():
        step = make_step(
            client_of(),
            "work_coaching",
            created_by=worker,
            start_on=today - 10 * DAY,
            days_per_week=days,
            hours_per_day=Decimal(hours) if hours else None,
        )
        page = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/").content.decode()
        schedule = page[
            page.index("<dd>", page.index("Aikataulu" if language == "fi" else ">Schedule<")) :
        ]
        schedule = schedule[4 : schedule.index("</dd>")]
        assert schedule == expected


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        (
            "fi",
            "Jakso päättyy 1 päivän kuluttua ilman jatkopolkua.",
            "Jakso päättyy 2 päivän kuluttua ilman jatkopolkua.",
        ),
        (
            "en",
            "The period ends in 1 day without a next step.",
            "The period ends in 2 days without a next step.",
        ),
    ],
)
def test_the_ending_warning_counts_its_days(worker, client_of, today, language, one, two):
    for days, expected in ((1, one), (2, two)):
        step = make_step(
            client_of(),
            "work_coaching",
            created_by=worker,
            start_on=today - 10 * DAY,
            planned_end_on=today + days * DAY,
        )
        with translation.override(language):
            assert expected in timeline.step_warnings(step, today)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Jakso päättyy tänään ilman jatkopolkua."),
        ("sv", "Perioden upphör i dag utan nästa steg."),
        ("en", "The period ends today without a next step."),
    ],
)
def test_a_period_ending_today_says_today_not_in_0_days(
    worker, client_of, today, language, expected
):
    step = make_step(
        client_of(),
        "work_coaching",
        created_by=worker,
        start_on=today - 10 * DAY,
        planned_end_on=today,
    )
    with translation.override(language):
        warnings = timeline.step_warnings(step, today)
    assert expected in warnings
    assert not any(" 0 " in warning for warning in warnings)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "fi",
            [
                "Jakso voi kestää kerrallaan enintään 1 kuukauden, eli",
                "Jakso voi kestää kerrallaan enintään 2 kuukautta, eli",
                "Jakson on kestettävä vähintään 1 kuukauden, eli",
                "Jakson on kestettävä vähintään 2 kuukautta, eli",
                "Päivän on kestettävä vähintään 1 tunnin (",
                "Päivän on kestettävä vähintään 4,5 tuntia (",
            ],
        ),
        (
            "en",
            [
                "A period can last at most 1 month at a time",
                "A period can last at most 2 months at a time",
                "The period must last at least 1 month,",
                "The period must last at least 2 months,",
                "A day must last at least 1 hour (",
                "A day must last at least 4,5 hours (",
            ],
        ),
    ],
)
def test_the_rules_messages_count_months_and_hours(worker, client_of, today, language, texts):
    step = make_step(client_of(), "work_coaching", created_by=worker, start_on=today)
    found = []
    for months, hours in ((1, Decimal(1)), (2, Decimal("4.5"))):
        rules = ServiceRuleSetFactory(max_duration_months=months, min_hours_per_day=hours)
        step.planned_end_on, step.hours_per_day = today + 100 * DAY, Decimal("0.25")
        with translation.override(language):
            found += [v.message for v in step_rules.check_step(step, rules, companions=[])]
        rules = ServiceRuleSetFactory(min_duration_months=months)
        step.planned_end_on = today + DAY
        with translation.override(language):
            found += [v.message for v in step_rules.check_step(step, rules, companions=[])]
    text = " | ".join(found)
    for expected in texts:
        assert expected in text, text


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fi", ["enintään 1 kuukausi", "vähintään 1 kuukausi"], ["enintään 2 kuukautta"]),
        ("en", ["at most 1 month", "at least 1 month"], ["at most 2 months"]),
    ],
)
def test_the_rule_set_page_counts_months_and_days(db, language, one, two):
    with translation.override(language):
        shown = [
            render_to_string(
                "services/rule_set.html",
                {"rule_set": ServiceRuleSetFactory(**fields)},
            )
            for fields in (
                {"max_duration_months": 1, "employer_contact_alert_days": 1},
                {"min_duration_months": 1, "employer_contact_alert_days": 2},
                {"max_duration_months": 2},
            )
        ]
    assert all(text in shown[index] for index, text in enumerate(one))
    assert two[0] in shown[2]
    alert = {"fi": ("1 päivässä", "2 päivässä"), "en": ("within 1 day<", "within 2 days<")}
    assert alert[language][0] in " ".join(shown[0].split())
    assert alert[language][1] in " ".join(shown[1].split())


def test_a_review_due_today_says_today(worker, client_of, today):
    step = make_step(
        client_of(),
        "work_coaching",
        created_by=worker,
        start_on=today - 10 * DAY,
        review_due=today,
    )
    with translation.override("fi"):
        warnings = timeline.step_warnings(step, today)
    assert f"Arviointi tänään {today:%-d.%-m.%Y}." in warnings
    assert not any("0 päivän" in warning for warning in warnings)
