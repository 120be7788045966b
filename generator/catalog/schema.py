"""The 目录 spreadsheet columns, with the header texts each seed uses for them."""

from __future__ import annotations

from generator.tabular import Column

CATALOG_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号",), help="事项序号；叫早台账用它作“事项代码”"),
    Column("matter", "审批事项名称", ("许可事项名称", "事项名称", "服务事项"), help="审批（许可）事项的名称"),
    Column("certificate", "证照名称", ("许可证书名称", "证书名称", "许可证名称"), help="颁发的证照名称"),
    Column("office", "审批科室", ("承办科室", "审批组", "责任科室"), help="负责该事项的科室或审批组"),
    Column(
        "validity",
        "证照法定有效期",
        ("许可证书法定有效期限", "有效期", "证照期限", "法定有效期", "有效期限"),
        required=True,
        help="如 5年、30 年以下、原证 3 年 新证 5 年、5-15年、随公司许可时间而定",
    ),
    Column(
        "first_lead",
        "首次提醒时限",
        ("提醒时限", "首次提醒时间"),
        help="如 到期前90个工作日、到期前60天、有效期到期前2个月；留空则用部门默认值",
    ),
    Column(
        "second_lead",
        "二次提醒时限",
        ("二次提醒时间", "再次提醒时限"),
        help="如 到期前10个工作日；留空则用部门默认值",
    ),
    Column(
        "final_lead",
        "临期提醒时限",
        ("临期提醒时限（工作日）", "临期提醒时间", "临期提醒"),
        help="工作人员电话或上门提醒的时限，如 3 或 到期前3个工作日；留空则用部门默认值（默认到期前3个工作日）",
    ),
    Column("method", "提醒方式", (), help="如 人工电话通知；多个用“、”分隔；留空则用部门默认值"),
)
