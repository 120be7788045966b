# 两条命令：`make demo` 安装并用演示数据跑主流程；`make test` 安装并跑全部检查。
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo demo-prepare test check lint types pytest pytest-postgresql dates browser postgres bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The demo works on its own copy under var/demo/ (ignored by git): the console's uploads, publishes and 登记 never
# touch the tracked catalogs/. The copy is made once (again when missing); its site.yaml 网址 follows PORT.
# TODAY=YYYY-MM-DD runs the demo as on that day (the commands' --today); default: today in China.
PORT         ?= 8000
CONSOLE_PORT ?= 8001
DEMO         ?= var/demo
TODAY        ?=
DAY = $(if $(TODAY),--today $(TODAY))
DEMO_ENV = JIAOZAO_CATALOGS=$(DEMO)/catalogs JIAOZAO_LEDGERS=$(DEMO)/catalogs/_ledgers \
	JIAOZAO_SITE=$(DEMO)/site JIAOZAO_INDEX=$(DEMO)/site-index JIAOZAO_SRC=$(DEMO)/site_src \
	JIAOZAO_OUT=$(DEMO)/out JIAOZAO_RECORD_DB=$(DEMO)/登记簿.sqlite JIAOZAO_CONSOLE_DB=$(DEMO)/console.sqlite \
	JIAOZAO_CONSOLE_PUBLIC_URL=http://127.0.0.1:$(PORT)/

demo-prepare: $(STAMP)
	@if [ ! -d $(DEMO)/catalogs ]; then \
	  mkdir -p $(DEMO) && cp -R catalogs $(DEMO)/catalogs && echo "演示数据已复制到 $(DEMO)/catalogs/（工作台的修改只写在这里）"; \
	fi
	@sed 's|^网址:.*|网址: http://127.0.0.1:$(PORT)/           # make demo 按 PORT 写入|' $(DEMO)/catalogs/site.yaml > $(DEMO)/site.yaml.tmp \
	  && mv $(DEMO)/site.yaml.tmp $(DEMO)/catalogs/site.yaml
	$(DEMO_ENV) $(BIN)/jiaozao check $(DAY)
	$(DEMO_ENV) $(BIN)/jiaozao schedule $(DAY) --out $(DEMO)/out/schedule.xlsx
	$(DEMO_ENV) $(BIN)/jiaozao demo-data --history $(DAY)
	$(DEMO_ENV) $(BIN)/jiaozao build $(DAY)

demo: demo-prepare
	@echo "网站和查询门户：http://127.0.0.1:$(PORT)/ ；工作台：http://127.0.0.1:$(CONSOLE_PORT)/  （按 Ctrl+C 停止）"
	$(DEMO_ENV) $(BIN)/jiaozao console $(DAY) --demo-admin admin --port $(CONSOLE_PORT) & console=$$!; \
	trap 'kill $$console 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/jiaozao serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

types: $(STAMP)
	$(BIN)/mypy

browser:
	bash .ci/install-browser
	bash .ci/install-axe

# Debian's PostgreSQL server: the console tests start their own throw-away cluster with it (tests/pg.py).
postgres:
	bash .ci/install-postgres

pytest: $(STAMP) browser postgres
	$(BIN)/pytest -q -n auto --maxprocesses=4

# Every console test again with the console's state and the 登记簿 on PostgreSQL (a throw-away cluster per worker):
# the modules marked BOTH_BACKENDS already ran on both above; here all of them do.
pytest-postgresql: $(STAMP) browser postgres
	JIAOZAO_TEST_BACKEND=postgresql $(BIN)/pytest -q -n auto --maxprocesses=4 tests/console

# The date-sensitive tests again, as if the clock said four other days (a working day, a Saturday, the last
# working day before 春节 2027, 2028-02-29): no test may depend on the day it runs.
dates: $(STAMP) browser
	bash .ci/test-dates

test: lint types pytest pytest-postgresql dates

# The edit loop: lint, types and every test but the browser ones, stopping at the first failure.
check: lint types
	$(BIN)/pytest -q -x -n auto --maxprocesses=4 -m "not browser"

bench: $(STAMP)
	$(BIN)/python -m bench.schedule_bench

clean:
	rm -rf $(VENV) out site site-index
