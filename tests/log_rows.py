"""The access-log rows a test's requests wrote: for tests asserting exactly which reads and
changes a page logs."""

from audit.models import AccessLogEntry


def last_log_id() -> int:
    """The id of the latest access-log row (0 for none): the mark to read new rows from."""
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def log_rows_since(client_, since: int) -> list[tuple[str, int]]:
    """(action, actor id) of the client's access-log rows after the mark `since`, in order."""
    return list(
        AccessLogEntry.objects.filter(client_id=client_.uuid, pk__gt=since)
        .order_by("pk")
        .values_list("action", "actor_id")
    )


def followed(browser, url, expected_chain):
    """The page at `url` followed as the browser does, its redirects `expected_chain`."""
    response = browser.get(url, follow=True)
    assert response.status_code == 200
    assert [location for location, _ in response.redirect_chain] == expected_chain
    return response
