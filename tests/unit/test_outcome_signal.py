"""The generator plants what `buyergraph learn` should find: deal outcomes with known effects (or none),
and leads that convert by their behaviour, with the true weights in truth.json."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.unit.generated_world import AS_OF, truth


def _generate(out: Path, signal: str) -> Path:
    result = CliRunner().invoke(
        app,
        [
            "generate",
            str(out),
            "-n",
            "80",
            "--seed",
            "6",
            "--as-of",
            AS_OF.isoformat(),
            "--outcome-signal",
            signal,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_outcome_signal_none_keeps_the_world_but_not_the_outcome_model(tmp_path: Path) -> None:
    planted = _generate(tmp_path / "planted", "planted")
    flat = _generate(tmp_path / "none", "none")
    (doc_p, lines_p), (doc_n, lines_n) = truth(planted), truth(flat)
    assert doc_p["parameters"]["outcome_effects"]["economic_buyer_engaged"] == 1.6
    assert doc_n["parameters"]["outcome_effects"] == {} and doc_n["parameters"]["outcome_signal"] == "none"
    closed_p = [d for line in lines_p for d in line["closed_deals"]]
    closed_n = [d for line in lines_n for d in line["closed_deals"]]
    # the same deals and engagement, drawn by another rule: planted chances vary, none's are all 0.4
    assert [d["deal_id"] for d in closed_p] == [d["deal_id"] for d in closed_n]
    assert [d["engaged_people"] for d in closed_p] == [d["engaged_people"] for d in closed_n]
    assert len({d["p_won"] for d in closed_p}) > 3 and {d["p_won"] for d in closed_n} == {0.4}
    bad = CliRunner().invoke(app, ["generate", str(tmp_path / "bad"), "-n", "2", "--outcome-signal", "some"])
    assert bad.exit_code == 2 and "--outcome-signal must be one of planted, none" in bad.output


def test_leads_convert_by_their_behaviour(tmp_path: Path) -> None:
    world = _generate(tmp_path / "w", "planted")
    doc, lines = truth(world)
    weights = doc["parameters"]["lead_conversion"]["weights"]
    assert set(weights) == {"demo_minutes", "pages_viewed", "content_downloaded", "webinars", "meetings"}
    # what history would teach against the configured weights: page views (rated lowest) come before
    # conversion; webinars and downloads (rated high) come just below zero
    assert weights["pages_viewed"] > 0.5 and weights["webinars"] < 0 and weights["content_downloaded"] < 0
    assert all(abs(weights[b]) <= 0.2 for b in ("demo_minutes", "content_downloaded", "webinars", "meetings"))
    leads = [lead for line in lines for lead in line["leads"]]
    converted = [lead for lead in leads if lead["converted"]]
    assert 0.05 < len(converted) / len(leads) < 0.6

    def score(lead: dict[str, float]) -> float:
        return sum(weights[k] * lead[k] for k in weights)

    # the converted leads behaved more, by the true weights (a lead's chance rises with its score)
    assert statistics.mean(map(score, converted)) > statistics.mean(
        score(x) for x in leads if not x["converted"]
    )
    with (world / "people.csv").open(encoding="utf-8", newline="") as fh:
        status = {row["id"]: row["lead_status"] for row in csv.DictReader(fh)}
    assert all(status[lead["person_id"]] == ("Converted" if lead["converted"] else "Open") for lead in leads)
    with (world / "committee.csv").open(encoding="utf-8", newline="") as fh:
        members = {row["person_id"] for row in csv.DictReader(fh)}
    assert members and not {lead["person_id"] for lead in leads} & members
    assert (
        json.loads((world / "truth.json").read_text(encoding="utf-8"))["parameters"]["lead_conversion"][
            "window_days"
        ]
        == 90
    )
    # a converted lead carries the day it converted: as_of, after the window that decided it
    with (world / "people.csv").open(encoding="utf-8", newline="") as fh:
        day = {row["id"]: row["converted_on"] for row in csv.DictReader(fh)}
    assert all(day[lead["person_id"]] == (AS_OF.isoformat() if lead["converted"] else "") for lead in leads)
    assert all(lead["converted_on"] == (AS_OF.isoformat() if lead["converted"] else None) for lead in leads)
