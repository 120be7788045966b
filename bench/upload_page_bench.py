"""Print the size of an upload's problem list as HTML for 100,000 bad rows: every row (before issue 18 item 6)
against the first 500 plus counts by kind (after), and the .xlsx download of the full list.

Run: PYTHONPATH=. python bench/upload_page_bench.py
"""

from __future__ import annotations

import time

from jinja2 import Environment, FileSystemLoader, select_autoescape

from console.frame.problems import ProblemRow, problems_xlsx, summary
from console.frame.requests import TEMPLATES

ROWS = 100_000


def main() -> None:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    problems = [
        ProblemRow("错误", "上传的文件 台账.csv", str(i + 2), "期满日期（G 列）", "下个月",
                   "期满日期无法识别", "请写成 2027-05-19 这样的日期", True)
        for i in range(ROWS)
    ]  # fmt: skip
    before = env.get_template("_problems.html").render(problems=problems)
    up = {"id": 1, **summary(problems)}
    after = env.get_template("_upload_problems.html").render(up=up, slug="anshan", kind="ledger")
    started = time.perf_counter()
    download = problems_xlsx(problems)
    seconds = time.perf_counter() - started
    print(f"{ROWS:,} problems: page list before {len(before.encode()) / 1e6:.1f} MB, "
          f"after {len(after.encode()) / 1e3:.0f} KB; full list .xlsx {len(download) / 1e6:.1f} MB in {seconds:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
