"""The 台账 spreadsheet columns, with every header variant the seeds and business systems use."""

from __future__ import annotations

from generator.tabular import Column

LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ()),
    Column(
        "holder",
        "证照持有单位（个人）",
        (
            "证照持有单位",
            "单位（个人）名称",
            "单位名称",
            "持证单位",
            "持证人",
            "持证主体",
            "证照持有人",
            "企业名称",
            "单位（个人）",
        ),
        required=True,
        help="持证的单位或个人名称",
    ),
    Column("certificate", "证照名称", ("许可证书名称", "许可证名称", "证书名称", "许可类型", "证照类型")),
    Column("matter", "审批事项名称", ("事项名称", "服务事项", "服务事项(填事项代码)", "事项代码")),
    Column(
        "number", "证照编号", ("证号", "许可证编号", "证书编号", "许可证号", "证照号码", "证照号", "编号")
    ),
    Column("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码")),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "公民身份号码")),
    Column("holder_kind", "持证主体类型", ("主体类型", "持证人类型")),
    Column("issued_on", "颁发日期", ("发证日期", "核发日期")),
    Column(
        "expires_on",
        "期满日期",
        (
            "许可证有效期截止日期",
            "到期时间",
            "到期日期",
            "有效期至",
            "有效期截止日期",
            "有效期截止日",
            "截止日期",
            "有效期止",
        ),
        required=True,
        help="证照有效期的最后一天",
    ),
    Column("contact", "联系人", ("联系人(提醒对象)", "提醒对象姓名", "提醒对象", "联系人姓名")),
    Column("phone", "联系方式", ("联系电话", "联系人手机号码", "手机号码", "手机号", "电话")),
    Column("email", "电子邮箱", ("邮箱", "电子邮件", "email", "e-mail")),
    Column("status", "办理状态", ("已申请延续", "延续状态", "是否已申请延续", "申请状态")),
)

# Staff's own columns (提醒日期, 提醒人, 备注 …) are kept in the file and ignored here.

# The columns of a plain 台账: what a hand-entered 台账 is written with, and what most exports carry.
PLAIN_HEADERS: tuple[str, ...] = (
    "证照持有单位（个人）",
    "证照名称",
    "证照编号",
    "期满日期",
    "联系人",
    "联系方式",
    "电子邮箱",
    "办理状态",
)
