"""Clear file-level answers: one message per file that cannot be read as a whole, files of objects
buyergraph does not use listed apart (never rejects), an exit code when nothing was loaded, Excel's
error values read as empty cells, and the Prodly `Guid` key.

Real cases are read in place; what no case shows is in tests/fixtures/file_answers/.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.commands.ingest import EXIT_NOTHING_LOADED, EXIT_REJECTS
from api.settings import get_settings
from graph.errors import InputTooLargeError
from graph.stores.embedded import EmbeddedStore
from ingest.loader import IngestResult, ingest_paths
from ingest.normalise import parse_number
from tests.api.conftest import embedded_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "file_answers"


def _case(datasets: Path, name: str) -> Path:
    folder = datasets / "crm-exports" / name
    assert folder.is_dir(), f"missing case {folder}"
    return folder


def _ingest(tmp_path: Path, *paths: Path) -> tuple[IngestResult, EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    return ingest_paths(list(paths), store, progress=False), store


def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "cli-store"), "ingest", *args])
    return result.exit_code, result.output


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_file_without_its_key_column_gets_one_message_not_one_per_row(tmp_path: Path) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "key_missing" / "Account.csv")
    [reject] = result.rejects  # two rows, one message
    assert reject.file == "Account.csv" and reject.row is None and reject.action == "file_skipped"
    assert "key column Id" in reject.reason
    assert "a Salesforce Account export" in reject.reason
    assert "Id, Name, Website" in reject.reason  # the columns it expected
    assert "found: AccountKey, Name, Website, Industry" in reject.reason  # and the ones it found
    assert "Acme" not in reject.reason  # names of columns only, never values
    assert store.existing_ids("companies", {"A-1", "A-2"}) == set()
    assert result.summary.nothing_loaded


def test_a_file_named_like_an_object_but_unrecognised_says_what_it_looked_like(tmp_path: Path) -> None:
    result, _ = _ingest(tmp_path, FIXTURES / "unnamed_key" / "Contact.csv")
    [reject] = result.rejects
    assert reject.file == "Contact.csv" and reject.action == "file_skipped"
    assert "a Salesforce Contact export" in reject.reason
    assert "Id, AccountId, FirstName" in reject.reason
    assert "found: ContactNumber, FirstName, LastName, Email" in reject.reason


def test_an_unrecognised_file_names_what_is_recognised_and_the_columns_it_found(tmp_path: Path) -> None:
    result, _ = _ingest(tmp_path, FIXTURES / "unrecognised" / "meeting-notes.csv")
    [reject] = result.rejects
    assert reject.file == "meeting-notes.csv" and reject.action == "file_skipped"
    assert "Record ID" in reject.reason and "Account.csv" in reject.reason and "people.csv" in reject.reason
    assert "found columns: Topic, Body, Posted" in reject.reason


@pytest.mark.parametrize("folder", ["key_missing", "unnamed_key", "unrecognised"])
def test_ingest_exits_nothing_loaded_when_no_usable_file_was_recognised(tmp_path: Path, folder: str) -> None:
    code, output = _cli(tmp_path, str(FIXTURES / folder))
    assert code == EXIT_NOTHING_LOADED, output
    assert "nothing was loaded" in output


def test_ingest_exits_nothing_loaded_when_every_row_was_rejected(tmp_path: Path) -> None:
    code, output = _cli(tmp_path, str(FIXTURES / "all_rejected"), "--rejects", str(tmp_path / "r.csv"))
    assert code == EXIT_NOTHING_LOADED, output
    assert "every row was rejected" in output
    assert {r["row"] for r in _report(tmp_path / "r.csv")} == {"2", "3"}


def test_header_only_templates_load_nothing_and_exit_zero(datasets: Path, tmp_path: Path) -> None:
    code, output = _cli(tmp_path, str(_case(datasets, "zh-wukong-import-template")))
    assert code == 0, output
    assert output.count("header only, no rows") == 2


def test_files_buyergraph_does_not_use_are_listed_apart_and_never_fail_strict(
    datasets: Path, tmp_path: Path
) -> None:
    report = tmp_path / "r.csv"
    folder = _case(datasets, "hubspot-style-dummy-toofan")
    code, output = _cli(tmp_path, str(folder), "--strict", "--rejects", str(report))
    assert code == 0, output
    assert "not used (1 files" in output and "hubspot_tickets.csv: HubSpot support tickets" in output
    assert "NOT READ" not in output
    assert not [r for r in _report(report) if r["file"] == "hubspot_tickets.csv"]


def test_files_marked_not_read_by_a_reader_are_not_used_not_rejects(datasets: Path, tmp_path: Path) -> None:
    """Readers that mark such files the older way (a skipped file whose reason says "not read: ") are
    picked up too: Dynamics 365's campaigns, goals and territories."""
    result, _ = _ingest(tmp_path, _case(datasets, "d365-contoso-coffee-demo"))
    not_used = {f.file: f.reason for f in result.summary.not_used}
    assert set(not_used) == {"Campaign.csv", "Goal.csv", "Territory.csv"}
    assert all(reason.startswith("Dynamics 365 ") for reason in not_used.values())
    assert not [r for r in result.rejects if r.file in not_used]
    assert result.summary.files_skipped == 0
    notes = {n.file: n for n in result.summary.files}
    assert notes["Goal.csv"].error is None and notes["Goal.csv"].not_used == not_used["Goal.csv"]


