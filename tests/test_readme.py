"""The README's command examples print what the README says they print.

The convention, visible in README.md: a fenced block marked `console` holds commands starting with `$ ` (the
jiaozao command line), each followed by exactly what it prints. Every one is run here through the real command
line, in a temporary folder, with nothing depending on the wall clock: a command whose output depends on the
day must pin it with --today. Other blocks (`sh`) show commands without their output and must not claim one.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
PROGRAMS = ("jiaozao", ".venv/bin/jiaozao")
DAY_FREE = ("date",)  # commands whose output does not depend on the day
_BLOCK = re.compile(r"^([ \t]*)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)  # indented in a list too


def _blocks(kind: str) -> list[str]:
    found = _BLOCK.findall(README.read_text(encoding="utf-8"))
    return [textwrap.dedent(body) for _, lang, body in found if lang == kind]


def _examples() -> list[tuple[str, list[str]]]:
    """Return each `$ command` of the console blocks with the lines it should print."""
    examples: list[tuple[str, list[str]]] = []
    for body in _blocks("console"):
        for line in body.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:].strip(), []))
            elif examples:
                examples[-1][1].append(line.rstrip())
            else:
                raise AssertionError(f"README 的 console 块应以 $ 命令开头：{line}")
    return examples


EXAMPLES = _examples()


def test_the_readme_has_command_examples_with_output() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_each_example_prints_what_the_readme_shows(command: str, expected: list[str], tmp_path: Path) -> None:
    program, *args = shlex.split(command)
    assert program in PROGRAMS, f"README 示例应以 jiaozao 开头：{command}"
    assert args[0] in DAY_FREE or "--today" in args or "--help" in args, (
        f"输出与日期有关的示例必须用 --today 固定日期：{command}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIAOZAO_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), PYTHONUNBUFFERED="1", JIAOZAO_CACHE="off", COLUMNS="200")
    run = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout
    assert [line.rstrip() for line in run.stdout.strip("\n").splitlines()] == expected


def test_no_other_block_claims_what_a_command_prints() -> None:
    """An output shown beside a command in an sh block (`# … → 2026-05-22`) is never checked: use console."""
    claims = [
        line
        for body in _blocks("sh")
        for line in body.splitlines()
        if "jiaozao" in line and re.search(r"→\s*\d{4}-\d{2}-\d{2}", line)
    ]
    assert claims == []


def test_the_top_shows_a_new_user_exactly_two_commands() -> None:
    first = _blocks("sh")[0]
    assert [line.split("#")[0].strip() for line in first.splitlines() if line.strip()] == [
        "make demo",
        "make test",
    ]
