"""jiaozao build: the public site (目录, 办事指南, 即将到期公告, feeds) with mkdocs-material, and the lookup index."""

from __future__ import annotations

import argparse

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    parse_day,
    print_problems,
    print_unusable,
    settings_of,
    summarize,
    terminal,
)  # fmt: skip
from generator.workflows.build import build_site


def run(args: argparse.Namespace) -> int:
    """生成公开网站：目录公开、办事指南、即将到期公告（30/60/90 天）、订阅源，以及门户的查询索引。

    先在旁边生成，全部成功后才替换已发布的网站；放假安排有错误时停止，已发布的网站保持不变。
    某个部门的目录或台账有错误时，其他部门照常发布，该部门这次不发布（它的页面和查询暂时下线，
    不会用错误的数据发布，也不会半新半旧），并说明原因；退出码为 1。
    同样的输入和 --today 生成的网站逐字节相同。修改目录后运行一次；每天由 cron 运行一次让公告滚动更新。
    相对路径都相对于当前文件夹。

    示例：
      jiaozao build
      jiaozao build --today 2026-11-23 --site /var/www/jiaozao
      # crontab：每天 6:00 更新公告
      0 6 * * * cd /opt/jiaozao && .venv/bin/jiaozao build --ledgers /data/台账 --site /var/www/jiaozao
    """
    today = parse_day(args.today, "--today")
    settings = settings_of(args)
    with terminal.status("正在生成网站……"):
        result = build_site(settings, today, with_index=True)
    ledger, problems = result.inputs.ledger, result.inputs.problems
    print_problems(problems, limit=50)
    terminal.print(
        summarize(ledger.rows_read, len(ledger), ledger.rows_rejected, problems, "发布"), markup=False
    )
    size = result.bytes / 1024 / 1024
    terminal.print(
        f"网站已生成：{result.pages} 个页面，{result.files} 个文件，{size:.1f} MB，位于 {result.site_dir}",
        markup=False,
    )
    terminal.print("用时：" + "，".join(f"{k} {v:.1f} 秒" for k, v in result.seconds.items()), markup=False)
    if result.reused:
        terminal.print(f"其中 {result.reused} 个页面与上次相同，沿用上次生成的结果。", markup=False)
    if result.index is not None:
        index = result.index
        how = f"更新（新增 {index.added}、删除 {index.removed} 条）" if index.incremental else "重建"
        terminal.print(
            f"查询索引已{how}：{index.certificates} 张证照，{index.generation}，位于 {index.folder}",
            markup=False,
        )
    left_out = "这次没有发布（它的公开页面和查询暂时下线，修正后重新运行 jiaozao build 即恢复）"
    return 1 if print_unusable(result.inputs.unusable.values(), left_out) else 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "build", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天生成公告（默认：今天）")
    add_setting_options(parser, "site", "src", "index")
