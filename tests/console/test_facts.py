"""department.yaml and renewal.yaml edited in a form: validated like `jiaozao check`, comments kept."""

from __future__ import annotations

import re

from starlette.applications import Starlette

from console.frame import yaml_forms
from console.settings import ConsoleSettings
from tests.console.conftest import Clients, wait_for_job

F = "/departments/anshan/facts"


def form_of(html: str) -> dict[str, str]:
    """Return the form's fields as a browser would submit them (text inputs, textareas, checked boxes)."""
    fields = {m[0]: m[1] for m in re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', html)}
    fields |= {
        m[0]: m[1]
        for m in re.findall(r'<textarea id="[^"]+" name="([^"]+)" rows="4">([^<]*)</textarea>', html)
    }
    fields |= {m: "1" for m in re.findall(r'<input type="checkbox" name="([^"]+)" value="1" checked>', html)}
    return {k: v.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&") for k, v in fields.items()}


def test_round_trip_keeps_every_comment(settings: ConsoleSettings) -> None:
    for name in ("department.yaml", "renewal.yaml"):
        text = (settings.inputs.catalogs / "anshan" / name).read_text(encoding="utf-8")
        assert yaml_forms.dump(yaml_forms.load(text)) == text


def test_an_unchanged_form_writes_nothing_and_an_edit_keeps_the_comments(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    folder = settings.inputs.catalogs / "anshan"
    before = {n: (folder / n).read_text(encoding="utf-8") for n in ("department.yaml", "renewal.yaml")}
    fields = form_of(clerk.get(F).text)
    assert fields["d.名称"] == "鞍山市行政审批局"
    assert clerk.submit(F, fields).status_code == 303
    assert {n: (folder / n).read_text(encoding="utf-8") for n in before} == before
    fields["d.电话"] = "0412-5550000"
    fields["g.默认.提交材料"] = "延续申请表\n原证照正、副本"
    job = clerk.submit(F, fields).headers["location"]
    assert wait_for_job(clerk, job)["state"] == "done"
    department = (folder / "department.yaml").read_text(encoding="utf-8")
    assert "电话: 0412-5550000" in department
    comments = lambda text: [line for line in text.splitlines() if line.lstrip().startswith("#")]  # noqa: E731
    assert comments(department) == comments(before["department.yaml"])
    renewal = (folder / "renewal.yaml").read_text(encoding="utf-8")
    assert comments(renewal) == comments(before["renewal.yaml"]) and "- 原证照正、副本" in renewal
    assert "0412-5550000" in (settings.site / "departments" / "anshan" / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_bad_value_is_shown_and_nothing_is_written(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    folder = settings.inputs.catalogs / "anshan"
    before = (folder / "department.yaml").read_bytes(), (folder / "renewal.yaml").read_bytes()
    fields = form_of(clerk.get(F).text)
    fields["d.二次提醒时限"] = "快到期的时候"
    fields["g.默认.法定申请时限"] = "尽早"
    response = clerk.submit(F, fields)
    assert response.status_code == 400 and "没有保存" in response.text
    assert "快到期的时候" in response.text and "尽早" in response.text
    assert ((folder / "department.yaml").read_bytes(), (folder / "renewal.yaml").read_bytes()) == before


def test_the_inspector_sees_the_form_read_only(quiet_app: Starlette, clients: Clients) -> None:
    page = clients(quiet_app, "inspector").get(F).text
    assert "<fieldset disabled>" in page and "检查并保存" not in page


def test_administrators_edit_the_site_settings_and_the_site_follows(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(app, "admin")
    fields = form_of(admin.get("/settings").text)
    assert fields["网站名称"] == "证照到期提醒"
    fields["主办单位"] = "某某市行政审批局（测试）"
    job = admin.submit("/settings", fields).headers["location"]
    assert wait_for_job(admin, job)["state"] == "done"
    text = (settings.inputs.catalogs / "site.yaml").read_text(encoding="utf-8")
    assert "主办单位: 某某市行政审批局（测试）" in text and text.startswith("# 网站设置")
    assert "某某市行政审批局（测试）" in (settings.site / "index.html").read_text(encoding="utf-8")
    assert clients(app, "clerk_a").get("/settings").status_code == 403


def test_the_final_stage_lead_time_is_in_the_form_and_checked(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    before = (settings.inputs.catalogs / "anshan" / "department.yaml").read_bytes()
    fields = form_of(clerk.get(F).text)
    assert fields["d.临期提醒时限"] == ""  # not in the file: 到期前3个工作日
    fields["d.临期提醒时限"] = "过几天"
    response = clerk.submit(F, fields)
    assert response.status_code == 400 and "过几天" in response.text and "临期提醒时限" in response.text
    assert (settings.inputs.catalogs / "anshan" / "department.yaml").read_bytes() == before
