"""The OpenAPI 3.1 document of the portal's API (tests check every response against it)."""

from __future__ import annotations

from typing import Any

from portal.rules.status import LABELS

_DATE = {"type": "string", "format": "date"}
_OPTIONAL_DATE = {"type": ["string", "null"], "format": "date"}
_STATUS = {"type": "string", "enum": list(LABELS)}

# What a search hit says of a certificate; a full answer says this and more.
_HIT: dict[str, Any] = {
    "number": {"type": "string", "description": "证照编号（自然人持证的部分隐去）"},
    "certificate": {"type": "string", "description": "证照名称"},
    "holder": {"type": "string", "description": "持证单位（自然人姓名部分隐去）"},
    "department": {"type": "string", "description": "发证部门"},
    "department_code": {"type": "string", "description": "部门代号"},
    "expires_on": {**_DATE, "description": "期满日期"},
    "days_left": {
        "type": "integer",
        "description": "剩余天数（按查询当天计算；0 为最后有效日，负数为已过期天数）",
    },
    "status": {**_STATUS, "description": "状态（按查询当天计算）"},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Renewal": {
        "type": "object",
        "description": "续证办事指南",
        "required": [
            "materials",
            "deadline",
            "deadline_rule",
            "address",
            "phone",
            "hours",
            "online_url",
            "guide_url",
        ],
        "properties": {
            "materials": {"type": "array", "items": {"type": "string"}, "description": "提交材料"},
            "deadline": {**_OPTIONAL_DATE, "description": "法定申请截止日（按本证期满日推算）"},
            "deadline_rule": {"type": "string", "description": "法定申请时限，如“有效期届满30日前”"},
            "address": {"type": "string", "description": "办理地点"},
            "phone": {"type": "string", "description": "咨询电话"},
            "hours": {"type": "string", "description": "办公时间"},
            "online_url": {"type": "string", "description": "网上办理地址"},
            "guide_url": {"type": "string", "description": "网站上的完整办事指南"},
        },
    },
    "SearchHit": {"type": "object", "required": list(_HIT), "properties": _HIT},
    "Certificate": {
        "type": "object",
        "required": [
            *_HIT,
            "first_reminder_on",
            "second_reminder_on",
            "estimated",
            "applied_for_renewal",
            "deadline_passed",
            "renewal",
        ],
        "properties": {
            **_HIT,
            "first_reminder_on": {**_OPTIONAL_DATE, "description": "首次提醒日期"},
            "second_reminder_on": {
                **_OPTIONAL_DATE,
                "description": "二次提醒日期；已申请延续或目录未设二次提醒时为 null",
            },
            "estimated": {"type": "boolean", "description": "提醒日期是否为估算（当年放假安排尚未公布）"},
            "applied_for_renewal": {"type": "boolean", "description": "是否已申请延续"},
            "deadline_passed": {
                "type": "boolean",
                "description": "法定申请截止日是否已过而证照尚未期满（按查询当天计算）：此时应立即联系办理部门",
            },
            "renewal": {"$ref": "#/components/schemas/Renewal"},
            "other_matches": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/SearchHit"},
                "description": "其他部门同一编号的证照",
            },
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "department", "results", "more"],
        "properties": {
            "query": {"type": "string"},
            "department": {"type": ["string", "null"]},
            "results": {"type": "array", "maxItems": 20, "items": {"$ref": "#/components/schemas/SearchHit"}},
            "more": {"type": "boolean", "description": "是否还有更多结果（请换更具体的关键词）"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"]},
            "generation": {"type": "string"},
            "built_on": _DATE,
            "certificates": {"type": "integer"},
            "problem": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "code", "message", "hint"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {
                        "type": "string",
                        "enum": [
                            "not_found",
                            "malformed",
                            "unknown_department",
                            "rate_limited",
                            "index_unavailable",
                            "method_not_allowed",
                            "bad_request",
                            "internal",
                        ],
                    },
                    "message": {"type": "string", "description": "给人看的中文说明"},
                    "hint": {"type": "string", "description": "怎么办"},
                },
            }
        },
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_COMMON_ERRORS = {"422": _error("输入有误（超过 64 个字符、含控制字符等）"), "429": _error("查询太频繁（响应头 Retry-After 给出秒数）"),
                  "503": _error("查询索引暂时不可用")}  # fmt: skip
_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64},
           "description": "证照编号；全角、空格、连字符、大小写不影响查询"}  # fmt: skip


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document served at /openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "叫早 证照到期查询接口",
            "version": "1.0.0",
            "description": "按证照编号查询有效期、提醒日期和续证指南；按持证单位或证照名称搜索。状态和剩余天数按查询当天（北京时间）计算。"
            "只读，仅 GET。每个访问者每分钟的查询次数有限。",
        },
        "paths": {
            "/api/v1/certificates/{number}": {
                "get": {
                    "summary": "按证照编号查询",
                    "operationId": "getCertificate",
                    "parameters": [_NUMBER],
                    "responses": {
                        "200": _ok("Certificate", "找到的证照"),
                        "404": _error("没有这个编号"),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/api/v1/search": {
                "get": {
                    "summary": "按持证单位名称或证照名称搜索（只含单位，不含自然人）",
                    "operationId": "searchCertificates",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 2, "maxLength": 64},
                            "description": "持证单位名称或证照名称中连续的 2 个字以上",
                        },
                        {
                            "name": "department",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "只查这个部门（部门代号）",
                        },
                    ],
                    "responses": {"200": _ok("SearchResult", "最多 20 条"), **_COMMON_ERRORS},
                }
            },
            "/certificates/{number}.ics": {
                "get": {
                    "summary": "证照的提醒日期、法定申请截止日和期满日（iCalendar，可导入手机日历）",
                    "operationId": "getCertificateCalendar",
                    "parameters": [
                        _NUMBER,
                        {
                            "name": "department",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "iCalendar 文件",
                            "content": {"text/calendar": {"schema": {"type": "string"}}},
                        },
                        "404": _error("没有这个编号"),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "健康检查",
                    "operationId": "health",
                    "responses": {"200": _ok("Health", "索引可用"), "503": _ok("Health", "索引缺失或损坏")},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
