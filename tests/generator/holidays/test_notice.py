"""Reading a notice: every form since 2007, each year's fixture, and every problem reported together."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from generator.holidays.notice import Notice, parse_notice
from generator.holidays.text import decode_notice
from generator.problems import InputError
from tests.generator.holidays.conftest import BAD, CHANGES, YEARS, notice_file

HEAD = "国务院办公厅关于{year}年部分节假日安排的通知\n经国务院批准，现将{year}年元旦、春节等放假调休日期的具体安排通知如下。\n"


def parse(body: str, year: int = 2026) -> Notice:
    return parse_notice(HEAD.format(year=year) + body, "通知.txt")


def span(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(i) for i in range((last - first).days + 1))


@pytest.mark.parametrize(
    ("year", "body", "rest", "work"),
    [
        pytest.param(
            2026,
            "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。",
            span(date(2026, 1, 1), date(2026, 1, 3)),
            (date(2026, 1, 4),),
            id="range-in-month",
        ),
        pytest.param(
            2008,
            "七、国庆节：9月29日至10月5日放假调休，共7天。9月27日（星期六）、9月28日（星期日）上班。",
            span(date(2008, 9, 29), date(2008, 10, 5)),
            (date(2008, 9, 27), date(2008, 9, 28)),
            id="range-across-months",
        ),
        pytest.param(
            2019,
            "一、元旦：12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。",
            span(date(2018, 12, 30), date(2019, 1, 1)),
            (date(2018, 12, 29),),
            id="range-across-years-start-without-year",
        ),
        pytest.param(
            2023,
            "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。",
            span(date(2022, 12, 31), date(2023, 1, 2)),
            (),
            id="range-across-years",
        ),
        pytest.param(
            2026,
            "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。",
            span(date(2026, 2, 15), date(2026, 2, 23)),
            (),
            id="lunar-notes",
        ),
        pytest.param(2019, "三、清明节：4月5日放假，共1天。", (date(2019, 4, 5),), (), id="single-day"),
        pytest.param(
            2019, "五、端午节：6月7日放假，与周末连休。", (date(2019, 6, 7),), (), id="with-weekend"
        ),
        pytest.param(
            2017,
            "一、元旦：1月1日放假，1月2日（星期一）补休。",
            (date(2017, 1, 1), date(2017, 1, 2)),
            (),
            id="buxiu",
        ),
        pytest.param(
            2023,
            "二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。",
            span(date(2023, 1, 21), date(2023, 1, 27)),
            (date(2023, 1, 28), date(2023, 1, 29)),
            id="several-make-up-days",
        ),
        pytest.param(
            2013,
            "一、元旦:1月1日至3日放假调休,共3天。1月5日(周六)、1月6日(周日)上班。",
            span(date(2013, 1, 1), date(2013, 1, 3)),
            (date(2013, 1, 5), date(2013, 1, 6)),
            id="half-width",
        ),
        pytest.param(
            2023,
            "七、中秋节、国庆节：\n  9月29日 至 10月6日放假调休，\n共8天。10月7日（周六）、\n10月8日（周日）上班。",
            span(date(2023, 9, 29), date(2023, 10, 6)),
            (date(2023, 10, 7), date(2023, 10, 8)),
            id="combined-own-line-spaces-breaks",
        ),
        pytest.param(
            2010,
            "二、春节：2月13日至19日放假调休，共7天。2月20日（星期六）、21日（星期日）上班。",
            span(date(2010, 2, 13), date(2010, 2, 19)),
            (date(2010, 2, 20), date(2010, 2, 21)),
            id="day-without-month",
        ),
        pytest.param(
            2007,
            "二、春节：2月18日—24日（即农历大年初一至初七）放假，共7天。其中18日、19日、20日为法定假日，"
            "将17日（星期六)、18日（星期日)、25日（星期日）三个公休日分别调至21日（星期三)、22日（星期四)、"
            "23日（星期五)；24日（星期六）照常公休，17日、25日上班。",
            span(date(2007, 2, 18), date(2007, 2, 24)),
            (date(2007, 2, 17), date(2007, 2, 25)),
            id="2007-moved-rest-days",
        ),
        pytest.param(
            2009,
            "三、清明节4月4日至6日放假，共3天。其中，4月4日（星期六、农历清明当日）为法定节假日。",
            span(date(2009, 4, 4), date(2009, 4, 6)),
            (),
            id="head-without-colon",
        ),
        pytest.param(
            2025, "一、元旦：1月1日（周三）放假1天，不调休。", (date(2025, 1, 1),), (), id="not-moved"
        ),
        pytest.param(
            2024,
            "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。"
            "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",
            span(date(2024, 2, 10), date(2024, 2, 17)),
            (date(2024, 2, 4), date(2024, 2, 18)),
            id="encouraged-day-off-not-a-holiday",
        ),
    ],
)
def test_every_form(year: int, body: str, rest: tuple[date, ...], work: tuple[date, ...]) -> None:
    (item,) = parse(body, year).items
    assert (item.rest, item.work) == (rest, work)


def test_a_reprint_without_item_numbers_keeps_its_items() -> None:
    notice = parse(
        "元旦:1月1日至3日放假调休,共3天,1月4日(星期日)上班。\n"
        "清明节:4月5日放假,4月6日(星期一)补休。劳动节:5月1日放假,与周末连休。\n",
        2015,
    )
    assert [item.name for item in notice.items] == ["元旦", "清明节", "劳动节"]
    assert notice.items[1].rest == (date(2015, 4, 5), date(2015, 4, 6))


def test_the_2026_notice_as_published() -> None:
    notice = parse_notice(notice_file(2026).read_text(encoding="utf-8"), "2026.txt")
    assert (notice.year, notice.ref, notice.issued, notice.change) == (
        2026,
        "国办发明电〔2025〕7号",
        date(2025, 11, 4),
        False,
    )
    assert [item.name for item in notice.items] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]
    assert [item.stated_days for item in notice.items] == [3, 9, 3, 5, 3, 3, 7]
    assert notice.items[-1].work == (date(2026, 9, 20), date(2026, 10, 10))


@pytest.mark.parametrize("year", YEARS)
def test_each_years_notice_reads_cleanly(year: int) -> None:
    path = notice_file(year)
    notice = parse_notice(decode_notice(path.read_bytes(), path.name), path.name)
    assert notice.year == year and not notice.change
    assert len(notice.items) >= 4 and all(item.rest for item in notice.items)
    assert notice.ref.endswith(("号", "日通知"))


def test_without_wenhao_the_notice_is_named_by_its_date() -> None:
    notice = parse_notice(notice_file(2009).read_text(encoding="utf-8"), "2009.txt")
    assert (notice.ref, notice.issued) == ("2008年12月10日通知", date(2008, 12, 10))


@pytest.mark.parametrize(
    ("name", "year", "item", "rest", "work", "extend_to"),
    [
        (
            "2015-纪念日调休.txt",
            2015,
            "纪念日",
            span(date(2015, 9, 3), date(2015, 9, 5)),
            (date(2015, 9, 6),),
            None,
        ),
        (
            "2019-劳动节调整.txt",
            2019,
            "劳动节",
            span(date(2019, 5, 1), date(2019, 5, 4)),
            (date(2019, 4, 28), date(2019, 5, 5)),
            None,
        ),
        ("2020-春节延长.txt", 2020, "春节", (), (), date(2020, 2, 2)),
    ],
)
def test_change_notices(
    name: str,
    year: int,
    item: str,
    rest: tuple[date, ...],
    work: tuple[date, ...],
    extend_to: date | None,
) -> None:
    notice = parse_notice((CHANGES / name).read_text(encoding="utf-8"), name)
    assert notice.year == year and notice.change
    (only,) = notice.items
    assert item in only.name
    assert (only.rest, only.work, only.extend_to) == (rest, work, extend_to)


@pytest.mark.parametrize(
    ("name", "messages"),
    [
        ("wrong-weekday.txt", ["元旦：1月4日注明“周六”，但 2026-01-04 是星期日"]),
        ("impossible-date.txt", ["春节：“2月30日”中的日期不存在或不完整"]),
        ("wrong-count.txt", ["清明节：写的是共 4 天，但放假日期一共 3 天"]),
        (
            "several-problems.txt",
            [
                "元旦：1月4日注明“周六”",
                "春节：“2月29日”中的日期不存在",
                "端午节：写的是共 2 天，但放假日期一共 3 天",
            ],
        ),
        ("not-a-notice.txt", ["没有找到任何放假或上班日期，这不像放假安排通知"]),
    ],
)
def test_bad_texts_report_every_problem_in_chinese(name: str, messages: list[str]) -> None:
    path = BAD / name
    with pytest.raises(InputError) as raised:
        parse_notice(path.read_text(encoding="utf-8"), name)
    problems = raised.value.problems
    assert len(problems) == len(messages)
    for problem, message in zip(problems, messages, strict=True):
        assert message in problem.message and problem.fix and problem.file == name


def test_a_problem_names_the_line_of_its_item() -> None:
    with pytest.raises(InputError) as raised:
        parse_notice((BAD / "wrong-weekday.txt").read_text(encoding="utf-8"), "x.txt")
    assert "第 5 行" in str(raised.value.problems[0])


def test_a_text_without_its_year_is_refused() -> None:
    with pytest.raises(InputError, match="哪一年"):
        parse_notice("一、元旦：1月1日放假，共1天。", "x.txt")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings(encoding: str) -> None:
    text = notice_file(2026).read_text(encoding="utf-8")
    assert decode_notice(text.encode(encoding), "x.txt") == text


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(InputError, match="编码"):
        decode_notice((BAD / "undecodable.txt").read_bytes(), "undecodable.txt")
