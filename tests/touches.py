"""Raw touches of an account, for tests: accounts carry daily aggregates only, so tests that check
what a store kept of each touch read them through the person page's store method."""

from __future__ import annotations

from operator import attrgetter

from graph.model import Touch
from graph.stores.base import GraphStore


def account_touches(store: GraphStore, company_id: str) -> list[Touch]:
    """Every touch with a person of the account, in id order."""
    found: dict[str, Touch] = {}
    for person in store.account_graph(company_id).people:
        for touch in store.person_touches(person.id):
            found[touch.id] = touch
    return sorted(found.values(), key=attrgetter("id"))
