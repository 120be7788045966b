"""The YAML files staff edit (department.yaml, renewal.yaml, site.yaml, portal.yaml), read one way.

Shared by the generator and the portal (so it lives here: the portal never imports the generator). Every value
keeps its line; a key written twice, an unknown key or a value of the wrong type is a YamlIssue naming line, key,
value and what to write. Values are read from the text as written, so YAML 1.1's guesses (`否` is text, `0412`
an octal number, `no` false) never change what staff meant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from portal.rules.text import clean_text, is_web_address, yes_no

_STR, _NULL, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class YamlIssue:
    """One thing wrong in a YAML file, located by line and key."""

    message: str
    fix: str
    line: int | None = None
    key: str | None = None
    value: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"第 {self.line} 行：" if self.line else ""
        value = f"“{self.value}”——" if self.value is not None else ""
        return f"{where}{value}{self.message}。{self.fix}"


@dataclass(frozen=True)
class Scalar:
    """A single value as written (quoted or not), with the type YAML would give it."""

    text: str
    tag: str
    line: int


@dataclass(frozen=True)
class Items:
    """A list (`[a, b]` or lines starting with `- `)."""

    values: tuple[Value, ...]
    line: int


class Section:
    """A mapping of a YAML file: typed reads of its values, every problem collected in issues."""

    def __init__(
        self, entries: dict[str, tuple[int, Value]], line: int, issues: list[YamlIssue], where: str = ""
    ):
        self._entries, self.line, self.issues, self.where = entries, line, issues, where

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def line_of(self, key: str) -> int:
        return self._entries[key][0] if key in self._entries else self.line

    def problem(
        self, key: str | None, message: str, fix: str, value: str | None = None, warning: bool = False
    ) -> None:
        """Add an issue at key's line (the section's own line when key is None or absent)."""
        line = self.line_of(key) if key else self.line
        self.issues.append(YamlIssue(self.where + message, fix, line, key, value, warning))

    def check_keys(self, known: Mapping[str, str]) -> None:
        """Report every key not among known, naming the known ones."""
        for key in self._entries:
            if key not in known:
                names = "、".join(known)
                self.problem(
                    key, f"不认识的项目“{key}”", f"可用的项目有：{names}（请检查拼写，或删除这一行）"
                )

    def _scalar(self, key: str, kind: str, example: str) -> Scalar | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value = entry[1]
        if isinstance(value, Scalar):
            return None if value.tag == _NULL else value
        found = "列表" if isinstance(value, Items) else "一组“项目: 值”"
        self.problem(key, f"“{key}”应是{kind}，这里写成了{found}", f"请写成“{key}: {example}”")
        return None

    def text(self, key: str, single_line: bool = True, example: str = "文字") -> str:
        """Return a text value ('' when absent); line breaks in single-line text become spaces, with a warning."""
        scalar = self._scalar(key, "一段文字", example)
        return "" if scalar is None else self._clean(key, scalar.text, single_line)

    def _clean(self, key: str, text: str, single_line: bool) -> str:
        cleaned = clean_text(text, single_line)[0].strip()
        if cleaned != text.strip():
            what = "换行、制表符或不可见的控制字符" if single_line else "不可见的控制字符"
            fix = "已去掉（换行改为空格）；请把这一项写在一行内" if single_line else "已去掉，请删除这些字符"
            self.problem(key, f"“{key}”中有{what}", fix, cleaned, warning=True)
        return cleaned

    def flag(self, key: str) -> bool | None:
        """Return a yes/no value (true/false, 是/否); None when absent."""
        scalar = self._scalar(key, "true 或 false", "true")
        if scalar is None:
            return None
        answer = yes_no(scalar.text, digits=False)
        if answer is not None:
            return answer
        self.problem(
            key,
            f"“{key}”只能填 true 或 false（是 或 否）",
            f"请写成“{key}: true”或“{key}: false”",
            scalar.text,
        )
        return None

    def integer(self, key: str, minimum: int = 0) -> int | None:
        """Return a whole number not below minimum; None when absent or wrong."""
        scalar = self._scalar(key, "整数", str(max(minimum, 0)))
        if scalar is None:
            return None
        try:
            number = int(scalar.text.strip(), 10)
        except ValueError:
            number = minimum - 1
        if number < minimum or scalar.tag == _BOOL:
            self.problem(
                key,
                f"“{key}”应是不小于 {minimum} 的整数",
                f"请写成“{key}: {max(minimum, 60)}”这样的数字",
                scalar.text,
            )
            return None
        return number

    def texts(self, key: str, example: str = "[甲, 乙]") -> tuple[str, ...] | None:
        """Return a list of single-line texts (one text alone is a list of one); None when absent or wrong."""
        value = self._entries.get(key, (0, None))[1]
        if value is None or (isinstance(value, Scalar) and value.tag == _NULL):
            return None
        if isinstance(value, Scalar) and value.tag == _STR:
            return (self._clean(key, value.text, True),) if value.text.strip() else ()
        if not isinstance(value, Items):
            shown = value.text if isinstance(value, Scalar) else None
            self.problem(
                key, f"“{key}”应是一个列表", f"请写成“{key}: {example}”，或每项一行、以“- ”开头", shown
            )
            return None
        texts = []
        for item in value.values:
            if not isinstance(item, Scalar) or item.tag == _NULL:
                self.problem(key, f"“{key}”中每一项都应是一段文字", f"请写成“{key}: {example}”")
                return None
            texts.append(self._clean(key, item.text, True))
        return tuple(t for t in texts if t)

    def url(self, key: str, allow_path: bool = False) -> str:
        """Return an http(s) address ('' when absent); anything else (javascript:, data:, junk) is an error."""
        text = self.text(key, example="https://www.example.gov.cn/")
        if not text or is_web_address(text) or (allow_path and _is_site_path(text)):
            return text
        path_note = "，或以 / 开头的本站路径" if allow_path else ""
        self.problem(
            key,
            f"“{key}”不是网址",
            f"请填写以 http:// 或 https:// 开头的完整网址{path_note}，如 https://www.example.gov.cn/",
            text,
        )
        return ""

    def section(self, key: str) -> Section | None:
        """Return a nested “项目: 值” mapping; None when absent or of another type."""
        value = self._entries.get(key, (0, None))[1]
        if value is None or isinstance(value, Section) or (isinstance(value, Scalar) and value.tag == _NULL):
            return value if isinstance(value, Section) else None
        self.problem(key, f"“{key}”应是一组“项目: 值”", f"请在“{key}:”下面另起一行、缩进两个空格写各项")
        return None

    def sections(self, key: str, what: str) -> list[Section]:
        """Return a list of mappings (“- 项目: 值” entries), each entry's problems prefixed with “<what>第 N 项”."""
        value = self._entries.get(key, (0, None))[1]
        if value is None or (isinstance(value, Scalar) and value.tag == _NULL):
            return []
        if not isinstance(value, Items):
            self.problem(key, f"“{key}”应是一个列表", f"请在“{key}:”下面每项以“- ”开头")
            return []
        result = []
        for index, item in enumerate(value.values, start=1):
            if isinstance(item, Section):
                result.append(Section(item._entries, item.line, self.issues, f"{what}第 {index} 项："))
            else:
                line = item.line if isinstance(item, Scalar | Items) else value.line
                self.issues.append(
                    YamlIssue(f"{what}第 {index} 项不是“项目: 值”的形式", "请参照示例填写", line, key)
                )
        return result


