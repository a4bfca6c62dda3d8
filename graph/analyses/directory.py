"""Who is who across the whole book: the people list filtered across accounts, and our reps with
their accounts. These are the shapes the stores return and the rules they filter by (defined once here;
both stores and the API use them).

- A person's engagement state is `engagement_state` of graph/analyses/engagement.py, from their last
  touch up to `as_of`.
- A person's key-person rank is the best (smallest) rank they hold in any account's kept result
  (`buyergraph refresh`); a person who is nobody's key person has none and never passes `max_rank`.
- A person's buying roles are the roles they hold on any deal's committee.
- A rep's accounts are the accounts of the deals they own and the current accounts of the people
  they touched.

>>> PeopleFilter(as_of=date(2025, 1, 1), seniorities=["c_level"]).engaged_from
datetime.date(2024, 10, 3)
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from graph.analyses.rules import EngagementState, engaged_since
from graph.errors import InvalidInputError
from graph.model import BuyingRole, Company, Function, Person, Rep, Seniority

__all__ = [
    "PEOPLE_SORTS",
    "PeopleFilter",
    "PersonListing",
    "RepAccount",
    "RepListing",
    "check_people_filter",
]

#: What the people list may be sorted by (a leading '-' in the API: descending).
PEOPLE_SORTS = ("name", "rank", "last_touch")


class PeopleFilter(BaseModel):
    """Filters and order of the people list across every account (each filter optional; several
    values of one filter match any of them)."""

    roles: list[BuyingRole] = []
    #: A person without a seniority counts as `unknown`.
    seniorities: list[Seniority] = []
    functions: list[Function] = []
    engagement: list[EngagementState] = []
    #: Only people whose best kept key-person rank is at most this.
    max_rank: int | None = Field(default=None, ge=1)
    #: Only people who work or worked at this account.
    account_id: str | None = None
    #: Matches name, e-mail, title or id, ignoring case and accents (graph/search.py).
    search: str | None = None
    #: The day engagement is judged on, and the window of the engagement rule.
    as_of: date
    engaged_days: int = Field(default=90, ge=1)
    sort: str = "name"
    descending: bool = False

    @property
    def engaged_from(self) -> date:
        return engaged_since(self.as_of, self.engaged_days)


def check_people_filter(query: PeopleFilter) -> None:
    """Refuse sort keys outside the allow-list (the vocabularies are checked by the model)."""
    if query.sort not in PEOPLE_SORTS:
        raise InvalidInputError(f"people sort by one of {', '.join(PEOPLE_SORTS)}, not {query.sort!r}")
    states = [state.value for state in EngagementState]
    for state in query.engagement:
        if state not in states:
            raise InvalidInputError(f"engagement must be one of {', '.join(states)}")


class PersonListing(BaseModel):
    """One row of the people list: the person and what the filters looked at."""

    person: Person
    roles: list[BuyingRole] = []
    last_touch: date | None = None
    engagement: EngagementState = EngagementState.NEVER
    #: Best kept key-person rank and the influence score of that rank (None: nobody's key person).
    rank: int | None = None
    influence: float | None = None


class RepListing(BaseModel):
    """One of our reps and how many accounts they work on."""

    rep: Rep
    accounts: int


class RepAccount(BaseModel):
    """One account a rep works on: the deals they own there and their touches with its people."""

    account: Company
    owned_deals: int = 0
    touches: int = 0
    last_touch: date | None = None