def test_many_files_not_used_are_folded_in_the_summary(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "companies.csv").write_text("id,name\nc-1,Acme Pumps\n", encoding="utf-8")
    for number in range(12):
        (folder / f"tickets-{number:02}.csv").write_text(
            "Ticket ID,Ticket name,Ticket status\n1,Printer jam,open\n", encoding="utf-8"
        )
    code, output = _cli(tmp_path, str(folder), "--strict")
    assert code == 0, output
    assert "not used (12 files" in output
    assert "tickets-07.csv and 4 more: HubSpot support tickets" in output
    assert "tickets-08.csv" not in output


def test_the_api_ingest_result_lists_files_not_used(tmp_path: Path) -> None:
    files = [
        ("files", ("companies.csv", b"id,name\nc-1,Acme Pumps\n", "text/csv")),
        ("files", ("tickets.csv", b"Ticket ID,Ticket name,Ticket status\n1,Printer jam,open\n", "text/csv")),
    ]
    with embedded_app(tmp_path, None) as env:
        response = env.client.post("/api/v1/ingest", files=files, headers=env.headers("write"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rejects"] == []
    [not_used] = body["summary"]["not_used"]
    assert not_used["file"] == "tickets.csv" and "support tickets" in not_used["reason"]
    assert body["summary"]["nothing_loaded"] is False


def test_the_prodly_guid_key_is_the_record_id(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "sf-prodly-guid-dataset")
    with (folder / "Account.csv").open(encoding="utf-8", newline="") as fh:
        accounts = list(csv.DictReader(fh))
    result, store = _ingest(tmp_path, folder)
    kinds = result.summary.kinds
    guids = {a["Guid"] for a in accounts}
    assert store.existing_ids("companies", guids) == guids
    for kind, rows in (("deals", 741), ("deal_products", 4133), ("committee", 42), ("products", 36)):
        assert kinds[kind].read == rows and kinds[kind].loaded == rows, kind
    assert kinds["people"].read == 701 and kinds["people"].rejected == 0
    assert not [r for r in result.blocking_rejects if r.action != "value_ignored"]
    # The 700 contacts sharing one masked e-mail with different names are kept apart: one notice, no reject.
    assert kinds["people"].loaded == 701
    assert [r.action for r in result.rejects if r.field == "Email"] == ["notice"]
    # `#N/A` in NumberOfEmployees is an empty cell: the account loads without a count, no reject.
    unknown = next(a for a in accounts if a["NumberOfEmployees"] == "#N/A")
    assert store.get_company(unknown["Guid"]).employees is None
    assert not [r for r in result.rejects if r.field == "NumberOfEmployees"]


def test_excel_error_values_are_empty_cells_and_bad_optional_numbers_cost_only_the_value(
    tmp_path: Path,
) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "excel_errors" / "Account.csv")
    assert result.summary.kinds["companies"].loaded == 4
    acme, borealis, cobalt = (store.get_company(i) for i in ("001A", "001B", "001C"))
    assert acme.industry is None and acme.employees == 1200  # `#N/A`, and Excel's 1.2E3
    assert cobalt.industry is None and cobalt.employees is None  # `#VALUE!`, `#DIV/0!`
    assert borealis.employees is None and borealis.industry == "Logistics"
    [reject] = result.rejects
    assert (reject.row, reject.field, reject.action) == (3, "NumberOfEmployees", "value_ignored")
    assert "loaded without it" in reject.reason


def test_excel_error_cells_of_a_workbook_are_empty(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Account"
    sheet.append(["Id", "Name", "Industry", "NumberOfEmployees"])
    sheet.append(["001A", "Acme Pumps", "#N/A", "#REF!"])
    sheet.append(["001B", "Borealis Freight", "Logistics", 120])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    result, store = _ingest(tmp_path, path)
    assert result.rejects == []
    acme = store.get_company("001A")
    assert acme.industry is None and acme.employees is None
    assert store.get_company("001B").employees == 120


def test_excel_scientific_notation_is_a_number() -> None:
    assert parse_number("1.01752E11") == 101_752_000_000
    assert parse_number("2.5e-3") == 0.0025
    assert parse_number("-4E2") == -400


def test_strict_still_fails_on_real_rejects(tmp_path: Path) -> None:
    code, output = _cli(tmp_path, str(FIXTURES / "all_rejected"), "--strict")
    assert code == EXIT_REJECTS, output


def test_the_header_dictionary_comes_from_settings_not_from_the_environment_of_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "联系人.csv"
    export.write_text("姓名,客户名称,岗位\n周敏,华东精密制造有限公司,财务总监\n", "utf-8")
    own = tmp_path / "headers.toml"
    own.write_text('[people]\ntitle = ["岗位"]\n', "utf-8")
    monkeypatch.setenv("BUYERGRAPH_HEADERS", str(own))
    # The library reads no environment: without `headers`, the user's dictionary is not used ...
    result, _ = _ingest(tmp_path / "library", export)
    assert "岗位" in result.summary.files[0].ignored_columns
    # ... the command line reads the setting and passes it in.
    get_settings.cache_clear()
    try:
        code, output = _cli(tmp_path, str(export))
        assert get_settings().headers_file == own
    finally:
        get_settings.cache_clear()
    assert code == 0, output
    assert "ignored columns: 岗位" not in output
    store = EmbeddedStore(tmp_path / "cli-store")
    [person] = store.account_graph("zh-company-华东精密制造有限公司").people
    assert person.title == "财务总监"


def _bulky_workbook(path: Path, rows: int) -> int:
    """A workbook of one repeated long text: tiny on disk, large once its cells are expanded."""
    book = Workbook()
    sheet = book.active
    sheet.title = "companies"
    sheet.append(["id", "name", "industry"])
    filler = "Industrial pumps and valves " * 8
    for number in range(rows):
        sheet.append([f"c-{number}", f"Company {number}", filler])
    book.save(path)
    return len(filler) * rows


def test_a_workbook_counts_by_its_expanded_size_against_the_upload_limit(tmp_path: Path) -> None:
    path = tmp_path / "companies.xlsx"
    expanded = _bulky_workbook(path, 3000)
    limit = 200_000
    assert path.stat().st_size < limit < expanded  # under the limit on disk, far over it unpacked
    upload = [("files", ("companies.xlsx", path.read_bytes(), "application/octet-stream"))]
    with embedded_app(tmp_path / "api", None, max_upload_bytes=limit) as env:
        response = env.client.post("/api/v1/ingest", files=upload, headers=env.headers("write"))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (
            "companies.xlsx" in response.json()["detail"] and f"{limit:,} bytes" in response.json()["detail"]
        )
        assert env.store.counts().nodes.get("Company", 0) == 0  # nothing half-written
        small = tmp_path / "small.xlsx"
        _bulky_workbook(small, 20)
        upload = [("files", ("small.xlsx", small.read_bytes(), "application/octet-stream"))]
        response = env.client.post("/api/v1/ingest", files=upload, headers=env.headers("write"))
        assert response.status_code == 200, response.text
        assert response.json()["summary"]["kinds"]["companies"]["loaded"] == 20


def test_the_command_line_reads_large_workbooks_without_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "companies.xlsx"
    _bulky_workbook(path, 3000)
    result, _ = _ingest(tmp_path, path)
    assert result.summary.kinds["companies"].loaded == 3000
    with pytest.raises(InputTooLargeError, match="companies.xlsx"):
        ingest_paths([path], EmbeddedStore(tmp_path / "limited"), progress=False, expanded_limit=100_000)
    assert EmbeddedStore(tmp_path / "limited").existing_ids("companies", {"c-1"}) == set()


def test_excel_error_values_are_empty_in_chinese_exports_too(tmp_path: Path) -> None:
    export = tmp_path / "联系人.csv"
    export.write_text("姓名,客户名称,职务,邮箱\n周敏,华东精密制造有限公司,#N/A,#N/A\n", "utf-8")
    result, store = _ingest(tmp_path, export)
    assert result.rejects == []
    [person] = store.account_graph("zh-company-华东精密制造有限公司").people
    assert person.title is None and person.email is None


def test_a_bundle_file_without_its_id_column_gets_one_message(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("person_id,name,email\np-1,Ann Lee,ann@acme-pumps.example\np-2,Bo Chen,bo@x.example\n")
    result, _ = _ingest(tmp_path, people)
    [reject] = result.rejects
    assert reject.file == "people.csv" and reject.row is None and reject.action == "file_skipped"
    assert "key column id" in reject.reason and "the bundle's people file" in reject.reason
    assert "found: person_id, name, email" in reject.reason


def test_blank_rows_count_against_the_workbook_limit(tmp_path: Path) -> None:
    """A few-kilobyte workbook whose sheet spans 200,000 mostly empty rows is refused under a
    100 kB limit: reading those rows is the cost the limit guards against, written or not."""
    from openpyxl import Workbook

    path = tmp_path / "sparse.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "companies"
    sheet.append(["id", "name"])
    sheet.append(["c-1", "Acme"])
    sheet.cell(row=200_000, column=1, value="c-2")
    sheet.cell(row=200_000, column=2, value="Globex")
    book.save(path)
    assert path.stat().st_size < 20_000
    with pytest.raises(InputTooLargeError, match="sparse.xlsx"):
        ingest_paths([path], EmbeddedStore(tmp_path / "limited"), progress=False, expanded_limit=100_000)
