"""The one YAML reader of staff settings: lines kept, duplicate keys refused, URLs only http(s), text one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import PortalConfigError, read_settings
from portal.rules.text import is_web_address
from portal.rules.yamlfile import load_yaml


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://zwfw.example.gov.cn/", True),
        ("http://127.0.0.1:8000/lookup?no=1", True),
        ("https://政务.中国/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>x</script>", False),
        ("vbscript:x", False),
        ("//evil.example/", False),
        ("/lookup", False),
        ("zwfw.example.gov.cn", False),
        ("https://", False),
        ("https://gov.cn@evil.example/", False),
        ("https://a.example:port/", False),
        ("https://a.example/\u202e", False),
        ('https://a.example/"onmouseover=x', False),
        ("https://a.example/ x", False),
    ],
)
def test_only_absolute_http_addresses_are_web_addresses(text: str, ok: bool) -> None:
    assert is_web_address(text) is ok


def test_values_keep_their_lines_and_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("# 注释\n电话: 0412\n开关: 否\n列表:\n  - 甲\n  - 乙\n", encoding="utf-8")
    section, issues = load_yaml(path)
    assert section is not None and issues == []
    assert (section.text("电话"), section.flag("开关"), section.texts("列表")) == (
        "0412",
        False,
        ("甲", "乙"),
    )
    assert [section.line_of(k) for k in section] == [2, 3, 4]


def test_a_missing_file_is_no_file_and_a_broken_one_is_one_issue(tmp_path: Path) -> None:
    assert load_yaml(tmp_path / "none.yaml") == (None, [])
    (tmp_path / "bad.yaml").write_text("a: [1\n", encoding="utf-8")
    section, issues = load_yaml(tmp_path / "bad.yaml")
    assert section is None and len(issues) == 1 and issues[0].line and "YAML" in issues[0].message
    (tmp_path / "gbk.yaml").write_bytes("名称: 东丽".encode("gbk"))
    assert "UTF-8" in load_yaml(tmp_path / "gbk.yaml")[1][0].message


def test_a_portal_setting_written_twice_or_a_script_origin_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "portal.yaml"
    path.write_text(
        "每分钟查询次数: 60\n每分钟查询次数: 0\n允许跨域的网站: [javascript:alert(1)]\n", encoding="utf-8"
    )
    with pytest.raises(PortalConfigError) as error:
        read_settings(path)
    message = str(error.value)
    assert "第 2 行" in message and "两次" in message and "javascript:alert(1)" in message
    assert "第 3 行" in message


def test_pasted_control_characters_are_dropped_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("电话: 1\n名称: 东丽\x07区\x0b政务\n", encoding="utf-8")
    section, issues = load_yaml(path)
    assert section is not None and section.text("名称") == "东丽区政务"
    assert [(i.line, i.warning) for i in issues] == [(2, True), (2, True)] and "U+0007" in issues[0].message


def test_deep_nesting_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    section, issues = load_yaml(path)
    assert section is None and len(issues) == 1


@pytest.mark.parametrize("proxy", ["nginx", "10.0.0.1, 10.0.0.2", "http://10.0.0.1/"])
def test_the_trusted_proxy_is_one_ip_address(tmp_path: Path, proxy: str) -> None:
    path = tmp_path / "portal.yaml"
    path.write_text(f"可信代理: '{proxy}'\n", encoding="utf-8")
    with pytest.raises(PortalConfigError, match="IP 地址"):
        read_settings(path)
