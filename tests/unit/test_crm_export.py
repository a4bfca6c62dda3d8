"""`buyergraph export --for salesforce|hubspot`: update files keyed by the CRM's own ids, read back with
the readers ingest uses (ingest/readers/csvio.py, salesforce.py, hubspot.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from api.config_file import load_config
from api.crm_export import CONTACT_FIELDS, DEAL_FIELDS, export_scores, kept_results
from api.refresh import StoreAddress, refresh
from api.settings import Settings
from graph.analyses.crm_fields import crm_scores
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.readers.csvio import open_table
from ingest.readers.hubspot import hubspot_object
from ingest.readers.salesforce import salesforce_object

DATA = Path(__file__).resolve().parent.parent / "data" / "crm"
AS_OF = date(2024, 6, 1)


def loaded(tmp_path: Path, source: str) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([DATA / source], store, progress=False)
    refresh(
        store,
        StoreAddress.of(Settings(NEO4J_URI=None), str(tmp_path / "store")),
        as_of=AS_OF,
        config=load_config(None),
        everything=True,
        progress=False,
    )
    return store


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    table = open_table(path)
    return table.header, [row for _, row in table.rows]


def test_salesforce_files_are_keyed_by_the_record_ids_ingest_kept(tmp_path: Path) -> None:
    store = loaded(tmp_path, "salesforce")
    summary = export_scores(store, "salesforce", tmp_path / "out")
    contacts, deals = crm_scores(list(kept_results(store)))
    assert summary.files.keys() >= {"Contact.csv", "Opportunity.csv"}
    source_ids = {row["Id"] for row in rows(DATA / "salesforce" / "Contact.csv")[1]}
    source_opps = {row["Id"] for row in rows(DATA / "salesforce" / "Opportunity.csv")[1]}

    path = tmp_path / "out" / "Contact.csv"
    assert salesforce_object(path) == "Contact"  # the file ingest would take for the object
    header, written = rows(path)
    assert header == ["Id", *(sf for sf, _, _ in CONTACT_FIELDS)]
    assert written and {r["Id"] for r in written} <= source_ids
    assert len(written) == summary.files["Contact.csv"]
    expected = {c.person_id: c for c in contacts}
    for row in written:
        scores = expected[row["Id"]]
        assert row["Buyergraph_Influence_Rank__c"] == (
            str(scores.influence_rank) if scores.influence_rank else ""
        )
        assert row["Buyergraph_Engagement__c"] == scores.engagement
        assert row["Buyergraph_As_Of__c"] == AS_OF.isoformat()

    path = tmp_path / "out" / "Opportunity.csv"
    assert salesforce_object(path) == "Opportunity"
    header, written = rows(path)
    assert header == ["Id", *(sf for sf, _, _ in DEAL_FIELDS)]
    assert written and {r["Id"] for r in written} <= source_opps
    by_id = {d.deal_id: d for d in deals}
    for row in written:
        deal = by_id[row["Id"]]
        assert float(row["Buyergraph_Coverage__c"]) == pytest.approx(deal.coverage * 100, abs=0.05)
        assert float(row["Buyergraph_Completeness__c"]) == pytest.approx(deal.completeness * 100, abs=0.05)
        assert (
            row["Buyergraph_Win_Likelihood__c"] == ""
        )  # no model kept: the configured weights, no likelihood
        assert int(row["Buyergraph_Gaps__c"]) == deal.gaps
        if deal.gaps:
            assert row["Buyergraph_Next_Step__c"] and row["Buyergraph_Top_Gap_Severity__c"] == "high"


def test_hubspot_files_are_keyed_by_record_id_and_read_back_as_hubspot(tmp_path: Path) -> None:
    store = loaded(tmp_path, "hubspot")
    summary = export_scores(store, "hubspot", tmp_path / "out")
    assert "contacts.csv" in summary.files
    header, written = rows(tmp_path / "out" / "contacts.csv")
    assert hubspot_object(header) == "contacts"  # what the HubSpot reader takes it for
    assert header[:2] == ["Record ID", "Email"] and "buyergraph_influence_rank" in header
    stored = {p.id for p in store.list_people(limit=500).data}
    assert written and all(f"hs-contact-{r['Record ID']}" in stored for r in written if r["Record ID"])
    ranked = [r for r in written if r["buyergraph_influence_rank"]]
    assert ranked and min(int(r["buyergraph_influence_rank"]) for r in ranked) == 1
    header, deals = rows(tmp_path / "out" / "deals.csv")
    assert hubspot_object(header) == "deals" and deals
    assert all(store.get_deal(f"hs-deal-{r['Record ID']}").name == r["Deal Name"] for r in deals)


def _keep_a_used_model(store: EmbeddedStore) -> str:
    """A used win-likelihood model kept as `buyergraph learn` keeps one (weights on features the fixture
    varies), so that refresh writes win likelihoods into the kept results."""
    from datetime import UTC, datetime

    from graph.analyses.win_model import FEATURES, WIN_MODEL_KIND, WinModel, WinWeight
    from graph.stores.base import KeptModel

    fitted = datetime(2024, 5, 31, tzinfo=UTC)
    weights = {"engaged_people": 0.6, "required_roles_missing": -0.7, "coverage": 1.2}
    model = WinModel(
        id="win_likelihood-export-test",
        fitted_at=fitted,
        as_of=AS_OF,
        features=list(FEATURES),
        intercept=-0.3,
        weights=[
            WinWeight(feature=f, weight=weights.get(f, 0.0), low=-1, high=2, mean=0.5) for f in FEATURES
        ],
        scales=[1.0] * len(FEATURES),
        penalty_c=1.0,
        closed=100,
        won=50,
        first_close=None,
        last_close=None,
        used=True,
        reason="test",
    )
    store.write_model(
        KeptModel(
            id=model.id,
            kind=WIN_MODEL_KIND,
            fitted_at=fitted,
            as_of=AS_OF,
            used=True,
            document=model.model_dump(mode="json"),
        )
    )
    return model.id


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_the_win_likelihood_column_holds_the_kept_likelihood_as_a_percentage(
    tmp_path: Path, crm: str
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([DATA / crm], store, progress=False)
    model_id = _keep_a_used_model(store)
    refresh(
        store,
        StoreAddress.of(Settings(NEO4J_URI=None), str(tmp_path / "store")),
        as_of=AS_OF,
        config=load_config(None),
        everything=True,
        progress=False,
    )
    kept = {d.deal_id: d for r in kept_results(store) for d in r.deals}
    assert kept and all(d.win_model == model_id and d.win_likelihood is not None for d in kept.values())
    export_scores(store, crm, tmp_path / "out")
    if crm == "salesforce":
        _, written = rows(tmp_path / "out" / "Opportunity.csv")
        pairs = [(row["Id"], row["Buyergraph_Win_Likelihood__c"]) for row in written]
    else:
        _, written = rows(tmp_path / "out" / "deals.csv")
        pairs = [(f"hs-deal-{row['Record ID']}", row["buyergraph_win_likelihood"]) for row in written]
    assert pairs
    for deal_id, cell in pairs:
        likelihood = kept[deal_id].win_likelihood
        assert likelihood is not None and 0 < likelihood < 1
        # Percent fields: 0-100 with one decimal, not the 0-1 fraction.
        assert float(cell) == pytest.approx(likelihood * 100, abs=0.05) and float(cell) > 1


def test_a_person_merged_from_another_source_is_exported_under_the_crm_id_kept_as_an_alias(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("id,name,domain\nc-acme,Acme,acme.com\n", encoding="utf-8")
    (bundle / "people.csv").write_text(
        "id,name,email,company_id,title\np-ann,Ann Lee,ann.lee@acme.com,c-acme,CFO\n", encoding="utf-8"
    )
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([bundle], store, progress=False)
    ingest_paths([DATA / "salesforce"], store, progress=False)  # Ann's Contact merges into p-ann (e-mail)
    assert [a.id for a in store.aliases_into("people", ["p-ann"])["p-ann"]] == ["0035g00000AnnLeeAA"]
    refresh(
        store,
        StoreAddress.of(Settings(NEO4J_URI=None), str(tmp_path / "store")),
        as_of=AS_OF,
        config=load_config(None),
        everything=True,
        progress=False,
    )
    contacts, _ = crm_scores(list(kept_results(store)))
    ann = next(c for c in contacts if c.person_id == "p-ann")
    summary = export_scores(store, "salesforce", tmp_path / "out")
    _, written = rows(tmp_path / "out" / "Contact.csv")
    row = next(r for r in written if r["Id"] == "0035g00000AnnLeeAA")
    assert row["Buyergraph_Influence_Rank__c"] == (str(ann.influence_rank) if ann.influence_rank else "")
    assert row["Buyergraph_Engagement__c"] == ann.engagement
    assert summary.skipped_contacts == sum(
        1 for c in contacts if c.person_id != "p-ann" and not c.person_id.startswith(("003", "00Q"))
    )
