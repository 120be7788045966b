"""Deterministic fictional 台账 rows for the demo departments and million-row benchmarks."""

from __future__ import annotations

import csv
import gc
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from generator.atomic import replacing
from generator.ledger.identifiers import credit_code_check_char, id_check_char
from generator.problems import column_letter


@dataclass(frozen=True)
class DemoItem:
    """One catalogue item (目录事项) to issue fictional certificates for."""

    code: str  # the catalogue's 序号 as text
    certificate: str  # 证照名称 (the 事项名称 where a catalogue has none)
    matter: str  # 审批事项名称 / 事项名称
    validity_years: int
    held_by_person: bool = False  # 特种设备作业人员证, 船员适任证 …


@dataclass(frozen=True)
class LedgerLayout:
    """How one kind of 台账 spreadsheet looks: title rows, then the header row (field → header text)."""

    name: str
    title_rows: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]


def _layout(name: str, titles: tuple[str, ...], *columns: tuple[str, str]) -> LedgerLayout:
    return LedgerLayout(name, titles, columns)


LAYOUTS: dict[str, LedgerLayout] = {
    layout.name: layout
    for layout in (
        _layout("anshan", ("鞍山市行政审批局证照到期提醒台账", "科室："),
                ("seq", "序号"), ("holder", "证照持有单位（个人）"), ("certificate", "证照名称"),
                ("matter", "审批事项名称"), ("number", "证照编号"), ("credit_code", "统一社会信用代码"), ("expires_on", "期满日期"),
                ("contact", "联系人"), ("phone", "联系方式"), ("status", "办理状态"),
                ("reminded_on", "提醒日期"), ("reminder_by", "提醒人"),
                ("remark", "备注（二次提醒在此栏备注）")),
        _layout("dongli", ("东丽区政务服务办公室许可证书到期前提醒台账", "科室名称："),
                ("seq", "序号"), ("holder", "单位（个人）名称"), ("certificate", "许可证书名称"),
                ("number", "许可证编号"), ("issued_on", "颁发日期"), ("expires_on", "期满日期"),
                ("contact", "联系人"), ("phone", "联系方式"), ("email", "电子邮箱"), ("status", "办理状态"),
                ("reminded_on", "提醒日期"), ("method", "提醒方式"), ("reminder_by", "提醒人")),
        _layout("anyang", ("证照到期提醒事项台账",),
                ("seq", "序号"), ("holder", "证照持有单位 (个人)"), ("certificate", "证照名称"),
                ("number", "证号"), ("expires_on", "期满日期"), ("contact", "联系人(提醒对象)"),
                ("id_number", "身份证号"), ("phone", "联系人手机号码"), ("status", "办理状态"),
                ("reminded_on", "提醒日期")),
        _layout("jiaozao", ("“叫早服务”工作记录表",),
                ("seq", "序号"), ("matter_code", "服务事项(填事项代码)"), ("holder", "单位名称"),
                ("number", "许可证编号"), ("expires_on", "许可证有效期截止日期"), ("contact", "提醒对象姓名"),
                ("phone", "联系电话"), ("reminded_on", "联系时间"),
                ("remark", "备注（需二次服务的请注明再次提醒时间）")),
    )
}  # fmt: skip

# Per region: place names, 行政区划代码 (the city's own first), telephone area code, local digits.
_REGIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, int]] = {
    "anshan": (("鞍山市", "鞍山", "铁东区", "铁西区", "立山区", "千山区", "海城市", "台安县", "岫岩县"),
               ("210300", "210302", "210303", "210304", "210311", "210381", "210321", "210323"), "0412", 7),
    "dongli": (("天津市", "天津", "天津市东丽区", "东丽区", "天津东丽", "东丽区军粮城", "东丽区华明"),
               ("120110", "120110", "120101", "120102", "120111", "120113"), "022", 8),
    "anyang": (("安阳市", "安阳", "文峰区", "北关区", "殷都区", "龙安区", "林州市", "汤阴县", "内黄县"),
               ("410500", "410502", "410503", "410505", "410506", "410581", "410523", "410522"), "0372", 7),
    "lvliang": (("吕梁市", "吕梁", "离石区", "孝义市", "汾阳市", "交城县", "文水县", "柳林县", "中阳县"),
                ("141100", "141102", "141181", "141182", "141122", "141121", "141125", "141124"), "0358", 7),
}  # fmt: skip
_ALL_AREAS = tuple(code for region in _REGIONS.values() for code in region[1][1:])

