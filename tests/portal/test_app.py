"""The portal over httpx: lookups, search, calendar files, errors in one shape, and what it never shows."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest

from portal.certificate import CertificateView
from portal.openapi import openapi_document
from portal.store import IndexStore
from tests.portal.client import AppClient
from tests.portal.conftest import (
    HUAYU_HOLDERS,
    PERSON,
    PERSON_NUMBER,
    PERSON_PHONE,
    TODAY,
    XSS_HOLDER,
    PortalData,
    make_app,
)  # fmt: skip


def test_lookup_page_shows_status_dates_and_the_renewal_guide(client: AppClient) -> None:
    page = client.get("/lookup", params={"no": "HY-0000"})
    assert page.status_code == 200
    text = _text(page.text)
    for expected in ("排污许可证", "无锡华宇科技有限公司", "2027年3月1日", "有效", "还有 98 天到期", "首次提醒日期",
                     "续证要带的材料", "办理地点", "咨询电话", "办公时间", "网上办理", "法定申请截止"):  # fmt: skip
        assert expected in text, expected
    assert 'href="/certificates/HY0000.ics?department=anshan"' in page.text


@pytest.mark.parametrize("typed", ["hy-0000", "ＨＹ－００００", " HY 0000 ", "hy0000", "HY—0000"])
def test_numbers_are_normalised(client: AppClient, typed: str) -> None:
    assert client.get("/api/v1/certificates/" + quote(typed, safe="")).json()["number"] == "HY-0000"


def test_an_expired_certificate_says_what_to_do_now(client: AppClient) -> None:
    text = _text(client.get("/lookup", params={"no": "exp-2026-0001"}).text)
    assert "已过期" in text and "已过期 53 天" in text
    assert "证照已过期，现在怎么办" in text and "重新申请" in text


def test_not_found_says_what_to_check_and_whom_to_call(client: AppClient) -> None:
    page = client.get("/lookup", params={"no": "NO-SUCH-1"})
    assert page.status_code == 404
    text = _text(page.text)
    assert "没有找到证照编号“NO-SUCH-1”" in text and "字母 O 和数字 0" in text
    assert "鞍山市行政审批局：【示例】0412-0000000" in text


def test_status_and_days_left_are_computed_on_the_day_of_the_request(portal_data: PortalData) -> None:
    from portal.config import PortalConfig

    config = PortalConfig(portal_data.index_dir, rate_limit=0)
    answers = {}
    for day in (date(2026, 11, 23), date(2027, 1, 20), date(2027, 3, 2)):
        with AppClient(make_app(config, today=day)) as client:
            body = client.get("/api/v1/certificates/HY-0000").json()
            answers[day] = (body["status"], body["days_left"])
    assert answers == {
        date(2026, 11, 23): ("有效", 98),
        date(2027, 1, 20): ("即将到期", 40),
        date(2027, 3, 2): ("已过期", -1),
    }


def test_api_gives_the_documented_facts(client: AppClient) -> None:
    body = client.get("/api/v1/certificates/HY-0000").json()
    _conforms(body, "Certificate")
    assert body["holder"] == "无锡华宇科技有限公司" and body["department_code"] == "anshan"
    assert body["expires_on"] == "2027-03-01" and body["estimated"] is True
    assert body["first_reminder_on"] < body["second_reminder_on"] < body["expires_on"]
    renewal = body["renewal"]
    assert renewal["materials"] and renewal["phone"] and renewal["address"] and renewal["hours"]
    assert renewal["online_url"].startswith("https://") and renewal["guide_url"].endswith(".html")


def test_search_finds_every_holder_containing_the_query(client: AppClient) -> None:
    body = client.get("/api/v1/search", params={"q": "华宇"}).json()
    _conforms(body, "SearchResult")
    assert sorted(r["holder"] for r in body["results"]) == sorted(HUAYU_HOLDERS)
    narrower = client.get("/api/v1/search", params={"q": "无锡华宇"}).json()["results"]
    assert sorted(r["holder"] for r in narrower) == ["无锡华宇科技有限公司", "江苏无锡华宇物流有限公司"]
    assert (
        client.get("/api/v1/search", params={"q": "宇华"}).json()["results"] == []
    )  # bigrams alone would not do


def test_search_by_certificate_name_and_department(client: AppClient) -> None:
    body = client.get("/api/v1/search", params={"q": "排污许可", "department": "anshan"}).json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert {r["certificate"] for r in body["results"]} == {"排污许可证"}
    other = client.get("/api/v1/search", params={"q": "华宇", "department": "dongli"}).json()
    assert other["results"] == []


def test_natural_persons_are_never_found_by_name(client: AppClient) -> None:
    for q in (PERSON, PERSON[:2], PERSON[1:3], "娜娜"):
        assert client.get("/api/v1/search", params={"q": q}).json()["results"] == []
    assert all(not r["holder"].endswith("*") or "*" in r["number"]
               for r in client.get("/api/v1/search", params={"q": "采矿许可"}).json()["results"])  # fmt: skip


def test_a_persons_certificate_is_found_by_number_but_shown_masked(client: AppClient) -> None:
    body = client.get(f"/api/v1/certificates/{PERSON_NUMBER}").json()
    assert body["holder"] == "欧阳**" and PERSON_NUMBER not in body["number"]
    page = client.get("/lookup", params={"no": PERSON_NUMBER}).text
    assert PERSON not in page and "欧阳**" in html.unescape(page)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/certificates/" + "A" * 65,
        "/api/v1/certificates/AB%00CD",
        "/api/v1/certificates/AB%1BCD",
        "/api/v1/certificates/%20%20",
        "/api/v1/search?q=" + "华" * 65,
        "/api/v1/search?q=华",
        "/api/v1/search?q=",
        "/api/v1/search?q=华宇&department=nowhere",
        "/certificates/" + "A" * 65 + ".ics",
    ],
)
def test_malformed_input_is_422_in_the_error_shape(client: AppClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    _conforms(response.json(), "Error")
    assert response.json()["error"]["message"]


def test_malformed_number_on_the_page_is_explained(client: AppClient) -> None:
    page = client.get("/lookup", params={"no": "A" * 70})
    assert page.status_code == 422 and "最长 64 个字符" in page.text


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/certificates/NO-SUCH-1", 404), ("/api/v1/nothing", 404), ("/certificates/NO-SUCH-1.ics", 404)],
)
def test_unknown_things_are_404_in_the_error_shape(client: AppClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    _conforms(response.json(), "Error")


def test_other_methods_are_refused_in_the_error_shape(client: AppClient) -> None:
    response = client.post("/api/v1/certificates/HY-0000")
    assert response.status_code == 405
    _conforms(response.json(), "Error")


def test_an_html_404_is_a_page(client: AppClient) -> None:
    page = client.get("/no-such-page")
    assert (
        page.status_code == 404
        and "没有这个页面" in page.text
        and page.headers["content-type"].startswith("text/html")
    )


def test_xss_in_a_holder_name_is_shown_as_text(client: AppClient) -> None:
    for path in ("/lookup?no=XSS-0001", "/embed?no=XSS-0001"):
        page = client.get(path).text
        assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert client.get("/api/v1/certificates/XSS-0001").json()["holder"] == XSS_HOLDER
    reflected = client.get("/lookup", params={"no": '"><script>alert(2)</script>'}).text
    assert "<script>alert(2)" not in reflected


def test_calendar_file_has_the_dates(client: AppClient) -> None:
    response = client.get("/certificates/hy-0000.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 4 and "DTSTART;VALUE=DATE:20270301" in body
    unfolded = body.replace("\r\n ", "")
    assert "无锡华宇科技有限公司" in unfolded and "办理地点" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_embed_is_compact(client: AppClient) -> None:
    page = client.get("/embed", params={"no": "HY-0000"})
    assert (
        page.status_code == 200 and 'class="embed"' in page.text and '<header class="bar">' not in page.text
    )


def test_healthz(client: AppClient) -> None:
    body = client.get("/healthz").json()
    _conforms(body, "Health")
    assert body["status"] == "ok" and body["certificates"] > 2500


def test_openapi_lists_exactly_the_api_routes(client: AppClient) -> None:
    document = client.get("/openapi.json").json()
    assert document == openapi_document()
    assert set(document["paths"]) == {
        "/api/v1/certificates/{number}", "/api/v1/search", "/certificates/{number}.ics", "/healthz",
    }  # fmt: skip


def test_no_personal_data_in_any_response(client: AppClient, portal_data: PortalData) -> None:
    ledger = portal_data.ledger
    secrets = (
        {*ledger.id_number, *ledger.phone, *ledger.email} | {c for c in ledger.contact if len(c) > 1}
    ) - {""}
    persons = {h for h, p in zip(ledger.holder, ledger.person, strict=True) if p}
    assert PERSON_PHONE in secrets and PERSON in persons
    numbers = [*[n for n in ledger.number if n][::25], "XSS-0001", PERSON_NUMBER, "HY-0001"]
    bodies = []
    for number in numbers:
        for path in (f"/lookup?no={quote(number)}", f"/embed?no={quote(number)}",
                     f"/api/v1/certificates/{quote(number, safe='')}", f"/certificates/{quote(number, safe='')}.ics"):  # fmt: skip
            bodies.append(html.unescape(client.get(path).text))
    for q in ("有限公司", "诊所", "采矿许可", "饭店", "华宇"):
        bodies.append(client.get("/api/v1/search", params={"q": q}).text)
    text = "\n".join(bodies)
    assert sorted(s for s in secrets if s in text) == []
    assert sorted(p for p in persons if p in text) == []
    assert re.search(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", text) is None


def test_a_crash_is_a_json_500_without_a_traceback(client_for: Callable[..., AppClient]) -> None:
    client = client_for()
    portal = client.app.state.portal  # type: ignore[attr-defined]

    def broken() -> date:
        raise RuntimeError("boom in the core")

    portal.today = broken
    response = client.get("/api/v1/certificates/HY-0000")
    assert response.status_code == 500
    _conforms(response.json(), "Error")
    assert "boom" not in response.text and "Traceback" not in response.text
    page = client.get("/lookup?no=HY-0000")
    assert page.status_code == 500 and "Traceback" not in page.text and "系统出了点问题" in page.text


# -- helpers ----------------------------------------------------------------------------------------


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _conforms(value: Any, schema_name: str) -> None:
    """Check a JSON value against a schema of openapi.json (types, required, enums, maxItems, $ref)."""
    schemas = openapi_document()["components"]["schemas"]
    _check(value, schemas[schema_name], schemas, schema_name)


def _check(value: Any, schema: dict[str, Any], schemas: dict[str, Any], where: str) -> None:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    python = {
        "string": str,
        "integer": int,
        "boolean": bool,
        "object": dict,
        "array": list,
        "null": type(None),
    }
    if kinds:
        assert any(
            isinstance(value, python[k]) and not (k == "integer" and isinstance(value, bool)) for k in kinds
        ), (where, value)
    if "enum" in schema:
        assert value in schema["enum"], (where, value)
    if isinstance(value, str) and schema.get("format") == "date":
        date.fromisoformat(value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        assert set(schema.get("required", ())) <= set(value), (
            where,
            set(schema.get("required", ())) - set(value),
        )
        assert set(value) <= set(properties), (where, set(value) - set(properties))
        for key, item in value.items():
            _check(item, properties[key], schemas, f"{where}.{key}")
    if isinstance(value, list):
        assert len(value) <= schema.get("maxItems", len(value)), where
        for item in value:
            _check(item, schema.get("items", {}), schemas, f"{where}[]")


def test_the_fast_json_body_equals_the_documented_one(portal_data: PortalData) -> None:
    generation = IndexStore(portal_data.index_dir).current()
    for line in (generation.numbers.records[:200_000].decode(errors="ignore").splitlines())[:300]:
        key = line.split("\t")[0]
        for found in generation.lookup(key):
            certificate = CertificateView.of(found, generation.items, TODAY)
            assert json.loads(certificate.json_body()) == certificate.as_json()


def test_a_passed_application_deadline_is_never_given_as_advice(portal_data: PortalData) -> None:
    from portal.config import PortalConfig

    config = PortalConfig(portal_data.index_dir, rate_limit=0)
    with AppClient(make_app(config, today=TODAY)) as client:
        before = client.get("/api/v1/certificates/HY-0000").json()
    deadline, expires = (
        date.fromisoformat(before["renewal"]["deadline"]),
        date.fromisoformat(before["expires_on"]),
    )
    assert before["deadline_passed"] is False and deadline < expires
    day = date.fromordinal(deadline.toordinal() + 1)
    with AppClient(make_app(config, today=day)) as client:
        body = client.get("/api/v1/certificates/HY-0000").json()
        _conforms(body, "Certificate")
        assert body["deadline_passed"] is True and body["status"] != "已过期"
        shown = f"{deadline.year}年{deadline.month}月{deadline.day}日"
        for path in ("/lookup", "/embed"):
            text = _text(client.get(path, params={"no": "HY-0000"}).text)
            assert "法定申请截止日已过，请立即联系办理部门" in text and shown in text, path
            assert "最迟" not in text, path
        calendar = client.get("/certificates/HY-0000.ics").text
    starts = [
        date.fromisoformat(f"{s[:4]}-{s[4:6]}-{s[6:]}")
        for s in re.findall(r"DTSTART;VALUE=DATE:(\d{8})", calendar)
    ]
    assert starts and min(starts) >= day  # nothing in the past that would alert
    assert "已过" in calendar.replace("\r\n ", "")
    with AppClient(make_app(config, today=date.fromordinal(expires.toordinal() + 1))) as client:
        assert (
            client.get("/api/v1/certificates/HY-0000").json()["deadline_passed"] is False
        )  # expired instead
