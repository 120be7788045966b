"""今日提醒 over HTTP: the due list, results recorded as they come, corrections, and the same 登记簿 as the CLI."""

from __future__ import annotations

import re
import shutil
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store.audit import search
from console.store.db import connect
from generator.cli import main
from generator.reminders.registry import Registry
from generator.workflows.remind import plan_today
from tests.console.conftest import TODAY, Built, Clients, _settings, text_of
from tests.console.today_helpers import (
    COLUMN,
    cli_options,
    fill_worklist,
    holder_forms,
    registry_rows,
    worklist_groups,
)

D = "/departments/anshan"
TOMORROW = date(2026, 11, 24)


def _due(settings: ConsoleSettings, day: date) -> list[tuple[str, str, str, str]]:
    work = plan_today(settings.inputs, day)
    return sorted(
        (d.department.slug, *r.certificate.key[1:], r.kind)
        for d in work.departments
        for g in d.groups
        for r in g.reminders
    )


def _record(client: object, picks: list[str], result: str, remark: str = "", channel: str = "电话") -> object:
    return client.submit(
        f"{D}/today/record", {"c": picks, "result": result, "channel": channel, "remark": remark}
    )  # type: ignore[attr-defined]


def test_the_due_list_is_grouped_by_holder_sorted_by_days_left_and_counted(
    quiet_app: Starlette, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(f"{D}/today")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    counts = re.search(r"应提醒 <strong>(\d+)</strong> 张证照、<strong>(\d+)</strong> 户", page.text)
    assert counts and int(counts.group(1)) >= int(counts.group(2)) > 0
    left = [int(x) for x in re.findall(r'<span class="hint">剩 (-?\d+) 天</span>', page.text)]
    assert left == sorted(left)
    assert "提醒内容（照读）" in page.text and "法定申请期限" in page.text
    second = clerk.get(f"{D}/today?kind=二次")
    assert "首次提醒</span>" not in second.text and "二次提醒</span>" in second.text
    sms = clerk.get(f"{D}/today?mobile=无")
    assert all(
        not re.search(r"电话 1\d{10}", block)
        for block in re.findall(r'<li class="card holder".*?</li>', sms.text, re.S)
    )


def test_a_result_leaves_the_list_or_stays_as_if_the_worklist_had_been_imported(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    forms = holder_forms(clerk.get(f"{D}/today").text)
    told, missed = forms[0], forms[1]
    assert _record(clerk, told, "已告知", "本人接听").status_code == 303
    assert _record(clerk, missed, "未接通").status_code == 303
    after = holder_forms(clerk.get(f"{D}/today").text)
    assert told not in after and missed in after
    assert "今天已记：未接通（电话，clerk_a" in clerk.get(f"{D}/today").text
    with Registry(settings.inputs.registry) as registry:
        records = registry.records("anshan")
    assert {(r.by_whom, r.result, r.reminded_on, r.channel) for r in records} == {
        ("clerk_a", "已告知", TODAY, "电话"), ("clerk_a", "未接通", TODAY, "电话")
    }  # fmt: skip
    assert len(records) == len(told) + len(missed)
    with closing(connect(settings.database)) as db:
        entries = search(db, action="record_reminder")
    assert len(entries) == 2 and all(e.user == "clerk_a" and e.department == "anshan" for e in entries)
    assert _record(clerk, told, "已告知").status_code == 400  # gone from the list: not recorded twice


def test_no_result_is_preselected_and_a_record_without_one_is_refused(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(f"{D}/today").text
    selects = re.findall(r'<select id="result\d+" name="result" required>(.*?)</select>', page, re.S)
    assert selects and all(s.startswith('<option value="" selected>请选择</option>') for s in selects)
    assert all(s.count("selected") == 1 for s in selects)  # only the empty choice
    forms = holder_forms(page)
    answer = _record(clerk, forms[0], "")
    assert answer.status_code == 400 and "没有选择联系结果" in answer.text  # type: ignore[attr-defined]
    with Registry(settings.inputs.registry) as registry:
        assert registry.records("anshan") == []
    with closing(connect(settings.database)) as db:
        assert search(db, action="record_reminder") == []
    assert forms[0] in holder_forms(clerk.get(f"{D}/today").text)


def test_after_a_record_the_page_comes_back_at_the_next_household_saying_what_was_written(
    quiet_app: Starlette, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(f"{D}/today").text
    assert f'href="{D}/records?start={TODAY}&amp;end={TODAY}"' in page  # 更正 reachable from the top
    forms = holder_forms(page)
    answer = clerk.submit(
        f"{D}/today/record", {"c": forms[0], "result": "已告知", "channel": "电话", "next": forms[1][0]}
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("#done")
    back = clerk.get(answer.headers["location"]).text
    card = re.search(r'<li class="card holder"[^>]*>(.*?)</li>', back, re.S)
    assert card and 'id="done"' in card.group(1) and "下面是下一户" in card.group(1)
    assert "已登记：" in card.group(1) and f"{len(forms[0])} 张证照，已告知（电话，clerk_a）" in card.group(1)
    assert holder_forms(back)[0] == forms[1]  # the card it lands on is the next household
    assert '<a href="#recorded">' in back and 'id="recorded"' in back


def test_a_correction_is_a_new_record_that_supersedes_and_the_audit_log_shows_both(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    picks = holder_forms(clerk.get(f"{D}/today").text)[0]
    _record(clerk, picks[:1] if len(picks) == 1 else picks, "已告知")
    with Registry(settings.inputs.registry) as registry:
        first = registry.entries("anshan")[0]
    response = clerk.submit(
        f"{D}/records/{first.id}/correct", {"result": "未接通", "channel": "电话", "remark": "记错了"}
    )
    assert response.status_code == 303
    assert picks in holder_forms(clerk.get(f"{D}/today").text)  # not done after all: due again
    with Registry(settings.inputs.registry) as registry:
        entries = registry.entries("anshan")
    old = next(e for e in entries if e.id == first.id)
    new = next(e for e in entries if e.supersedes == first.id)
    assert old.record.result == "已告知" and old.superseded_by == new.id  # kept, not edited
    assert new.record.result == "未接通" and new.record.remark == "记错了"
    again = clerk.submit(f"{D}/records/{first.id}/correct", {"result": "其他", "channel": "电话"})
    assert again.status_code == 400  # a corrected record is corrected once; correct the new one
    with closing(connect(settings.database)) as db:
        actions = [e.action for e in search(db, department="anshan")]
    assert actions.count("record_reminder") == 1 and actions.count("correct_reminder") == 1
    page = clerk.get(f"{D}/records")
    assert f"已被第 {new.id} 条更正" in page.text and f"更正第 {first.id} 条" in page.text


def test_the_command_line_and_the_console_give_the_same_registry_and_the_same_next_day(
    built: Built, settings: ConsoleSettings, quiet_app: Starlette, clients: Clients, tmp_path: Path
) -> None:
    """One 登记簿 filled by `jiaozao remind` + `jiaozao record`, the other through HTTP: they must agree."""
    cli_root = tmp_path / "cli"
    shutil.copytree(built.root, cli_root, symlinks=True)
    cli = _settings(cli_root)
    common = cli_options(cli)
    out = tmp_path / "remind"
    assert main(["remind", *common, "--today", TODAY.isoformat(), "--out", str(out), "--dry-run"]) == 0
    worklist = out / "anshan" / "电话提醒清单.xlsx"
    groups = worklist_groups(worklist)
    results = {
        1: ("clerk_a", "电话", "已告知", "本人接听"), 2: ("clerk_a", "电话", "未接通", ""),
        3: ("clerk_a", "短信", "已申请延续", "已在网上提交"), 4: ("clerk_a", "电话", "号码有误", "空号"),
    }  # fmt: skip
    fill_worklist(worklist, results, TODAY)
    assert main(["record", str(worklist), *common, "--today", TODAY.isoformat()]) == 0

    clerk = clients(quiet_app, "clerk_a")
    on_page = holder_forms(clerk.get(f"{D}/today").text)
    for number, (_, channel, result, remark) in results.items():
        assert groups[number] in on_page
        assert _record(clerk, groups[number], result, remark, channel).status_code == 303

    assert registry_rows(settings.inputs.registry) == registry_rows(cli.inputs.db)
    assert len(registry_rows(settings.inputs.registry)) == sum(len(groups[n]) for n in results)
    assert _due(settings, TOMORROW) == _due(cli, TOMORROW)
    missed = {p for p in (*groups[2], *groups[4]) if p.split("\t")[1] >= TOMORROW.isoformat()}  # not expired
    tomorrow = {
        f"{key}\t{expires}\t{kind}"
        for slug, key, expires, kind in _due(settings, TOMORROW)
        if slug == "anshan"
    }
    certificates = {p.rsplit("\t", 1)[0] for p in tomorrow}
    assert missed and {p.rsplit("\t", 1)[0] for p in missed} <= certificates
    assert not {p.rsplit("\t", 1)[0] for p in (*groups[1], *groups[3])} & certificates
    wrong = {p.rsplit("\t", 1)[0] + "\t临期" for p in groups[4] if p.split("\t")[1] >= TOMORROW.isoformat()}
    assert wrong <= tomorrow  # 号码有误: 联系不上, straight to the 临期 list


def test_an_uploaded_worklist_is_checked_against_the_ledger_and_refused_whole(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, tmp_path: Path
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    download = clerk.get(f"{D}/today/worklist.xlsx")
    assert (
        download.status_code == 200 and "filename*=UTF-8''anshan-" in download.headers["content-disposition"]
    )
    path = tmp_path / "清单.xlsx"
    path.write_bytes(download.content)
    fill_worklist(path, {1: ("clerk_a", "电话", "已告知", ""), 2: ("clerk_a", "电话", "未接通", "")}, TODAY)
    book = openpyxl.load_workbook(path)
    book.active.cell(3, 6).value = "AS-NO-SUCH-1"  # a certificate number the ledger does not hold
    bad = tmp_path / "有错.xlsx"
    book.save(bad)
    refused = clerk.submit(f"{D}/today/worklist", files={"file": ("有错.xlsx", bad.read_bytes())})
    assert refused.status_code == 400 and "整个文件未登记" in refused.text and "AS-NO-SUCH-1" in refused.text
    assert registry_rows(settings.inputs.registry) == []
    other = clients(quiet_app, "clerk_b")  # dongli's clerk cannot import anshan's list through dongli's page
    wrong = other.submit(
        "/departments/dongli/today/worklist", files={"file": ("清单.xlsx", path.read_bytes())}
    )
    assert wrong.status_code == 400 and registry_rows(settings.inputs.registry) == []
    accepted = clerk.submit(f"{D}/today/worklist", files={"file": ("清单.xlsx", path.read_bytes())})
    assert accepted.status_code == 200 and "清单已登记" in accepted.text
    rows = registry_rows(settings.inputs.registry)
    assert rows and {r[10] for r in rows} == {"已告知", "未接通"}
    again = clerk.submit(f"{D}/today/worklist", files={"file": ("清单.xlsx", path.read_bytes())})
    assert "此前已登记" in again.text and registry_rows(settings.inputs.registry) == rows
    with closing(connect(settings.database)) as db:
        assert len(search(db, action="import_worklist", department="anshan")) == 3


def _cards(page: str) -> list[tuple[str, list[str]]]:
    """Return each household card's phone (digits only) and picks, in page order."""
    found = []
    for card in re.findall(r'<li class="card holder".*?</li>', page, re.S):
        phone = re.search(r"电话 ([^，<]*)", card)
        found.append((re.sub(r"\D", "", phone.group(1)) if phone else "", holder_forms(card)[0]))
    return found


def test_confirming_the_sms_file_names_it_shows_what_it_leaves_out_and_records_only_on_a_second_click(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    early = clerk.submit(f"{D}/today/sms")
    assert (
        early.status_code == 400 and "请先点“生成今天的文件”" in early.text
    )  # nothing handed out, nothing sent
    assert clerk.get(f"{D}/today/sms.csv").status_code == 404  # a GET makes no file: none made yet
    assert clerk.submit(f"{D}/today/files").status_code == 303  # 生成今天的文件: the file is made and kept
    batch = clerk.get(f"{D}/today/sms.csv")
    assert batch.status_code == 200 and batch.content.startswith("\ufeff手机号,短信内容".encode())
    lines = batch.content.decode("utf-8-sig").strip().splitlines()[1:]
    phones = [re.sub(r"\D", "", line.split(",")[0]) for line in lines]
    texted = [(phone, picks) for phone, picks in _cards(clerk.get(f"{D}/today").text) if phone in phones]
    assert len(texted) >= 3
    (wrong_phone, wrong), (_, told) = texted[0], texted[1]
    assert _record(clerk, wrong, "号码有误", "空号").status_code == 303  # after the download
    assert _record(clerk, told, "已告知").status_code == 303
    before = registry_rows(settings.inputs.registry)

    first = clerk.submit(f"{D}/today/sms")  # the first click: what will be recorded, nothing written
    assert first.status_code == 200 and registry_rows(settings.inputs.registry) == before
    text = text_of(first.text)
    assert re.search(rf"短信\.csv ，{TODAY} \d\d:\d\d 生成，共 {len(lines)} 条短信", text), text
    assert "今天已登记为“号码有误”：这个号码收不到短信" in text and "短信文件生成后已登记为“已告知”" in text
    assert f"不登记 {len(wrong) + len(told)} 项" in text and "已发送（未核实送达）" in text
    chosen = re.search(r'name="file" value="(\d+)"', first.text)
    assert chosen

    assert (
        clerk.submit(f"{D}/today/files").status_code == 303
    )  # made again: a new file, without the household told
    later = clerk.get(f"{D}/today/sms.csv")
    # without the household told, nor the wrong number (联系不上: on the 临期 list, staff's phone or visit)
    assert len(later.content.decode("utf-8-sig").strip().splitlines()) - 1 == len(lines) - 2
    second = clerk.submit(f"{D}/today/sms", {"file": chosen.group(1)})  # the file named on the first page
    assert second.status_code == 200 and "已登记短信发送（已发送，未核实送达）" in second.text
    with Registry(settings.inputs.registry) as registry:
        sms = [r for r in registry.records("anshan") if r.channel == "短信"]
    assert sms and {(r.result, r.by_whom, r.reminded_on) for r in sms} == {
        ("已发送（未核实送达）", "clerk_a", TODAY)
    }
    named = {f"{r.certificate.key[1]}\t{r.certificate.key[2]}\t{r.kind}" for r in sms}
    assert not named & {*wrong, *told}  # never a message to a wrong number or a holder told since
    shown = re.search(r"将登记 (\d+) 张证照", text)
    assert shown and len(sms) == int(shown.group(1)) and f"{len(sms)} 条新记录" in second.text
    assert wrong_phone not in "".join(r.remark for r in sms)
    again = clerk.submit(f"{D}/today/sms", {"file": chosen.group(1)})
    assert "0 条新记录" in again.text and len(registry_rows(settings.inputs.registry)) == len(before) + len(
        sms
    )
    with closing(connect(settings.database)) as db:
        assert len(search(db, action="confirm_sms")) == 2
    assert clerk.submit(f"{D}/today/sms", {"file": "99999"}).status_code == 400


def test_a_ledger_dropping_a_row_mid_day_does_not_break_the_mornings_worklist(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, tmp_path: Path
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    morning = tmp_path / "上午的清单.xlsx"
    assert clerk.submit(f"{D}/today/files").status_code == 303  # the morning's files made, its list kept
    morning.write_bytes(clerk.get(f"{D}/today/worklist.xlsx").content)
    groups = worklist_groups(morning)
    fill_worklist(morning, {n: ("clerk_a", "电话", "已告知", "") for n in (1, 2, 3)}, TODAY)
    filled = [r for r in openpyxl.load_workbook(morning).active.iter_rows(min_row=2) if r[13].value]
    dropped = str(filled[-1][5].value)  # the last filled row's 证照编号
    ledger = settings.inputs.ledgers / "anshan.xlsx"  # mid-day, a new 台账 without that certificate
    book = openpyxl.load_workbook(ledger)
    sheet = book.active
    (row,) = [r[0].row for r in sheet.iter_rows(min_row=4) if str(r[4].value) == dropped]
    sheet.delete_rows(row)
    book.save(ledger)
    assert dropped not in clerk.get(f"{D}/today?page=1").text  # the console reads the new 台账

    returned = clerk.submit(f"{D}/today/worklist", files={"file": ("上午的清单.xlsx", morning.read_bytes())})
    assert returned.status_code == 200 and f"清单已登记：{len(filled)} 条新记录" in returned.text
    assert "1 行已不在台账中，仍按清单登记" in returned.text
    warnings = re.findall(r'<tr class="warn">(.*?)</tr>', returned.text, re.S)
    assert len(warnings) == 1 and f">{filled[-1][0].row}<" in warnings[0] and dropped in warnings[0]
    assert "仍按清单登记了这一行" in warnings[0] and "证照编号（F 列）" in warnings[0]
    rows = registry_rows(settings.inputs.registry)
    assert len(rows) == len(filled) == sum(len(groups[n]) for n in (1, 2, 3))
    assert dropped in {r[3] for r in rows}


def test_the_worklist_result_starts_empty_and_a_date_without_a_result_is_reported_by_its_row(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, tmp_path: Path
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    path = tmp_path / "清单.xlsx"
    path.write_bytes(clerk.get(f"{D}/today/worklist.xlsx").content)
    sheet = openpyxl.load_workbook(path).active
    result = COLUMN["联系结果"]
    assert all(
        r[result].value is None for r in sheet.iter_rows(min_row=2)
    )  # nothing chosen before anyone did
    (rule,) = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith("Q2")]
    assert rule.allow_blank and "已告知" in rule.formula1 and "已发送（未核实送达）" not in rule.formula1
    fill_worklist(path, {1: ("clerk_a", "电话", "已告知", ""), 2: ("clerk_a", "电话", "", "")}, TODAY)
    rows = [r[0].row for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2) if r[1].value == 2]
    refused = clerk.submit(f"{D}/today/worklist", files={"file": ("清单.xlsx", path.read_bytes())})
    assert refused.status_code == 400 and "整个文件未登记" in refused.text
    errors = re.findall(r'<tr class="err">(.*?)</tr>', refused.text, re.S)
    for row in rows:
        (error,) = [e for e in errors if f">{row}<" in e]
        assert "联系结果（Q 列）" in error and "填了提醒日期，但没有选择联系结果" in error
        assert "请在这一行的“联系结果”中选出实际结果" in error
    assert registry_rows(settings.inputs.registry) == []


def test_letters_one_per_holder_and_all_as_one_document(quiet_app: Starlette, clients: Clients) -> None:
    clerk = clients(quiet_app, "clerk_a")
    counted = re.search(r"<strong>(\d+)</strong> 户", clerk.get(f"{D}/today").text)
    assert counted
    holders = int(counted.group(1))
    one = clerk.get(f"{D}/today/letters/1")
    assert one.status_code == 200 and "证照到期提醒函" in one.text
    csp = one.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert one.headers["cache-control"] == "no-store"
    every = clerk.get(f"{D}/today/letters")
    assert every.text.count('<article class="letter">') == holders and "<script" not in every.text
    assert every.headers["content-security-policy"] == csp
    # titled by the department and the day, not by the first household
    title = f"鞍山市行政审批局 2026年11月23日 函告（共 {holders} 份）"
    assert f"<title>{title}</title>" in every.text and f'<h1 class="batch">{title}</h1>' in every.text
    assert ".letter + .letter { break-before: page;" in every.text  # each letter on its own page
    references = re.findall(r"编号：(anshan-20261123-\d{3})", every.text)
    assert references == [f"anshan-20261123-{n:03d}" for n in range(1, holders + 1)]
    assert "编号：anshan-20261123-001" in one.text and "<title>证照到期提醒函 · " in one.text
    assert clerk.get(f"{D}/today/letters/{holders + 1}").status_code == 404
    assert clerk.get(f"{D}/today/letters/0").status_code == 404


def test_no_phone_number_in_any_address_and_nothing_on_the_public_site(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(f"{D}/today").text
    addresses = re.findall(r'(?:href|action)="([^"]*)"', page)
    assert addresses and not [a for a in addresses if re.search(r"1[3-9]\d{9}|\d{3,4}-\d{7,8}", a)]
    _record(clerk, holder_forms(page)[0], "已告知", "只在登记簿中的备注：叫早甲乙丙")
    for path in (*settings.site.rglob("*"), *settings.index.rglob("*")):
        if path.is_file():
            assert "叫早甲乙丙".encode() not in path.read_bytes(), path


def test_refused_and_forged_records_change_nothing(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    picks = holder_forms(clerk.get(f"{D}/today").text)[0]
    form = {"c": picks, "result": "已告知", "channel": "电话"}
    assert clerk.post(f"{D}/today/record", data=form).status_code == 403  # no CSRF token
    assert clerk.post(f"{D}/today/record", data={**form, "csrf": "forged"}).status_code == 403
    assert clients(quiet_app, "inspector").submit(f"{D}/today/record", form).status_code == 403
    other = clients(quiet_app, "clerk_b")
    assert other.submit(f"{D}/today/record", form).status_code == 403
    assert (
        other.submit("/departments/dongli/today/record", form).status_code == 400
    )  # anshan's, not due in dongli
    assert clerk.submit(f"{D}/today/record", {**form, "c": ["AS-FAKE\t2026-12-01\t首次"]}).status_code == 400
    assert clerk.submit(f"{D}/today/record", {**form, "result": "已发送了"}).status_code == 400
    assert clerk.submit(f"{D}/today/record", {**form, "remark": "长" * 201}).status_code == 400
    assert registry_rows(settings.inputs.registry) == []
    assert "Traceback" not in clerk.submit(f"{D}/records/abc/correct", form).text


def test_the_monthly_batch_appears_on_its_day_for_departments_that_run_it(
    settings: ConsoleSettings, clients: Clients
) -> None:
    from console.app import create_app

    batch_day = replace(settings, today=date(2026, 12, 15))
    app = create_app(batch_day, start_jobs=False)
    try:
        admin = clients(app, "admin")
        weijian = admin.get("/departments/anshan-weijian/today")
        assert "今天是每月叫早日" in weijian.text
        monthly = admin.get("/departments/anshan-weijian/today?monthly=1")
        assert monthly.status_code == 200 and "每月叫早（2026-12-15）" in monthly.text
        assert "每月叫早" not in admin.get("/departments/dongli/today").text
    finally:
        app.state.console.close()
    app = create_app(settings, start_jobs=False)
    try:
        page = clients(app, "admin").get("/departments/anshan-weijian/today")
        assert "下一个叫早日是 2026-12-15" in page.text
    finally:
        app.state.console.close()
