"""目录 loading: every seed layout loads unchanged; every bad cell is reported with its place and fix."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from generator.catalog.load import load_catalogs
from generator.config import DEMO_CATALOGS
from generator.phrases import Unit
from generator.problems import InputError, Level
from tests.conftest import ANSHAN_CATALOG_HEADER, replace_anshan_catalog, write_csv, write_xlsx

SEED_ROWS = {"anshan": 17, "dongli": 14, "lvliang": 24, "anyang": 0, "anshan-weijian": 9}


def test_every_seed_layout_loads_with_every_row() -> None:
    catalogs, problems = load_catalogs(DEMO_CATALOGS)
    assert {d.slug: len(d.items) for d in catalogs.departments} == SEED_ROWS
    assert [p for p in problems if p.level is Level.ERROR] == []


def test_anshan_keeps_its_own_wording_and_both_lead_times() -> None:
    anshan = load_catalogs(DEMO_CATALOGS)[0].department("anshan")
    assert anshan.headers == ANSHAN_CATALOG_HEADER
    first = anshan.items[0]
    assert first.cells[4:] == ("30 年以下", "到期前 90 个工作日", "到期前 20 个工作日")
    assert (first.first.amount, first.first.unit, first.second and first.second.amount) == (
        90,
        Unit.WORKDAY,
        20,
    )
    assert anshan.items[9].second is not None and anshan.items[9].second.text == "到期前 45 日"


def test_department_defaults_fill_missing_lead_times() -> None:
    catalogs = load_catalogs(DEMO_CATALOGS)[0]
    lvliang = catalogs.department("lvliang").items[0]
    assert (lvliang.first.amount, lvliang.first.unit, lvliang.first_from_default, lvliang.second) == (
        3,
        Unit.MONTH,
        True,
        None,
    )
    jiaozao = catalogs.department("anshan-weijian").items[4]
    assert jiaozao.certificate == jiaozao.matter == "医疗机构执业许可延续"
    assert jiaozao.second is not None and (jiaozao.second.amount, jiaozao.second.unit) == (10, Unit.DAY)
    dongli = catalogs.department("dongli").items[0]
    assert (dongli.first.amount, dongli.first.unit, dongli.methods) == (2, Unit.MONTH, ("人工电话通知",))


def test_renewal_guides_are_attached_and_sample_facts_marked() -> None:
    catalogs = load_catalogs(DEMO_CATALOGS)[0]
    for item in catalogs.items:
        assert item.guide.materials and item.guide.deadline is not None
        assert all("【示例】" in m for m in item.guide.materials)
    for department in catalogs.departments:
        assert "【示例】" in department.phone and "【示例】" in department.address
        assert ".example" in department.website


def test_every_bad_cell_is_reported_at_once(catalogs_dir: Path) -> None:
    replace_anshan_catalog(
        catalogs_dir,
        [
            [1, "开采矿产资源审批", "采矿许可证", "科", "30 年以下", "到期后三十天内", "到期前 20 个工作日"],
            [2, "某审批", "某证", "科", "很久", "到期前90个工作日", "到期前10个工作日"],
            [3, "某审批", "某证二", "科", "5年", "到期前10个工作日", "到期前90个工作日"],
            [4, "", "", "科", "5年", "到期前30个工作日", ""],
            [5, "某审批", "某证三", "科", "1年", "到期前2年", ""],
        ],
    )
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    by_row = {p.row: p for p in caught.value.problems if p.file.endswith("catalog.xlsx")}
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert by_row[3].column == "首次提醒时限" and by_row[3].value == "到期后三十天内"
    assert by_row[4].column == "证照法定有效期" and by_row[4].value == "很久"
    assert "二次提醒" in by_row[5].message
    assert "为空" in by_row[6].message
    assert "有效期" in by_row[7].message
    assert all(p.fix for p in caught.value.problems)


def test_a_header_only_template_is_a_department_without_items(catalogs_dir: Path) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    assert catalogs.department("anyang").items == ()


def test_missing_files_are_named(catalogs_dir: Path) -> None:
    (catalogs_dir / "dongli" / "department.yaml").unlink()
    write_csv(catalogs_dir / "anshan" / "catalog.csv", [["序号"]])
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    messages = {p.file: p.message for p in caught.value.problems}
    assert messages["catalogs/dongli/department.yaml"] == "缺少部门信息文件"
    assert "既有" in messages["catalogs/anshan"]


def test_a_bad_yaml_is_an_error_not_a_traceback(catalogs_dir: Path) -> None:
    (catalogs_dir / "dongli" / "department.yaml").write_text("名称: [东丽\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    assert any("YAML" in p.message for p in caught.value.problems)


def test_a_name_typed_over_two_lines_becomes_one_line_with_a_warning(catalogs_dir: Path) -> None:
    replace_anshan_catalog(
        catalogs_dir,
        # Excel stores a vertical tab (a Word line break pasted in) as _x000B_.
        [
            [
                1,
                "开采矿产资源\n审批",
                "采矿\n许可证\u200b",
                "审批_x000B_一组",
                "30 年以下",
                "到期前90个工作日",
                "",
            ]
        ],
    )
    catalogs, problems = load_catalogs(catalogs_dir)
    item = catalogs.department("anshan").items[0]
    assert (item.matter, item.certificate, item.office) == ("开采矿产资源 审批", "采矿 许可证", "审批 一组")
    assert all(cell.isprintable() for cell in item.cells)
    warned = {p.column: p for p in problems if "不可见字符" in p.message}
    assert set(warned) == {"审批事项名称", "证照名称", "审批科室"}
    assert all(p.level is Level.WARNING and p.row == 3 for p in warned.values())


def test_other_sheets_with_a_catalogue_header_are_named_not_read(catalogs_dir: Path) -> None:
    path = catalogs_dir / "anshan" / "catalog.xlsx"
    book = openpyxl.load_workbook(path)
    old = book.copy_worksheet(book.worksheets[0])
    old.title = "2025版"
    book.save(path)
    catalogs, problems = load_catalogs(catalogs_dir)
    assert len(catalogs.department("anshan").items) == SEED_ROWS["anshan"]
    (note,) = [p for p in problems if p.sheet == "2025版"]
    assert note.level is Level.WARNING and "未读取" in note.message


def test_other_columns_keep_their_line_breaks(catalogs_dir: Path) -> None:
    path = catalogs_dir / "anshan" / "catalog.xlsx"
    path.unlink()
    header = [*ANSHAN_CATALOG_HEADER, "备注"]
    row = [
        1,
        "开采矿产资源审批",
        "采矿许可证",
        "科",
        "30 年以下",
        "到期前90个工作日",
        "",
        "第一行\n第二行\u200b",
    ]
    write_xlsx(path, [["标题"], header, row])
    catalogs, problems = load_catalogs(catalogs_dir)
    assert catalogs.department("anshan").items[0].cells[-1] == "第一行\n第二行"
    assert [p.column for p in problems if "不可见字符" in p.message] == ["备注"]
