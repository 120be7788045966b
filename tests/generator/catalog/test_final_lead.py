"""临期提醒时限: the department's default in department.yaml and an optional 目录 column, read and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.phrases import Unit
from generator.problems import InputError, Level
from tests.conftest import ANSHAN_CATALOG_HEADER, write_xlsx

HEADER = [*ANSHAN_CATALOG_HEADER, "临期提醒时限（工作日）"]


def _catalog(catalogs_dir: Path, rows: list[list[object]]) -> None:
    (catalogs_dir / "anshan" / "catalog.xlsx").unlink()
    write_xlsx(catalogs_dir / "anshan" / "catalog.xlsx", [["标题"], HEADER, *rows])


def _yaml(catalogs_dir: Path, line: str) -> None:
    path = catalogs_dir / "anshan" / "department.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_default_is_three_working_days(catalogs_dir: Path) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    final = catalogs.department("anshan").items[0].final
    assert final is not None and (final.amount, final.unit) == (3, Unit.WORKDAY)


def test_the_department_and_the_column_set_it(catalogs_dir: Path) -> None:
    _yaml(catalogs_dir, "临期提醒时限: 5")
    _catalog(
        catalogs_dir,
        [
            [1, "甲审批", "甲证", "科", "5年", "到期前90个工作日", "到期前10个工作日", "2"],
            [2, "乙审批", "乙证", "科", "5年", "到期前90个工作日", "到期前10个工作日", ""],
            [3, "丙审批", "丙证", "科", "5年", "到期前90个工作日", "到期前10个工作日", "到期前4天"],
        ],
    )
    catalogs, problems = load_catalogs(catalogs_dir)
    finals = [(i.final.amount, i.final.unit) for i in catalogs.department("anshan").items if i.final]
    assert finals == [(2, Unit.WORKDAY), (5, Unit.WORKDAY), (4, Unit.DAY)]
    assert not [p for p in problems if p.column and "临期" in p.column]


def test_a_bad_value_is_reported_with_its_cell_and_an_early_one_warned(catalogs_dir: Path) -> None:
    _catalog(
        catalogs_dir,
        [
            [1, "甲审批", "甲证", "科", "5年", "到期前90个工作日", "到期前10个工作日", "很快"],
            [2, "乙审批", "乙证", "科", "5年", "到期前90个工作日", "到期前10个工作日", "20"],
        ],
    )
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    found = {(p.row, p.level): p for p in caught.value.problems if p.column == "临期提醒时限（工作日）"}
    assert set(found) == {(3, Level.ERROR), (4, Level.WARNING)}
    assert found[(3, Level.ERROR)].value == "很快" and found[(3, Level.ERROR)].fix


def test_a_bad_department_value_is_a_problem_of_its_file(catalogs_dir: Path) -> None:
    _yaml(catalogs_dir, "临期提醒时限: 到期前零")
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    (problem,) = [p for p in caught.value.problems if p.column == "临期提醒时限"]
    assert problem.file.endswith("department.yaml") and problem.fix