# Keyword in 证照/事项名称 → sector and the kinds of holder that hold it; the first match wins.
_PROFILES = tuple((sector, keys.split(), tuple(suffixes.split())) for sector, keys, suffixes in (
    ("医", "麻醉 医疗机构 放射诊疗 母婴 计划生育",
     "医院 诊所 门诊部 口腔诊所 中医诊所 卫生院 妇幼保健院 社区卫生服务中心"),
    ("医", "医疗器械", "医疗器械有限公司 医疗设备有限公司 医疗器械经销部"),
    ("农", "农药", "农资经销部 农业生产资料有限公司 农资店 植保服务有限公司"),
    ("农", "兽药", "兽药店 兽药经销部 动物药品有限公司"),
    ("工", "化学品 易制毒 排污",
     "精细化工有限公司 化工有限公司 化工产品经销有限公司 化学试剂有限公司 石化有限公司"),
    ("医", "药", "大药房 药店 医药连锁有限公司 医药有限公司"),
    ("工", "烟花", "烟花爆竹批发有限公司 烟花爆竹经销有限公司"),
    ("工", "运输 货物 旅客", "运输有限公司 物流有限公司 汽车运输有限公司 客运有限公司"),
    ("工", "矿", "矿业有限公司 石材有限公司 采石场"),
    ("工", "建筑", "建设工程有限公司 建筑工程有限公司 建工集团有限公司 市政工程有限公司"),
    ("工", "取水 饮用水 供水", "水务有限公司 自来水有限公司 净水设备有限公司 纯净水有限公司"),
    ("服", "娱乐", "娱乐有限公司 文化娱乐有限公司 歌舞厅 量贩式歌厅"),
    ("医", "消毒", "消毒用品有限公司 卫生用品有限公司 生物科技有限公司"),
    ("服", "公共场所", "宾馆 酒店有限公司 洗浴中心 美容美发店 游泳馆"),
    ("医", "放射卫生 辐射", "检测技术有限公司 职业卫生技术服务有限公司 无损检测有限公司"),
    ("农", "种子 林木", "种业有限公司 苗木专业合作社 林业发展有限公司"),
    ("农", "水产", "水产养殖有限公司 水产苗种场 渔业专业合作社"),
    ("农", "生鲜乳", "牧业有限公司 乳业有限公司 奶牛养殖专业合作社"),
    ("工", "成品油 石油", "加油站 石油经销有限公司 能源有限公司"),
    ("服", "事业单位", "服务中心 检验检测中心 研究所 文化馆"),
    ("工", "", "科技有限公司 商贸有限公司 实业有限公司 制造有限公司 工贸有限公司 股份有限公司"),
))  # fmt: skip
_TRADE_CHARS = (
    "华宇康宁德仁恒泰鑫源兴盛隆昌永安嘉和瑞丰顺达宏远金海天成新博信诚"
    "银河鸿运通利佳美众福祥吉庆荣亿鼎晟凯旋卓越明辉光耀润泽绿洲长青北辰龙凤云益创泓沣禾"
)
_ASCII_TRADE = ("ABC", "Sunny", "JK", "Hi", "Joy", "UP")
_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓"
    "许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛")
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志峰宇浩然欣怡"
    "子涵梓轩思雨晓东海燕春梅俊文博佳琪雪丹凤玲林斌辉亮健婷颖慧莉倩"
)
_DOTTED = (("买买提", "阿依古丽", "艾力", "热依拉"), ("艾力", "吐尔逊", "买买提", "热合曼"))
_MOBILE_HEADS = tuple(
    f"1{n}" for n in (*range(30, 40), 50, 51, 52, 55, 56, 58, 59, 66, 76, 77, *range(80, 90), 98, 99)
)
_MAIL_WORDS = ("office", "admin", "info", "service", "hr", "contact", "anquan", "caiwu")
_MAIL_DOMAINS = ("example.com", "example.org", "example.net")
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_TRIPLES = tuple(a + b + c for a in _CODE_CHARS for b in _CODE_CHARS for c in _CODE_CHARS)
_PUBLIC_BODIES = ("中心", "研究所", "卫生院", "文化馆")  # 事业单位: credit codes start 12
# GB 11714 组织机构代码 check, embedded in the credit code: weight × value (A = 10 …) per position.
_ORG_TERMS = tuple({c: w * int(c, 36) for c in _CODE_CHARS + "MA"} for w in (3, 7, 9, 10, 5, 8, 4, 2))
_TRADE_PAIRS = tuple(a + b for a in _TRADE_CHARS for b in _TRADE_CHARS if a != b)
_BORN_FROM, _BORN_UNTIL = date(1960, 1, 1).toordinal(), date(2001, 1, 1).toordinal()
_BIRTHS = tuple(f"{date.fromordinal(day):%Y%m%d}" for day in range(_BORN_FROM, _BORN_UNTIL))