Value = Scalar | Items | Section


def _is_site_path(text: str) -> bool:
    return text.startswith("/") and not text.startswith("//") and is_web_address("http://h" + text)


class _AnchorError(yaml.MarkedYAMLError):
    """An anchor or reference (& or *): refused, so no value can be repeated a billion times."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that composes nodes only (no objects are built) and refuses anchors and references."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorError(None, None, "anchor", event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(path: Path) -> tuple[Section | None, list[YamlIssue]]:
    """Return a file's top mapping and its issues; (None, []) when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, []
    except UnicodeDecodeError:
        return None, [YamlIssue("文件不是 UTF-8 编码", "请用记事本或 VS Code“另存为 UTF-8”")]
    except OSError as error:
        return None, [YamlIssue(f"无法读取（{error.strerror}）", "请检查文件权限")]
    issues: list[YamlIssue] = []
    text = _without_unprintable(text, issues)
    try:
        node = yaml.compose(text, Loader=_Loader)
        top = None if node is None or not isinstance(node, MappingNode) else _value(node, issues)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        if isinstance(error, _AnchorError):
            return None, [YamlIssue("不支持锚点和引用（& 和 *）", "请把值直接写出来", line)]
        fix = (
            "请检查缩进（用空格，不用 Tab）和冒号（半角“:”，后面要有空格）；值中有冒号、#、[ 等符号时请加引号"
        )
        return None, [YamlIssue("YAML 格式错误", fix, line)]
    except RecursionError:
        return None, [YamlIssue("嵌套层次太多", "请参照示例文件填写")]
    if node is None:
        return Section({}, 1, issues), issues
    if not isinstance(top, Section):
        return None, [
            YamlIssue(
                "内容不是“项目: 值”的形式",
                "每行写成“项目: 值”（半角冒号，后面有空格），可参照示例文件",
                node.start_mark.line + 1,
            )
        ]
    return top, issues


def _without_unprintable(text: str, issues: list[YamlIssue]) -> str:
    """Return text without the characters YAML refuses (pasted control characters), each reported by line."""
    unprintable = yaml.reader.Reader.NON_PRINTABLE
    for match in unprintable.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        code = f"U+{ord(match.group()):04X}"
        issues.append(
            YamlIssue(
                f"有不可见的控制字符（{code}）",
                "已去掉；请删除这个字符（常见于从网页或 Word 复制的文字）",
                line,
                warning=True,
            )
        )
    return unprintable.sub("", text)


def _value(node: Node, issues: list[YamlIssue]) -> Value:
    line = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return Scalar(str(node.value), str(node.tag), line)
    if isinstance(node, SequenceNode):
        return Items(tuple(_value(n, issues) for n in node.value), line)
    entries: dict[str, tuple[int, Value]] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            issues.append(YamlIssue("项目名称不是文字", "每一行写成“项目: 值”", key_line))
            continue
        key = str(key_node.value).strip()
        if key in entries:
            first = entries[key][0]
            issues.append(
                YamlIssue(
                    f"“{key}”写了两次（第 {first} 行和第 {key_line} 行）",
                    "请删除其中一处，只保留正确的那个",
                    key_line,
                    key,
                )
            )
            continue
        entries[key] = (key_line, _value(value_node, issues))
    return Section(entries, line, issues)
