"""department.yaml and renewal.yaml: every value read by its type, every mistake named by file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.problems import InputError, Level, Problem

DEPARTMENT = "anshan-weijian"


def _set(path: Path, key: str, line: str) -> int:
    """Replace the line of key (appending it when absent) and return its 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, text in enumerate(lines) if re.match(rf"{re.escape(key)}\s*:", text)]
    if found:
        lines[found[0]] = line
    else:
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return (found[0] if found else len(lines) - 1) + 1


def _errors(catalogs_dir: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_catalogs(catalogs_dir)
    return [p for p in caught.value.problems if p.level is Level.ERROR]


@pytest.mark.parametrize(("written", "meant"), [("否", False), ("是", True), ("false", False), ("yes", True)])
def test_yes_no_settings_mean_what_they_say(catalogs_dir: Path, written: str, meant: bool) -> None:
    _set(catalogs_dir / DEPARTMENT / "department.yaml", "每月叫早", f"每月叫早: {written}")
    assert load_catalogs(catalogs_dir)[0].department(DEPARTMENT).monthly_batch is meant


@pytest.mark.parametrize(
    ("key", "line", "words"),
    [
        ("每月叫早", "每月叫早: 也许", ("true 或 false", "也许")),
        ("每月叫早", "每月叫早: 1", ("true 或 false",)),
        ("提醒方式", "提醒方式: 5", ("列表",)),
        ("提醒方式", "提醒方式: [电话, [微信]]", ("每一项",)),
        ("名称", "名称: [甲, 乙]", ("一段文字", "列表")),
        ("地址", "地址: {楼: 1}", ("一段文字",)),
        ("网站", "网站: javascript:alert(1)", ("不是网址", "https://")),
        ("网上办理", "网上办理: data:text/html,<b>x</b>", ("不是网址",)),
        ("网站", "网站: anshan.example/", ("不是网址",)),
        ("颜色", "颜色: 红", ("不认识的项目“颜色”", "名称、全称")),
        ("首次提醒时限", "首次提醒时限: 到期后一个月", ()),
    ],
)
def test_a_wrong_value_in_department_yaml_is_an_error_with_line_and_key(
    catalogs_dir: Path, key: str, line: str, words: tuple[str, ...]
) -> None:
    number = _set(catalogs_dir / DEPARTMENT / "department.yaml", key, line)
    (problem,) = [p for p in _errors(catalogs_dir) if p.file == f"catalogs/{DEPARTMENT}/department.yaml"]
    assert (problem.row, problem.column) == (number, key) and problem.fix
    said = str(problem)
    assert f"第 {number} 行" in said and all(word in said for word in words)


def test_a_key_written_twice_is_an_error_naming_both_lines(catalogs_dir: Path) -> None:
    path = catalogs_dir / DEPARTMENT / "department.yaml"
    first = _set(path, "每月叫早", "每月叫早: true")
    path.write_text(path.read_text(encoding="utf-8") + "每月叫早: false\n", encoding="utf-8")
    (problem,) = _errors(catalogs_dir)
    assert problem.column == "每月叫早" and f"第 {first} 行" in problem.message and "两次" in problem.message


def test_a_line_break_in_a_name_becomes_a_space_with_a_warning(catalogs_dir: Path) -> None:
    path = catalogs_dir / "dongli" / "department.yaml"
    number = _set(path, "名称", '名称: "东丽区\\n政务服务办公室\\x07"')
    catalogs, problems = load_catalogs(catalogs_dir)
    assert catalogs.department("dongli").name == "东丽区 政务服务办公室"
    (warning,) = [p for p in problems if p.file.endswith("dongli/department.yaml")]
    assert warning.level is Level.WARNING and (warning.row, warning.column) == (number, "名称")


def test_anchors_are_refused(catalogs_dir: Path) -> None:
    path = catalogs_dir / DEPARTMENT / "department.yaml"
    _set(path, "全称", "全称: &x 甲")
    _set(path, "依据", "依据: *x")
    (problem,) = _errors(catalogs_dir)
    assert "锚点" in problem.message and problem.row is not None


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("默认: [a, b]\n", "默认", ("一组“项目: 值”",)),
        ("默认:\n  提交材料: 5\n", "提交材料", ("默认：", "列表", "5")),
        ("默认:\n  网上办理: javascript:alert(1)\n", "网上办理", ("不是网址",)),
        ("证照:\n  - 证照名称: 公共场所卫生许可延续\n    提交材料: {a: 1}\n", "提交材料", ("证照第 1 项",)),
        (
            "证照:\n  - 证照名称: 公共场所卫生许可延续\n    网上办理: '  //evil.example'\n",
            "网上办理",
            ("不是网址",),
        ),
        (
            "证照:\n  - 证照名称: 公共场所卫生许可延续\n    材料: [a]\n",
            "材料",
            ("不认识的项目“材料”", "提交材料"),
        ),
        ("默认:\n  办理地点: 一楼\n  办理地点: 二楼\n", "办理地点", ("两次",)),
        ("证照: 5\n", "证照", ("列表",)),
    ],
)
def test_a_wrong_value_in_renewal_yaml_is_an_error_with_line_and_key(
    catalogs_dir: Path, text: str, key: str, words: tuple[str, ...]
) -> None:
    (catalogs_dir / DEPARTMENT / "renewal.yaml").write_text(text, encoding="utf-8")
    errors = _errors(catalogs_dir)
    assert len(errors) == 1, errors
    (problem,) = errors
    assert problem.file == f"catalogs/{DEPARTMENT}/renewal.yaml" and problem.column == key
    assert problem.row == text.count("\n") and all(word in str(problem) for word in words)