# (name, credit code, contact, contact's 身份证号, phone, email): a plain tuple is the quickest to build.
_Holder = tuple[str, str, str, str, str, str]


class _Maker:
    """All the state one demo_rows call draws on: one random stream, used names, serial counters."""

    def __init__(self, items: Sequence[DemoItem], seed: int, anchor: date, prefix: str, region: str) -> None:
        self.rng, self.items, self.prefix = random.Random(seed), tuple(items), f"{prefix}-" if prefix else ""
        self.rand = self.rng.random  # bound once: it is called some 25 times per row
        self.places, self.areas, self.phone_area, self.local_digits = _REGIONS[region]
        self.counties = self.areas[1:]  # where people are born; the city's own code names no county
        profiles = [next(p for p in _PROFILES if _matches(p[1], item)) for item in self.items]
        self.suffixes = [suffixes for _, _, suffixes in profiles]
        org_items = [i for i, item in enumerate(self.items) if not item.held_by_person]
        # Who else a holder of item i may hold: the same trade, else the same sector, else anything.
        self.partners = [
            [j for j in org_items if j != i and profiles[j] is profiles[i]]
            or [j for j in org_items if j != i and profiles[j][0] == profiles[i][0]]
            or [j for j in org_items if j != i]
            for i in range(len(self.items))
        ]
        self.facts = [(item.certificate, item.code, max(1, item.validity_years)) for item in self.items]
        self.days = [anchor + timedelta(days=offset) for offset in range(-90, 541)]
        self.issued: dict[tuple[int, int], date] = {}
        self.serials: dict[tuple[str, int], int] = {}
        self.names: set[str] = set()
        self.orgs, self.org_offset = 0, int(self.rand() * 31**6)

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rand() * len(options))]

    def rows(self, count: int) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        while len(rows) < count:
            self.add_holder(rows)
        del rows[count:]
        return rows

    def add_holder(self, rows: list[dict[str, object]]) -> None:
        rand, index = self.rand, int(self.rand() * len(self.items))
        if self.items[index].held_by_person or rand() < 0.03:
            name = self.person_name()
            holder = (name, "", name, self.id_number(), self.phone(), self.email(True))
            rows.append(self.row(index, holder, len(rows) + 1))
            return
        name = self.organisation_name(self.suffixes[index])
        contact, id_number = self.person_name(), self.id_number()
        holder = (name, self.credit_code(name), contact, id_number, self.phone(), self.email(False))
        rows.append(self.row(index, holder, len(rows) + 1))
        if rand() < 0.10:  # one holder, several certificates
            partners = self.partners[index]
            for other in self.rng.sample(partners, min(len(partners), 1 + int(rand() * 2))):
                self.scatter(rows, self.row(other, holder, 0))

    def scatter(self, rows: list[dict[str, object]], row: dict[str, object]) -> None:
        """Put row at a random position (moving that one to the end): a holder's certificates lie apart."""
        end, place = len(rows), int(self.rand() * (len(rows) + 1))
        if place < end:
            row["seq"] = place + 1
            rows[place], row = row, rows[place]
        row["seq"] = end + 1
        rows.append(row)

    def organisation_name(self, suffixes: tuple[str, ...]) -> str:
        pick, rand, places = self.pick, self.rand, self.places
        place, suffix = places[int(rand() * len(places))], suffixes[int(rand() * len(suffixes))]
        trade = pick(_ASCII_TRADE) if rand() < 0.005 else _TRADE_PAIRS[int(rand() * len(_TRADE_PAIRS))]
        for attempt in range(30):
            name = f"{place}{trade}{suffix}"
            if name not in self.names:
                self.names.add(name)
                return name
            # Taken: a longer 字号, as a second firm of that name would have to choose.
            trade = pick(_TRADE_PAIRS) + pick(_TRADE_CHARS if attempt < 20 else _TRADE_PAIRS)
        raise RuntimeError("too many demo organisations for the name pools")

    def credit_code(self, name: str) -> str:
        kind = "93" if name.endswith("合作社") else "12" if name.endswith(_PUBLIC_BODIES) else "91"
        # A multiplier coprime to 31**6 visits every body once: codes are unique without a lookup set.
        self.orgs += 1
        high, low = divmod((self.orgs * 7_368_787 + self.org_offset) % 31**6, 31**3)
        body = f"MA{_CODE_TRIPLES[high]}{_CODE_TRIPLES[low]}"
        total = sum(map(dict.__getitem__, _ORG_TERMS, body))
        area = self.areas[int(self.rand() * len(self.areas))]
        first17 = f"{kind}{area}{body}{'0123456789X0'[11 - total % 11]}"
        return first17 + credit_code_check_char(first17)

    def person_name(self) -> str:
        rand = self.rand
        roll, count = rand(), len(_GIVEN)
        if roll < 0.005:
            return f"{self.pick(_DOTTED[0])}·{self.pick(_DOTTED[1])}"
        surname = self.pick(_COMPOUND) if roll < 0.015 else _SURNAMES[int(rand() * len(_SURNAMES))]
        given = _GIVEN[int(rand() * count)]
        return surname + given if roll < 0.3 else surname + given + _GIVEN[int(rand() * count)]

    def id_number(self) -> str:
        rand = self.rand
        areas = _ALL_AREAS if rand() < 0.2 else self.counties
        area = areas[int(rand() * len(areas))]
        first17 = f"{area}{_BIRTHS[int(rand() * len(_BIRTHS))]}{int(rand() * 1000):03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        rand = self.rand
        if rand() < 0.05:
            digits = self.local_digits - 1
            return f"{self.phone_area}-{2 + int(rand() * 7)}{int(rand() * 10**digits):0{digits}d}"
        return f"{_MOBILE_HEADS[int(rand() * len(_MOBILE_HEADS))]}{int(rand() * 10**8):08d}"

    def email(self, person: bool) -> str:
        if self.rand() >= 0.6:
            return ""
        # Personal mail in China is often a QQ-style number; offices use a word.
        number = int(self.rand() * 10**9)
        local = str(10**5 + number) if person else f"{self.pick(_MAIL_WORDS)}{number % 10**4}"
        return f"{local}@{self.pick(_MAIL_DOMAINS)}"

    def row(self, index: int, holder: _Holder, seq: int) -> dict[str, object]:
        rand, (certificate, code, years) = self.rand, self.facts[index]
        # Days from anchor to expiry: 15 % already expired, 35 % within 90 days, the rest up to 540 days.
        roll, spread = rand(), rand()
        later = int(spread * 91) if roll < 0.5 else 91 + int(spread * 450)
        offset = -90 + int(spread * 90) if roll < 0.15 else later
        expires, key = self.days[offset + 90], (offset, years)
        issued = self.issued.get(key) or self.issued.setdefault(key, _issued(expires, years))
        status = "已申请延续" if 0 <= offset <= 60 and rand() < 0.08 else ""
        name, credit_code, contact, id_number, phone, email = holder
        return {
            "seq": seq, "holder": name, "certificate": certificate, "matter": self.items[index].matter,
            "matter_code": code,
            "number": self.number(index, issued.year), "credit_code": credit_code, "id_number": id_number,
            "issued_on": issued, "expires_on": expires, "contact": contact, "phone": phone, "email": email,
            "status": status, "reminded_on": "", "reminder_by": "", "method": "", "remark": "",
        }  # fmt: skip

    def number(self, index: int, year: int) -> str:
        code, rand = self.facts[index][1].zfill(2), self.rand
        serial = self.serials.get((code, year)) or 1 + int(rand() * 300)
        self.serials[code, year] = serial + 1 + int(rand() * 6)
        if index % 4 == 3:  # some departments number with bare digits and a leading 0 ("0210…")
            return f"0{self.areas[0][:3]}{code}{year}{serial:06d}"
        return f"{self.prefix}{code}-{year}-{serial:06d}"


