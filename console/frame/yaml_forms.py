"""department.yaml and renewal.yaml edited from forms, keeping every comment and the layout of untouched lines.

ruamel.yaml's round-trip mode reads the file into a structure that remembers comments, key order and quoting,
and writes back only what changed: the files are documentation for staff as much as data, so a form must not
strip the explanations in them (a line-level editor would have to re-implement YAML's quoting rules).
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

LIST_SPLIT = "、"


class FormError(Exception):
    """A file the form cannot edit (not a mapping, or YAML that does not parse); the message says why."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long Chinese line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> CommentedMap:
    try:
        data = _yaml().load(text) if text.strip() else CommentedMap()
    except Exception:  # ruamel raises many types for broken YAML
        raise FormError(
            "这份资料的格式有误（常见原因：缩进或冒号写错），工作台无法在这里编辑，请联系管理员修正"
        ) from None
    if not isinstance(data, CommentedMap):
        raise FormError(
            "这份资料的格式有误（不是“项目: 内容”的写法），工作台无法在这里编辑，请联系管理员修正"
        )
    return data


def dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def shown(value: Any) -> str:
    """Return a value as a form shows it (lists joined with 、, nothing as empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SPLIT.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def set_value(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set one key only when its value changed; an emptied value stays as an empty key (the default applies).

    Deleting the key would also delete the comment lines that ruamel keeps after it: the next key's help.
    """
    empty = value in ("", None, []) or value == ()
    if empty:
        if key in mapping and mapping[key] not in ("", None):
            mapping[key] = None
        return
    current = mapping.get(key)
    if isinstance(value, list):
        if isinstance(current, list) and [str(v) for v in current] == value:
            return
        if isinstance(current, CommentedSeq):
            _refill(current, value)
        else:
            mapping[key] = CommentedSeq(value)
    elif current != value:
        mapping[key] = value


def _refill(sequence: CommentedSeq, values: list[str]) -> None:
    """Replace a list's items in place; the comment after its last item (the next key's help) moves along."""
    trailing = sequence.ca.items.pop(len(sequence) - 1, None) if len(sequence) else None
    while len(sequence):
        sequence.pop()
    sequence.extend(values)
    if trailing is not None:
        sequence.ca.items[len(values) - 1] = trailing


def edit_mapping(text: str, values: dict[str, Any]) -> str:
    """Return a top-level mapping (department.yaml, site.yaml) with the form's values set."""
    data = load(text)
    for key, value in values.items():
        set_value(data, key, value)
    return dump(data)


def edit_guides(text: str, values: dict[str, dict[str, Any]]) -> str:
    """Return renewal.yaml with the form's values: "默认" for the default guide, "1", "2"… for 证照 entries."""
    data = load(text)
    for section, fields in values.items():
        if section == "默认":
            target = data.get("默认")
            if not isinstance(target, CommentedMap):
                target = data["默认"] = CommentedMap()
        else:
            entries = data.get("证照") or []
            index = int(section) - 1
            if not 0 <= index < len(entries) or not isinstance(entries[index], CommentedMap):
                continue
            target = entries[index]
        for key, value in fields.items():
            set_value(target, key, value)
    return dump(data)
