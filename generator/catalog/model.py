"""The 目录 as data: departments, their catalogue items and renewal guides."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.phrases import LeadTime, Unit, Validity

SAMPLE_MARK = "【示例】"


def is_sample(text: str) -> bool:
    """Return whether a fact is invented demo data (marked 【示例】) rather than the department's own."""
    return SAMPLE_MARK in text


@dataclass(frozen=True)
class RenewalGuide:
    """办事指南: what a holder needs to know to renew one kind of certificate."""

    deadline: LeadTime | None  # 法定申请时限: apply no later than this before expiry
    basis: str  # 法律依据
    place: str  # 办理地点
    online_url: str  # 网上办理
    materials: tuple[str, ...]  # 提交材料
    consequence: str  # 过期后果


@dataclass(frozen=True)
class CatalogItem:
    """One row of a 目录: a certificate that gets reminders, and when."""

    department: str  # slug of the department
    seq: str  # 序号 (the 叫早 事项代码)
    matter: str  # 审批事项名称
    certificate: str  # 证照名称 (the 事项名称 where a 目录 has no such column)
    office: str  # 审批科室
    validity: Validity  # 证照法定有效期
    first: LeadTime  # 首次提醒时限
    second: LeadTime | None  # 二次提醒时限 (None: the department sets no second reminder)
    methods: tuple[str, ...]  # 提醒方式
    guide: RenewalGuide
    row: int  # Excel row number in the 目录 file
    cells: tuple[str, ...]  # the row as written, in header order, for publishing unchanged
    first_from_default: bool = False
    second_from_default: bool = False
    final: LeadTime | None = (
        None  # 临期提醒时限: staff phone or visit; None only for items made by hand in code
    )


def final_of(item: CatalogItem) -> LeadTime:
    """Return an item's 临期提醒时限 (到期前3个工作日 where nothing says otherwise)."""
    return item.final or LeadTime(3, Unit.WORKDAY, "到期前3个工作日")


@dataclass(frozen=True)
class Department:
    """A department (部门) that keeps a 目录 and runs reminders."""

    slug: str
    name: str
    full_name: str
    basis: str  # 依据: the document that set up the mechanism
    address: str
    phone: str
    hours: str
    website: str
    online_url: str
    methods: tuple[str, ...]
    monthly_batch: bool  # 每月叫早: the 15th-of-the-month batch for next month's expiries
    first_default: LeadTime | None
    second_default: LeadTime | None
    catalog_file: str
    title: str  # the 目录's own title line
    headers: tuple[str, ...]  # the 目录's header row as written
    items: tuple[CatalogItem, ...] = ()
    sms_signature: str = ""  # 短信签名, shown in 【】 at the end of every SMS (the 名称 when not set)
    sms_signature_given: bool = (
        False  # 短信签名 written in department.yaml (a platform needs its approved one)
    )
    sms_template_code: str = ""  # 短信模板编号 on the SMS platform; empty: SMS go by file
    sms_template_params: tuple[tuple[str, str], ...] = ()  # 短信模板参数: variable → text with placeholders
    final_default: LeadTime | None = None  # 临期提醒时限 of department.yaml (None: 到期前3个工作日)

    def place_for(self, guide: RenewalGuide) -> str:
        """Return where to renew offline: the guide's 办理地点, else the department's 地址."""
        return guide.place or self.address

    def online_for(self, guide: RenewalGuide) -> str:
        """Return where to renew online: the guide's 网上办理, else the department's."""
        return guide.online_url or self.online_url


@dataclass(frozen=True)
class Catalogs:
    """Every department's 目录, as loaded from a catalogs/ folder."""

    root: str
    departments: tuple[Department, ...]
    items: tuple[CatalogItem, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(i for d in self.departments for i in d.items))

    def department(self, slug: str) -> Department:
        return next(d for d in self.departments if d.slug == slug)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(d.slug for d in self.departments)