def _matches(keys: list[str], item: DemoItem) -> bool:
    return not keys or any(key in item.certificate or key in item.matter for key in keys)


def _issued(expires: date, years: int) -> date:
    try:
        start = expires.replace(year=expires.year - years)
    except ValueError:  # 29 February in a year that has none
        start = expires.replace(year=expires.year - years, day=28)
    return start + timedelta(days=1)


def demo_rows(
    items: Sequence[DemoItem], count: int, *, seed: int, anchor: date, prefix: str, region: str = "anshan"
) -> list[dict[str, object]]:
    """Return count fictional 台账 rows (field → value); the same arguments always give the same rows."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if count and not items:
        raise ValueError("demo rows need at least one catalogue item")
    if region not in _REGIONS:
        raise ValueError(f"unknown region {region!r}; choose from {', '.join(_REGIONS)}")
    collecting = gc.isenabled()
    gc.disable()  # the rows hold no cycles; collections while building a million of them cost ~10 %
    try:
        return _Maker(items, seed, anchor, prefix, region).rows(count)
    finally:
        if collecting:
            gc.enable()


_TEXT_FIELDS = frozenset({"number", "credit_code", "id_number", "phone", "matter_code"})


def write_ledger(
    path: Path,
    layout: LedgerLayout,
    rows: Sequence[Mapping[str, object]],
    *,
    encoding: str = "utf-8-sig",
    varied_dates: bool = True,
) -> None:
    """Write rows as a 台账 in layout (.xlsx, or .csv in encoding); path changes only once complete."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with replacing(path) as temp:
            _write_xlsx(temp, layout, rows)
    elif suffix == ".csv":
        with replacing(path) as temp:
            _write_csv(temp, layout, rows, encoding, varied_dates)
    else:
        raise ValueError(f"cannot write a ledger as {path.suffix!r}; use .xlsx or .csv")


