"""Who may do what in consultations (PERMISSIONS.md), as `rules` predicates.

- Ask for a consultation: the client's responsible worker, or a team member
  on their behalf (any current care-team member).
- Run networks, sessions, agendas and minutes: a coordinator, for the
  networks of their own organisation and the networks they are a member of
  (querysets.NetworkQuerySet.run_by); a new network is convened by the
  organisation of the coordinator's active role (actions.create_network).
- See a session and its cases: its participants (the workers who present its
  cases among them, consultations.actions.presenters) and the coordinators who run
  its network, acting in a role that works with clients (not as admin or dpo,
  and not with every role ended), as `Session.objects.for_user` lists them;
  whether a case shows named is decided per viewer at view time
  (consultations.case_view): only to those who take part in the session
  (participant, its coordinator or chair) acting in the organisation they take
  part for, where consent covers it. A coordinator who runs the network but
  takes no part in the session sees its agenda and cases pseudonymously.
- Accept or decline a work-pair offer: the responsible worker only.
- Withdraw a request: the one who asked it, while on the client's care team, and the
  client's responsible worker (those who ask, PERMISSIONS.md); whether it may still
  be withdrawn is the action's rule (actions.requests.withdrawal_refused).
- Read a request's background and what has been tried when the worker marked the
  background as containing health data: only a role that reads health-related case
  notes (accounts.roles.HEALTH_NOTE_READERS; for the care team that is
  clients.read_health_notes), wherever the request shows (its page, the triage and the
  case at a session, named through consent too, as joining a team discloses health data
  only to those roles). Everyone else sees the question and the pseudonymous summary,
  and a notice that the background is withheld.
"""

import rules

from accounts.rules import is_coordinator, works_with_clients
from clients.rules import is_responsible_worker, on_team, reads_health_notes


@rules.predicate
def runs_network(user, network) -> bool:
    from consultations.models import Network

    if network is None:
        return False
    cache = network.__dict__.setdefault("_run_by", {})
    if user.pk not in cache:
        cache[user.pk] = Network.objects.run_by(user).filter(pk=network.pk).exists()
    return cache[user.pk]


@rules.predicate
def runs_session(user, session) -> bool:
    return session is not None and runs_network(user, session.network)


@rules.predicate
def takes_part(user, session) -> bool:
    if session is None or not user.is_authenticated:
        return False
    cache = session.__dict__.setdefault("_takes_part", {})
    if user.pk not in cache:
        cache[user.pk] = session.participants.seeing().filter(user=user).exists()
    return cache[user.pk]


@rules.predicate
def brings_the_request(user, request) -> bool:
    """The one who asked (still on the client's team) or the client's responsible worker."""
    if request is None or not user.is_authenticated:
        return False
    client = request.client
    if request.asked_by_id == user.pk and on_team(user, client):
        return True
    return is_responsible_worker(user, client)


@rules.predicate
def includes_health_data(user, request) -> bool:
    return request is not None and request.includes_health_data


rules.add_perm("consultations.use_consultations", works_with_clients)
rules.add_perm("consultations.ask_for_consultation", on_team)
rules.add_perm("consultations.view_requests", on_team)
# Whoever sees the request's details (the team on its page; a participant seeing the case
# named) reads its background only where health data in it is theirs to read.
rules.add_perm("consultations.read_background", ~includes_health_data | reads_health_notes)
rules.add_perm("consultations.answer_work_pair_offer", is_responsible_worker)
rules.add_perm("consultations.withdraw_request", brings_the_request)
rules.add_perm("consultations.run_networks", is_coordinator)
rules.add_perm("consultations.run_network", is_coordinator & runs_network)
rules.add_perm("consultations.run_session", is_coordinator & runs_session)
# A participant who switched to an admin or dpo role, or whose roles have all ended, no
# longer sees the session: the same sessions as Session.objects.for_user.
rules.add_perm("consultations.view_session", works_with_clients & (runs_session | takes_part))
