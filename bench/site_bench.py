"""Benchmark: the public site at province scale — 100 departments, 2,000 目录 rows, 1,000,000 台账 rows.

Run: .venv/bin/python -m bench.site_bench   (first run writes the fictional inputs into bench/.cache/province)
Prints: page count, full build time, rebuild time after editing one department's 目录, output size,
and the same Markdown pages rendered by plain Jinja2 + Markdown in the same run (the floor).
Targets: full build ≤ 60 s, rebuild after one catalogue edit ≤ 8 s (issue 3 set 15 s; the console's 发布 needs
the rebuild fast enough to reach the public site within 20 s).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import time
from datetime import date
from pathlib import Path

import markdown
from jinja2 import Template

from generator.catalog.load import load_catalogs
from generator.config import DEMO_CATALOGS, Settings
from generator.demo import LAYOUTS, demo_rows, write_ledger
from generator.workflows.build import BuildResult, build_site
from generator.workflows.demo import DEMO_ANCHOR, demo_item

CACHE = Path(__file__).resolve().parent / ".cache" / "province"
TODAY = date(2026, 11, 23)
DEPARTMENTS, ITEMS_EACH = 100, 20


def province_inputs(rows: int) -> Path:
    """Return a catalogs folder of DEPARTMENTS departments (ITEMS_EACH rows each) with ledgers of `rows` rows."""
    root = CACHE / f"{DEPARTMENTS}x{ITEMS_EACH}-{rows}"
    if (root / "done").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    demo, _ = load_catalogs(DEMO_CATALOGS)
    pool = [i for i in demo.items if i.department == "anshan"] + [
        i for i in demo.items if i.department != "anshan"
    ]
    shutil.copy(DEMO_CATALOGS / "holidays.csv", root.mkdir(parents=True) or root / "holidays.csv")
    shutil.copy(DEMO_CATALOGS / "site.yaml", root / "site.yaml")
    header = [
        "序号",
        "审批事项名称",
        "证照名称",
        "审批科室",
        "证照法定有效期",
        "首次提醒时限",
        "二次提醒时限",
    ]
    for n in range(1, DEPARTMENTS + 1):
        slug, folder = f"dept{n:03d}", root / f"dept{n:03d}"
        folder.mkdir()
        items = [pool[(n * 7 + k) % len(pool)] for k in range(ITEMS_EACH)]
        with (folder / "catalog.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"第{n}部门到期前提醒证照目录"])
            writer.writerow(header)
            for k, item in enumerate(items, start=1):
                second = item.second.text if item.second else "到期前10个工作日"
                writer.writerow([k, f"{item.matter}（{k}）", f"{item.certificate}（{k}）", item.office or "审批科",
                                 item.validity.text, item.first.text, second])  # fmt: skip
        text = (DEMO_CATALOGS / "anshan" / "department.yaml").read_text(encoding="utf-8")
        (folder / "department.yaml").write_text(
            text.replace("名称: 鞍山市行政审批局", f"名称: 第{n}审批局"), "utf-8"
        )
        catalog, _ = load_catalogs_one(root, slug)
        demo_items = [demo_item(i) for i in catalog]
        ledger = demo_rows(demo_items, rows // DEPARTMENTS, seed=n, anchor=DEMO_ANCHOR, prefix=f"P{n:03d}")
        write_ledger(root / "_ledgers" / f"{slug}.csv", LAYOUTS["anshan"], ledger, varied_dates=False)
        print(f"\r写入演示输入 {n}/{DEPARTMENTS}", end="", flush=True)
    (root / "done").write_text("ok")
    print()
    return root


def load_catalogs_one(root: Path, slug: str) -> tuple[list, list]:  # type: ignore[type-arg]
    """Return one department's items by loading a throwaway folder holding only it."""
    scratch = root.parent / ".one"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root / slug, scratch / slug)
    catalogs, problems = load_catalogs(scratch)
    shutil.rmtree(scratch)
    return list(catalogs.items), problems


def jinja_floor(src: Path) -> tuple[int, float]:
    """Render every generated Markdown page with plain Markdown + Jinja2: the least any site generator must do."""
    page = Template("<!doctype html><html lang=zh><title>{{ title }}</title><body>{{ body }}</body></html>")
    out = src.parent / "jinja-floor"
    shutil.rmtree(out, ignore_errors=True)
    started, count = time.perf_counter(), 0
    for path in src.rglob("*.md"):
        body = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables"])
        target = out / path.relative_to(src).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.render(title=path.stem, body=body), encoding="utf-8")
        count += 1
    return count, time.perf_counter() - started


def edit_one_catalogue(root: Path) -> None:
    """Change one 首次提醒时限 cell of dept001, as staff would after a rule change."""
    path = root / "dept001" / "catalog.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    rows[2][5] = "到期前100个工作日" if rows[2][5] != "到期前100个工作日" else "到期前90个工作日"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    root = province_inputs(args.rows)
    out = CACHE / "out"
    shutil.rmtree(out, ignore_errors=True)
    # A cold ledger cache for the full build; the rebuild then finds the unchanged ledgers in it.
    os.environ["JIAOZAO_CACHE"] = str(out / "ledger-cache")
    settings = Settings.read(str(root))
    started = time.perf_counter()
    result = build_site(settings, TODAY, out / "site", out / "src")
    full = time.perf_counter() - started
    edit_one_catalogue(root)
    started = time.perf_counter()
    again = build_site(settings, TODAY, out / "site", out / "src")
    rebuild = time.perf_counter() - started
    pages, floor = jinja_floor(out / "src")
    print(
        f"部门 {DEPARTMENTS}，目录 {DEPARTMENTS * ITEMS_EACH} 行，台账 {result.inputs.ledger.rows_read:,} 行"
    )
    print(f"页面 {result.pages:,} 个，文件 {result.files:,} 个，输出 {result.bytes / 1024 / 1024:,.1f} MB")

    def stages(r: BuildResult, total: float) -> str:  # 其余: counting the files of the new site
        return "，".join(
            f"{k} {v:.1f} s" for k, v in [*r.seconds.items(), ("其余", total - sum(r.seconds.values()))]
        )

    print(f"完整生成            {full:8.1f} s   目标 ≤ 60 s   （{stages(result, full)}）")
    print(f"改一个部门目录后重建  {rebuild:8.1f} s   目标 ≤ 8 s    （{stages(again, rebuild)}）")
    print(
        f"纯 Jinja2 下限      {floor:8.1f} s   （mkdocs 处理的同样 {pages:,} 个 Markdown 页面，无主题、无搜索；"
    )
    print("                               其余公告页在两种方式下都是直接填入，见“填入公告”）")


if __name__ == "__main__":
    main()
