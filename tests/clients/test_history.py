"""Change history by pghistory triggers, with the acting user as context."""

from clients.models import Client
from tests.conftest import login


def test_a_change_through_the_page_is_in_the_history_with_the_acting_user(client, team):
    target = team["client"]
    login(client, team["worker"])
    response = client.post(
        f"/clients/{target.uuid}/edit/",
        {
            "first_names": target.first_names,
            "last_name": "Uusinimi",
            "language": "fi",
            "relationship_home": "social_services",
            "phone": "040 7654321",
        },
    )
    assert response.status_code == 302
    events = Client.pgh_event_model.objects.filter(pgh_obj=target).order_by("pgh_id")
    last = events.last()
    assert last.last_name == "Uusinimi"
    assert last.pgh_context.metadata["user"] == team["worker"].pk
    assert "identity_code_encrypted" not in {f.name for f in Client.pgh_event_model._meta.fields}
