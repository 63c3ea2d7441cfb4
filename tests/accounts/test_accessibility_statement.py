"""The accessibility statement says what the law (306/2019) asks of it: the compliance status,
what is not accessible, how the statement was made, where to send feedback, and the
supervisory authority with its contact details, in each language."""

import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.parametrize(
    ("language", "status", "authority"),
    [
        (
            "fi",
            "täyttää WCAG 2.1 -ohjeiston A- ja AA-tason saavutettavuusvaatimukset osittain",
            "Traficom",
        ),
        ("sv", "uppfyller delvis kraven", "Traficom"),
        ("en", "partially meets", "Traficom"),
    ],
)
def test_the_statement_says_the_status_the_gaps_and_whom_to_contact(
    client, language, status, authority
):
    client.cookies["django_language"] = language
    page = client.get(reverse("accessibility_statement")).content.decode()
    assert status in page
    assert "PDF/UA" in page  # the printed documents' known gap
    assert authority in page and "saavutettavuus@traficom.fi" in page and "29 534 5000" in page
    assert "7.12.2026" in page


@override_settings(POLKU_ACCESSIBILITY_FEEDBACK="saavutettavuus@hyvinvointialue.example")
def test_the_deployments_feedback_contact_is_shown(client):
    page = client.get(reverse("accessibility_statement")).content.decode()
    assert "Saavutettavuuspalaute: saavutettavuus@hyvinvointialue.example" in page


def test_without_a_contact_the_statement_points_to_the_administrator(client):
    page = client.get(reverse("accessibility_statement")).content.decode()
    assert "Saavutettavuuspalaute: organisaatiosi Polku-pääkäyttäjä." in page
