import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.factories import TaskFactory
from notifications.panels import open_tasks_panel_context

pytestmark = pytest.mark.django_db


def test_the_panel_lists_at_most_ten_open_tasks_earliest_first(rf, worker, colleague):
    TaskFactory.create_batch(11, assignee=worker)
    first = TaskFactory(assignee=worker, overdue=True, title="Kiireellisin", link="/clients/x/")
    TaskFactory(assignee=worker, done=True)
    TaskFactory(assignee=colleague)
    request = rf.get("/")
    request.user = worker
    context = open_tasks_panel_context(request)
    assert len(context["tasks"]) == 10
    assert context["tasks"][0]["task"] == first
    assert context["tasks"][0]["overdue"] is True
    assert (context["open_count"], context["more"]) == (12, 2)

    html = render_to_string("notifications/panels/open_tasks.html", {"panel": context})
    assert '<a href="/clients/x/">Kiireellisin</a>' in html
    assert "Myöhässä" in html
    assert "Lisäksi 2 muuta tehtävää." in html
    assert f'href="{reverse("notifications:inbox")}"' in html


def test_the_panel_lists_a_task_without_a_due_date_before_those_due_later(rf, worker):
    """An undated task needs attention now (the bell counts it): it is not pushed off the
    panel by eleven tasks due next week."""
    TaskFactory.create_batch(11, assignee=worker)
    undated = TaskFactory(assignee=worker, due_date=None, title="Ilman määräpäivää")
    overdue = TaskFactory(assignee=worker, overdue=True)
    request = rf.get("/")
    request.user = worker
    context = open_tasks_panel_context(request)
    assert [row["task"] for row in context["tasks"][:2]] == [overdue, undated]


@pytest.mark.parametrize("size", [3, 30])
def test_the_panel_is_one_query_at_any_size(rf, worker, size, django_assert_num_queries):
    TaskFactory.create_batch(size, assignee=worker)
    TaskFactory.create_batch(
        size,
        assignee=worker,
        overdue=True,
        title_msgid="Suunnitelman tarkistus lähestyy: {client}",
        title_params={"client": "Kaija Koivisto"},
    )
    request = rf.get("/")
    request.user = worker
    with django_assert_num_queries(1):
        context = open_tasks_panel_context(request)
        html = render_to_string("notifications/panels/open_tasks.html", {"panel": context})
    assert context["open_count"] == 2 * size
    assert "Suunnitelman tarkistus lähestyy: Kaija Koivisto" in html


def test_an_empty_panel_says_so(rf, worker):
    request = rf.get("/")
    request.user = worker
    html = render_to_string(
        "notifications/panels/open_tasks.html", {"panel": open_tasks_panel_context(request)}
    )
    assert "Sinulla ei ole avoimia tehtäviä." in html
