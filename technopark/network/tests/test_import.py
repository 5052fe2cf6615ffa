from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from technopark.core.models import AuditLog
from technopark.network import imports
from technopark.network.models import Institution
from technopark.network.tabular import COLUMNS, TableError, read_table, template_bytes

HEADER = [column.title for column in COLUMNS]


def _row(short: str, **over: str) -> list[str]:
    values = {
        "full_name": f"ГУО «{short} г. Минска»",
        "short_name": short,
        "kind": "гимназия",
        "district": "Фрунзенский район",
        "country": "",
        "address": "ул. Примерная, 1",
        "website": "",
        "email": "",
        "phone": "",
        "cluster_role": "базовое учреждение",
    }
    values.update(over)
    return [values[column.key] for column in COLUMNS]


def _xlsx(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def test_a_correct_file_plans_every_row_and_imports_it(db):
    data = _xlsx([_row("Гимназия № 1", phone="8 (017) 200-00-01", website="gymn1.by"), _row("Лицей № 2", kind="Лицей")])
    plan = imports.check_rows(read_table(data, "list.xlsx"))
    assert plan.problems == []
    assert [row.action for row in plan.rows] == ["create", "create"]
    imports.apply_plan(plan, actor=None, source="list.xlsx")
    gymnasium = Institution.objects.get(short_name="Гимназия № 1")
    assert gymnasium.phone == "+375 17 200-00-01"
    assert gymnasium.website == "https://gymn1.by"
    assert gymnasium.district.code == "frunzensky"
    assert Institution.objects.get(short_name="Лицей № 2").kind == Institution.Kind.LYCEUM
    assert AuditLog.objects.get(action="network.import.completed").data == {
        "created": 2,
        "updated": 0,
        "file": "list.xlsx",
    }


def test_every_bad_cell_is_reported_with_row_and_column_and_nothing_is_imported(db):
    data = _xlsx(
        [
            _row("Гимназия № 1"),
            _row("", kind="замок", district="Атлантида", email="not-an-email", phone="12"),
            _row("Гимназия № 1"),
        ]
    )
    plan = imports.check_rows(read_table(data, "list.xlsx"))
    reported = {(p.row, p.column) for p in plan.problems}
    assert {
        (3, "Краткое наименование"),
        (3, "Тип"),
        (3, "Район или область"),
        (3, "Электронная почта"),
        (3, "Телефон"),
    } <= reported
    assert (4, "Полное наименование") in reported  # the same institution as in row 2
    with pytest.raises(imports.services.NetworkError):
        imports.apply_plan(plan, actor=None)
    assert Institution.objects.count() == 0


def test_institutions_already_in_the_registry_are_matched_by_name_not_doubled(make_institution):
    existing = make_institution("Гимназия № 1")
    data = _xlsx([_row("гимназия №1", full_name="ГУО «ГИМНАЗИЯ № 1 г. Минска»", address="новый адрес")])
    plan = imports.check_rows(read_table(data, "list.xlsx"))
    assert [(row.action, row.institution_id) for row in plan.rows] == [("update", existing.pk)]
    imports.apply_plan(plan, actor=None)
    assert Institution.objects.count() == 1
    existing.refresh_from_db()
    assert existing.address == "новый адрес"


def test_the_import_is_all_or_nothing_when_a_write_fails_midway(db, monkeypatch):
    data = _xlsx([_row("Гимназия № 1"), _row("Лицей № 2")])
    plan = imports.check_rows(read_table(data, "list.xlsx"))
    original = imports.services.create_institution
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(imports.services, "create_institution", failing)
    with pytest.raises(RuntimeError):
        imports.apply_plan(plan, actor=None)
    assert Institution.objects.count() == 0


def test_a_windows_1251_csv_with_semicolons_is_read(db):
    data = _csv([_row("Гимназия № 1")], encoding="cp1251")
    plan = imports.check_rows(read_table(data, "list.csv"))
    assert plan.problems == []
    assert plan.rows[0].values["short_name"] == "Гимназия № 1"


def test_a_utf8_csv_with_commas_is_read(db):
    data = _csv([_row("Гимназия № 1")], delimiter=",")
    assert imports.check_rows(read_table(data, "list.csv")).rows


def test_a_file_without_the_required_columns_is_refused_as_a_whole(db):
    with pytest.raises(TableError, match="Тип"):
        read_table(_xlsx([["x"]], header=["Полное наименование", "Краткое наименование"]), "list.xlsx")
    with pytest.raises(TableError):
        read_table(b"PK\x03\x04 broken zip", "list.xlsx")
    with pytest.raises(TableError):
        read_table(b"", "list.csv")


def test_an_institution_abroad_needs_its_country(db):
    plan = imports.check_rows(
        read_table(_xlsx([_row("Partner GmbH", district="Зарубежье", kind="предприятие")]), "x.xlsx")
    )
    assert [(p.column, p.row) for p in plan.problems] == [("Страна", 2)]


def test_the_template_has_the_columns_and_the_allowed_values(db):
    workbook = load_workbook(io.BytesIO(template_bytes()))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADER
    values = [row[1] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True) if row[1]]
    assert "Фрунзенский район" in values
    assert len(values) == 16
    # The template itself imports cleanly.
    assert imports.check_rows(read_table(template_bytes(), "template.xlsx")).problems == []


