# 两条命令：`make demo` 安装并用演示数据跑主流程；`make test` 安装并跑全部检查。
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint types pytest dates browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/jiaozao check
	$(BIN)/jiaozao schedule --out out/schedule.xlsx
	$(BIN)/jiaozao build
	@echo "网站和查询门户：http://127.0.0.1:8000/ ；工作台：http://127.0.0.1:8001/  （按 Ctrl+C 停止）"
	$(BIN)/jiaozao console --demo-admin admin & console=$$!; \
	trap 'kill $$console 2>/dev/null' EXIT INT TERM; \
	$(BIN)/jiaozao serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

types: $(STAMP)
	$(BIN)/mypy

browser:
	bash .ci/install-browser
	bash .ci/install-axe

pytest: $(STAMP) browser
	$(BIN)/pytest -q

# The date-sensitive tests again, as if the clock said four other days (a working day, a Saturday, the last
# working day before 春节 2027, 2028-02-29): no test may depend on the day it runs.
dates: $(STAMP) browser
	bash .ci/test-dates

test: lint types pytest dates

bench: $(STAMP)
	$(BIN)/python -m bench.schedule_bench

clean:
	rm -rf $(VENV) out site site-index
