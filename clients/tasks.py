from celery import shared_task

from clients import actions


@shared_task(name="clients.end_lapsed_memberships_task", acks_late=True, time_limit=300)
def end_lapsed_memberships_task() -> int:
    """Ends care-team memberships past their `valid_until`; one statement, safe to repeat."""
    return actions.end_lapsed_memberships()
