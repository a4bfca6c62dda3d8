"""A deal's stage on a day, and how long it had been in it, from its stage history (`Deal.stage_history`).

One rule, kept here: the stage a deal was in on day D is the last stage it entered on or before D; a
repeated stage (Salesforce writes an OpportunityHistory row for every change of amount or close date
too; stage names compare without case) continues the stay, so the stay began where that run of the
same stage began. A closed deal seen
on or after its close date is seen in the last open stage before the closing one (its days in stage
run to its close date), because that is the stage the deal was in while it was still open.

>>> from graph.model import Deal
>>> d = Deal(id="d", company_id="c", stage="Closed Won", status="won", closed_at=date(2025, 3, 1),
...     stage_history="2025-01-01 Prospecting; 2025-01-10 Negotiation; 2025-01-20 Negotiation; "
...     "2025-03-01 Closed Won")
>>> stage_on(d, date(2025, 1, 15))
StageEntry(stage='Negotiation', entered_on=datetime.date(2025, 1, 10))
>>> days_in_stage(d, date(2025, 1, 15)), days_in_stage(d, date(2025, 6, 1))
(5, 50)
>>> days_in_stage(d, date(2024, 12, 1)) is None
True
"""

from __future__ import annotations

from datetime import date

from graph.model import Deal, DealStatus, StageEntry

__all__ = ["days_in_stage", "stage_on"]

_CLOSED = (DealStatus.WON, DealStatus.LOST)


def _stays(entries: list[StageEntry]) -> list[StageEntry]:
    """The entries with repeats of the same stage folded into the first of each run."""
    stays: list[StageEntry] = []
    for entry in entries:
        if not stays or stays[-1].stage.casefold() != entry.stage.casefold():
            stays.append(entry)
    return stays


def _seen(deal: Deal, day: date) -> tuple[list[StageEntry], date]:
    """The stays up to `day` and the day the stay is measured to (the close date of a closed deal)."""
    entries = [e for e in deal.stage_history or () if e.entered_on <= day]
    stays = _stays(entries)
    if deal.status in _CLOSED and deal.closed_at is not None and day >= deal.closed_at:
        day = deal.closed_at
        if stays and (
            stays[-1].stage.casefold() == (deal.stage or "").casefold()
            or (deal.stage is None and stays[-1].entered_on == deal.closed_at)
        ):
            stays = stays[:-1]  # the closing stage; without an open stage before it, nothing to measure
    return stays, day


def stage_on(deal: Deal, day: date) -> StageEntry | None:
    """The stage the deal was in on `day` and the day it entered it (None without history then)."""
    stays, _ = _seen(deal, day)
    return stays[-1] if stays else None


def days_in_stage(deal: Deal, as_of: date) -> int | None:
    """Days the deal had been in its stage on `as_of` (for a closed deal on or after its close date:
    in its last open stage, up to the close date); None when the history does not say."""
    stays, day = _seen(deal, as_of)
    if not stays:
        return None
    return max((day - stays[-1].entered_on).days, 0)