def test_the_command_reports_errors_and_imports_nothing(tmp_path, db):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_xlsx([_row("Гимназия № 1", kind="замок")]))
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_institutions", str(path), stdout=out, stderr=StringIO())
    assert "2\tТип\t" in out.getvalue()
    assert Institution.objects.count() == 0


def test_the_command_dry_run_changes_nothing_and_the_real_run_imports(tmp_path, db):
    path = tmp_path / "good.csv"
    path.write_bytes(_csv([_row("Гимназия № 1"), _row("Лицей № 2")]))
    out = StringIO()
    call_command("import_institutions", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "2 to add" in out.getvalue()
    assert Institution.objects.count() == 0
    call_command("import_institutions", str(path), stdout=StringIO(), stderr=StringIO())
    assert Institution.objects.count() == 2


def test_the_centres_own_csv_export_imports_back_without_apostrophes(db):
    """The export neutralises text a spreadsheet would evaluate (a phone starts with "+"); reading the same file
    back gives the text as it was, not the apostrophe that protected it."""
    from technopark.network.tabular import csv_bytes

    exported = csv_bytes([_row("Гимназия № 1", phone="+375 17 200-00-01", address="-й переулок, 3")])
    assert "'+375 17 200-00-01" in exported.decode("utf-8-sig")
    rows = read_table(exported, "export.csv")
    assert rows[0][1]["phone"] == "+375 17 200-00-01" and rows[0][1]["address"] == "-й переулок, 3"


def test_the_preview_shows_each_field_an_update_changes_and_leaves_equal_rows_alone(make_institution):
    from django.utils import translation

    existing = make_institution("Гимназия № 1", phone="+375 17 200-00-01")
    twin = make_institution("Лицей № 2")
    rows = [
        _row("Гимназия № 1", full_name=existing.full_name, phone="8 (017) 200-00-02", address=existing.address),
        _row("Лицей № 2", **{key: getattr(twin, key) for key in ("full_name", "address", "country")}),
    ]
    with translation.override("en"):
        plan = imports.check_rows(read_table(_xlsx(rows), "list.xlsx"))
    update, same = plan.rows
    assert update.action == "update" and update.changes == [
        {"column": "Phone", "old": "+375 17 200-00-01", "new": "+375 17 200-00-02"}
    ]
    assert same.action == "unchanged" and same.changes == [] and plan.as_data()["unchanged"] == 1


def test_an_institution_edited_after_the_check_is_not_overwritten(make_institution):
    from technopark.network import services

    existing = make_institution("Гимназия № 1")
    plan = imports.check_rows(read_table(_xlsx([_row("Гимназия № 1", address="из файла")]), "list.xlsx"))
    services.update_institution(existing, actor=None, address="поправили вручную")
    with pytest.raises(services.NetworkError) as refused:
        imports.apply_plan(imports.ImportPlan.from_data(plan.as_data()), actor=None)
    assert refused.value.code == "import_stale"
    existing.refresh_from_db()
    assert existing.address == "поправили вручную"
