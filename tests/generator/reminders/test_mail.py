"""Email against real SMTP servers on 127.0.0.1: one that accepts, one that refuses, one that drops, one that hangs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from generator.cli import main
from generator.reminders.mail import MailError, SmtpSettings, header_text, send_all
from generator.reminders.registry import Registry
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY


class Inbox:
    """Accepts every message, except to addresses at refuse.example (550)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.endswith("@refuse.example"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _raw_server(greet: bool) -> tuple[int, threading.Event]:
    """Start a TCP server that greets then drops the connection at the first command, or never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                if greet:
                    connection.sendall(b"220 dropper ESMTP\r\n")
                    connection.recv(1024)
                else:
                    stop.wait(3)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1]), stop


@pytest.fixture
def mail_ledger(tmp_path: Path) -> Path:
    rows = [list(r) for r in ROWS]
    rows[6][6] = "ji@refuse.example"  # 己超市
    rows[2][6] = "yi@example.com"  # 乙诊所
    write_xlsx(tmp_path / "mail-ledgers" / "anshan-weijian.xlsx", [HEADER, *rows])
    return tmp_path / "mail-ledgers"


def _smtp(monkeypatch: pytest.MonkeyPatch, port: int, timeout: str = "5") -> None:
    monkeypatch.setenv("JIAOZAO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("JIAOZAO_SMTP_PORT", str(port))
    monkeypatch.setenv("JIAOZAO_SMTP_FROM", "jiaozao@bureau.example")
    monkeypatch.setenv("JIAOZAO_SMTP_TIMEOUT", timeout)


def _args(catalogs_dir: Path, ledgers: Path, tmp_path: Path, out: str) -> list[str]:
    return [
        "remind", "--catalogs", str(catalogs_dir), "--ledgers", str(ledgers), "--db", str(tmp_path / "db.sqlite"),
        "--today", TODAY, "--out", str(tmp_path / out),
    ]  # fmt: skip


def _emailed(tmp_path: Path) -> list[str]:
    with Registry(tmp_path / "db.sqlite") as registry:
        return sorted(r.certificate.number for r in registry.records() if r.channel == "电子邮件")


def test_sent_mail_is_recorded_and_refused_mail_stays_due(
    inbox: tuple[Inbox, int], catalogs_dir: Path, mail_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    handler, port = inbox
    _smtp(monkeypatch, port)
    assert main(_args(catalogs_dir, mail_ledger, tmp_path, "day1")) == 1  # a failure is an exit 1 for cron
    err = capsys.readouterr().err
    assert "己超市" in err and "550" in err and "发送失败" in err
    assert sorted(to[0] for to, _ in handler.messages) == ["jia@example.com", "yi@example.com"]
    jia = next(content for to, content in handler.messages if to == ["jia@example.com"])
    letter = message_from_bytes(jia, policy=default)
    body = letter.get_body().get_content()  # type: ignore[union-attr]
    assert "WJ-1" in body and "WJ-2" in body and "证照到期提醒" in str(letter["Subject"])
    assert _emailed(tmp_path) == ["WJ-1", "WJ-2", "WJ-3"]
    assert main(_args(catalogs_dir, mail_ledger, tmp_path, "day1-again")) == 1
    assert len(handler.messages) == 2  # nothing sent twice; 己超市 tried again and refused again
    sheet = openpyxl.load_workbook(tmp_path / "day1-again" / "anshan-weijian" / "电话提醒清单.xlsx").active
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["WJ-7"]


@pytest.mark.parametrize("greet", [True, False], ids=["drops", "times-out"])
def test_a_server_that_drops_or_hangs_marks_nothing_sent(
    greet: bool, catalogs_dir: Path, mail_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    port, stop = _raw_server(greet)
    _smtp(monkeypatch, port, timeout="0.5")
    try:
        assert main(_args(catalogs_dir, mail_ledger, tmp_path, "out")) == 1
    finally:
        stop.set()
    err = capsys.readouterr().err
    assert "3 封邮件发送失败" in err and ("断开" in err or "超时" in err)
    assert _emailed(tmp_path) == []


def test_without_a_host_nothing_is_sent_and_the_command_says_so(
    catalogs_dir: Path, mail_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.delenv("JIAOZAO_SMTP_HOST", raising=False)
    assert main(_args(catalogs_dir, mail_ledger, tmp_path, "out")) == 0
    assert "未设置邮件服务器" in capsys.readouterr().err and _emailed(tmp_path) == []


def test_a_dry_run_writes_eml_files_and_records_nothing(
    inbox: tuple[Inbox, int],
    catalogs_dir: Path,
    mail_ledger: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, port = inbox
    _smtp(monkeypatch, port)
    assert main([*_args(catalogs_dir, mail_ledger, tmp_path, "out"), "--dry-run"]) == 0
    files = sorted((tmp_path / "out" / "anshan-weijian" / "邮件").glob("*.eml"))
    assert [f.name for f in files] == ["001-乙诊所.eml", "002-甲酒店.eml", "003-己超市.eml"]
    letter = message_from_bytes(files[1].read_bytes(), policy=default)
    assert letter["To"] == "jia@example.com" and "WJ-2" in letter.get_body().get_content()  # type: ignore[union-attr]
    assert handler.messages == [] and _emailed(tmp_path) == []


def test_settings_come_from_the_environment_or_a_file_outside_the_project(tmp_path: Path) -> None:
    assert SmtpSettings.read({}) is None
    config = tmp_path / "smtp.env"
    config.write_text(
        "# 邮件\nJIAOZAO_SMTP_HOST=mail.example\nJIAOZAO_SMTP_FROM=a@b.example\nJIAOZAO_SMTP_STARTTLS=1\n"
    )
    settings = SmtpSettings.read({"JIAOZAO_SMTP_CONFIG": str(config), "JIAOZAO_SMTP_PORT": "587"})
    assert settings is not None and (settings.host, settings.port, settings.starttls) == (
        "mail.example",
        587,
        True,
    )
    with pytest.raises(MailError, match="项目"):
        SmtpSettings.read({"JIAOZAO_SMTP_CONFIG": str(Path(__file__))})
    with pytest.raises(MailError, match="FROM"):
        SmtpSettings.read({"JIAOZAO_SMTP_HOST": "127.0.0.1"})


def test_a_cell_with_two_addresses_gets_no_mail_and_is_a_problem_row(
    inbox: tuple[Inbox, int], catalogs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][6] = "victim@example.com,attacker@evil.example"  # 甲酒店
    rows[2][6] = "乙 <yi@example.com>"  # 乙诊所: a display name
    write_xlsx(tmp_path / "two" / "anshan-weijian.xlsx", [HEADER, *rows])
    handler, port = inbox
    _smtp(monkeypatch, port)
    assert main(_args(catalogs_dir, tmp_path / "two", tmp_path, "out")) == 0
    assert handler.messages == [] and _emailed(tmp_path) == []
    problems = (tmp_path / "out" / "问题清单.csv").read_text(encoding="utf-8-sig")
    assert "victim@example.com,attacker@evil.example" in problems and "乙 <yi@example.com>" in problems
    assert "一个邮箱地址" in problems


def test_mail_is_never_sent_to_more_than_one_mailbox(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    settings = SmtpSettings("127.0.0.1", port, False, "", "", "jiaozao@bureau.example", 5)
    message = EmailMessage()
    message["To"] = "victim@example.com, attacker@evil.example"
    message["From"] = "jiaozao@bureau.example"
    message.set_content("x")
    (outcome,) = send_all(settings, [(None, message)])  # type: ignore[list-item]
    assert "不是一个有效的邮箱地址" in outcome.error and handler.messages == []


@pytest.mark.parametrize(
    "text", ["东丽区\n政务服务办公室", "东丽区\r\nBcc: x@evil.example", "东丽区\u2028政务\x00服务办公室"]
)
def test_header_values_are_one_line(text: str) -> None:
    cleaned = header_text(text)
    assert (
        "\n" not in cleaned
        and "\r" not in cleaned
        and "\x00" not in cleaned
        and cleaned.startswith("东丽区 ")
    )


def test_a_department_name_with_a_line_break_still_gets_its_mail_out(
    catalogs_dir: Path, mail_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = catalogs_dir / "anshan-weijian" / "department.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "名称: 鞍山市行政审批局（卫生健康审批）", '名称: "鞍山市\\n卫健"'
    )
    path.write_text(text, encoding="utf-8")
    assert main([*_args(catalogs_dir, mail_ledger, tmp_path, "out"), "--dry-run"]) == 0
    eml = sorted((tmp_path / "out" / "anshan-weijian" / "邮件").glob("*.eml"))[0]
    letter = message_from_bytes(eml.read_bytes(), policy=default)
    assert str(letter["From"]).startswith("鞍山市 卫健 <") and "\n" not in str(letter["Subject"])
