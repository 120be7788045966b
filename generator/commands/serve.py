"""jiaozao serve: the lookup portal (and, for the demo, the built site) on one address with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    check_port_free,
    settings_of,
    terminal,
)  # fmt: skip
from generator.problems import JiaozaoError
from portal.config import CONFIG_FILE, PortalConfigError, read_settings
from portal.format import CURRENT_FILE


def run(args: argparse.Namespace) -> int:
    """启动证照查询门户：按证照编号查有效期、提醒日期和续证指南，并提供 JSON 接口和可嵌入的查询框。

    门户读取最近一次 jiaozao build（用同样的 --site / --index）写出的查询索引；之后每次 build，
    门户自动换用新索引，无需重启。演示时同时提供生成好的网站（正式部署时网站由 nginx 提供，见 README）。
    安全设置（每分钟查询次数、可信代理、允许嵌入和跨域的网站）在目录文件夹的 portal.yaml 中。

    示例：
      jiaozao serve                                  # http://127.0.0.1:8000/
      jiaozao serve --port 8080 --workers 4 --no-site --site /var/www/jiaozao
    """
    settings = settings_of(args)
    site, index_dir = settings.site, settings.index
    config_file = settings.catalogs / CONFIG_FILE
    try:
        read_settings(config_file)  # refuse a bad portal.yaml here, in Chinese, before any worker starts
    except PortalConfigError as error:
        raise JiaozaoError(str(error)) from None
    if not (index_dir / CURRENT_FILE).exists():
        raise JiaozaoError(
            f"还没有查询索引（{index_dir}）：请先运行 jiaozao build（使用同样的 --site / --index）"
        )
    if args.workers < 1:
        raise JiaozaoError("--workers 至少为 1")
    check_port_free(args.host, args.port, "门户")
    os.environ["JIAOZAO_INDEX"] = str(index_dir)
    os.environ["JIAOZAO_PORTAL_CONFIG"] = str(config_file.resolve())
    if args.no_site or not site.is_dir():
        os.environ.pop("JIAOZAO_SITE", None)
    else:
        os.environ["JIAOZAO_SITE"] = str(site)
    terminal.print(f"门户已启动：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）", markup=False)
    # A fresh interpreter that imports only the portal: small, and fast (no pandas/numpy heap to collect).
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "portal.app:app_from_environment",
        "--host", args.host, "--port", str(args.port), "--workers", str(args.workers),
        "--no-proxy-headers",  # the portal believes X-Forwarded-For only from its configured proxy
        "--no-server-header", "--no-access-log",  # access logs would hold the numbers people looked up
        "--log-level", "warning",
    ]  # fmt: skip
    os.execv(sys.executable, command)
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "serve", run, run.__doc__ or "")
    add_input_options(parser)
    add_setting_options(parser, "site", "index")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认：127.0.0.1，只允许本机访问）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认：8000）")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="进程数（默认：1）")
    parser.add_argument(
        "--no-site", action="store_true", help="只提供门户，不提供网站（网站由 nginx 提供时）"
    )
