"""The one configuration of a run, declared once and read once: options, then JIAOZAO_* environment, then defaults.

Every setting of every app is declared once in portal/rules/settings_table.py (environment variable, type,
default, help; shared rules, so the portal reads the same table); the run's settings are the `Option`s below, taken
from it, and the command line derives its options from them. Relative paths are relative to the working directory and
made absolute once, when the settings are read; only the shipped demo data is found from the code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from generator.problems import JiaozaoError
from portal.rules import settings_table
from portal.rules.text import yes_no

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def secret_file_values(
    name: str, what: str, secret: str, error: Callable[[str], Exception]
) -> dict[str, str]:
    """Read a key=value settings file holding a secret (the SMTP password, the SMS platform's key) named by an
    environment variable; '' reads nothing. It must live outside the project, never in the repository. what
    names the file and secret what it holds, in the messages; error makes the exception raised."""
    if not name:
        return {}
    path = Path(name).resolve()
    if path.is_relative_to(PROJECT_ROOT):
        raise error(
            f"{what}“{name}”在项目文件夹内；{secret}不能放进代码仓库，请移到项目之外（如 /etc/jiaozao/）"
        )
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as problem:
        raise error(f"无法读取{what}“{name}”：{problem.strerror}") from None
    pairs = (line.partition("=") for line in lines if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, _, value in pairs}


DEMO_CATALOGS = PROJECT_ROOT / "catalogs"
LEDGER_FOLDER = "_ledgers"  # inside a catalogs folder: where the demo keeps its 台账 files
HOLIDAYS_FILE = "holidays.csv"


@dataclass(frozen=True)
class Option:
    """One setting: its option and attribute name, environment variable, default and help text."""

    name: str
    env: str
    default: str  # a path relative to the working directory; "" means derived from another setting
    help: str


# The run's settings, from the one table of every setting (portal/rules/settings_table.py): those with an option.
OPTIONS: tuple[Option, ...] = tuple(
    Option(setting.option, setting.env, setting.default, setting.help)
    for setting in settings_table.of_group("运行")
    if setting.option
)
_BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """Where a run reads its 目录, 台账 and holiday supplement, and where it writes; every path absolute."""

    catalogs: Path
    ledgers: Path
    site: Path = Path("site")
    src: Path = Path("site_src/generated")
    index: Path = Path("site-index")
    out: Path = Path("out")
    db: Path = Path("var/登记簿.sqlite")
    cache: Path | None = None  # parsed 台账 kept between runs; None: off
    database_url: str = ""  # postgresql://…: the one shared database; "": the SQLite files above
    database_pool_size: int = 4  # connections each console process answers requests with (PostgreSQL)
    database_statement_timeout: float = (
        30.0  # seconds a console's statement may run (PostgreSQL); 0: no limit
    )

    @property
    def holidays(self) -> Path:
        return self.catalogs / HOLIDAYS_FILE

    @property
    def registry(self) -> Path | str:
        """Return where the 登记簿 and the SMS outbox live: the PostgreSQL URL when one is set, else the file db."""
        return self.database_url or self.db

    @classmethod
    def read(
        cls,
        catalogs: str | None = None,
        ledgers: str | None = None,
        environ: Mapping[str, str] = os.environ,
        **values: str | None,
    ) -> Settings:
        """Return settings from command-line values, else JIAOZAO_* variables, else the defaults."""
        return cls.from_values({"catalogs": catalogs, "ledgers": ledgers, **values}, environ)

    @classmethod
    def from_values(
        cls, given: Mapping[str, str | None], environ: Mapping[str, str] = os.environ
    ) -> Settings:
        """Return settings from a mapping of option values (None: not given)."""
        unknown = set(given) - set(_BY_NAME)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")

        def text(name: str) -> str:
            option = _BY_NAME[name]
            return given.get(name) or settings_table.given(environ, option.env, strip=False) or option.default

        catalogs_dir = _absolute(text("catalogs") or str(DEMO_CATALOGS))
        site = _absolute(text("site"))
        return cls(
            catalogs=catalogs_dir,
            ledgers=_absolute(text("ledgers")) if text("ledgers") else catalogs_dir / LEDGER_FOLDER,
            site=site,
            src=_absolute(text("src")),
            index=_absolute(text("index")) if text("index") else default_index_dir(site),
            out=_absolute(text("out")),
            db=_absolute(text("db")),
            cache=None if yes_no(text("cache")) is False else _absolute(text("cache")),
            database_url=text("database_url").strip(),
            database_pool_size=int(_number(text("database_pool_size"), "database_pool_size", whole=True)),
            database_statement_timeout=_number(
                text("database_statement_timeout"), "database_statement_timeout"
            ),
        )

    def replace(self, **changes: Path | None) -> Settings:
        """Return a copy with some paths changed (made absolute)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: _absolute(str(v)) if v is not None else None for k, v in changes.items()})
        values["database_url"] = self.database_url  # not a path
        return Settings(**values)


def debugging(environ: Mapping[str, str] = os.environ) -> bool:
    """Return whether JIAOZAO_DEBUG asks for the full traceback of an internal error (any value but empty)."""
    return bool(settings_table.given(environ, "JIAOZAO_DEBUG", strip=False))


def default_index_dir(site_dir: Path) -> Path:
    """Return where the lookup index of a site lives: beside it, never inside it (site-index/ for site/)."""
    return site_dir.parent / f"{site_dir.name}-index"


class SettingError(JiaozaoError):
    """A setting whose value cannot be used."""


def _number(text: str, name: str, whole: bool = False) -> float:
    """Return a setting's number: a whole number from 1 up, or any number of seconds from 0 up."""
    try:
        value = float(text.strip())
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < (1 if whole else 0) or (whole and value != int(value)):
        option = _BY_NAME[name]
        wanted = "正整数" if whole else "不小于 0 的秒数"
        raise SettingError(f"{option.env} 的值“{text}”应是{wanted}；不设置则用默认值 {option.default}")
    return value


def _absolute(text: str) -> Path:
    """Return a path made absolute against the working directory once, without resolving links."""
    return Path(os.path.abspath(os.path.expanduser(text)))