def _write_xlsx(path: Path, layout: LedgerLayout, rows: Iterable[Mapping[str, object]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for letter_index, (_, header) in enumerate(layout.columns):
        sheet.column_dimensions[column_letter(letter_index)].width = max(8, 2 * len(header) + 2)
    sheet.freeze_panes = f"A{len(layout.title_rows) + 2}"  # keep the header in view while scrolling
    for title in layout.title_rows:
        sheet.append([title])
    sheet.append([header for _, header in layout.columns])
    fields = [field for field, _ in layout.columns]
    for row in rows:
        sheet.append([_xlsx_cell(sheet, field, row.get(field)) for field in fields])
    book.save(path)


def _xlsx_cell(sheet: object, field: str, value: object) -> object:
    if value is None or value == "":
        return None
    if field in _TEXT_FIELDS:
        cell = WriteOnlyCell(sheet, str(value))
        cell.number_format = "@"  # typed-in edits stay text too, so Excel never drops leading zeros
        return cell
    return value  # openpyxl formats a date as yyyy-mm-dd by itself


def _write_csv(
    path: Path, layout: LedgerLayout, rows: Iterable[Mapping[str, object]], encoding: str, varied: bool
) -> None:
    width = len(layout.columns)
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows([title, *[""] * (width - 1)] for title in layout.title_rows)
        writer.writerow([header for _, header in layout.columns])
        fields = [field for field, _ in layout.columns]
        for position, row in enumerate(rows):
            style = position % 40 if varied else -1
            writer.writerow([_csv_text(row.get(field), style) for field in fields])


def _csv_text(value: object, style: int) -> str:
    if isinstance(value, date):
        # One row in 20 gets a date the way staff type it, to exercise parsing.
        if style == 7:
            return f"{value.year}/{value.month}/{value.day}"
        if style == 27:
            return f"{value.year}年{value.month}月{value.day}日"
        return value.isoformat()
    return "" if value is None else str(value)
