# Meterboard: `make run` sets everything up and serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# mysqlclient compiles against the MySQL/MariaDB client headers, python-ldap against OpenLDAP's and SASL's:
# install them where we can (checked again whenever requirements.txt changes).
SYSTEM_DEPS := default-libmysqlclient-dev pkg-config build-essential libldap2-dev libsasl2-dev
$(VENV)/.system-deps: requirements.txt
	@if { ! pkg-config --exists mysqlclient 2>/dev/null && ! pkg-config --exists libmariadb 2>/dev/null; } \
		|| [ ! -e /usr/include/ldap.h ] || [ ! -e /usr/include/sasl/sasl.h ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "Installing the client headers mysqlclient and python-ldap need (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_DEPS) >/dev/null; \
		else \
			echo "mysqlclient and python-ldap need the MySQL, OpenLDAP and SASL client headers. On Debian/Ubuntu:"; \
			echo "  sudo apt-get install $(SYSTEM_DEPS)"; \
			exit 1; \
		fi; \
	fi
	@mkdir -p $(VENV) && touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt $(VENV)/.system-deps | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, start the simulators, register demo sources, fetch, email one report to sent-emails/, serve http://127.0.0.1:8000
## (make run PORT=8001 SIMULATOR_PORT=8766 for other ports; RESET_ADMIN=1 gives the admin a fresh password)
PORT ?= 8000
SIMULATOR_PORT ?= 8765
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-true} EMAIL_URL=$${EMAIL_URL:-filemail://} $(BIN)/python manage.py demo \
		--port $(PORT) --simulator-port $(SIMULATOR_PORT) $(if $(RESET_ADMIN),--reset-admin-password)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test: ruff, then four runs at once, sharing the two cores: the whole suite on MySQL/MariaDB in UTC (when
## TEST_MYSQL_URL is set), and on SQLite the zone_free tests in UTC and every other test in a zone with DST and in one
## with a half-hour offset. So every test runs on both databases, and every test the display zone can change runs
## outside UTC twice. Each run has its own Redis databases, so no run sees another's cache or queue.
SQLITE_UTC = $(BIN)/python -m pytest -m zone_free
NEW_YORK = TEST_TIME_ZONE=America/New_York TEST_REDIS_URL=redis://127.0.0.1:6379/8 $(BIN)/python -m pytest -m "not zone_free"
KOLKATA = TEST_TIME_ZONE=Asia/Kolkata TEST_REDIS_URL=redis://127.0.0.1:6379/9 $(BIN)/python -m pytest -m "not zone_free"
MARIADB = DATABASE_URL="$$TEST_MYSQL_URL" TEST_REDIS_URL=redis://127.0.0.1:6379/7 TEST_BROKER_URL=redis://127.0.0.1:6379/4 \
	$(BIN)/python -m pytest
test: lint
	@echo "== SQLite: the zone_free tests in UTC; the others in America/New_York (DST) and Asia/Kolkata (UTC+05:30)$${TEST_MYSQL_URL:+; MySQL/MariaDB: all of them in UTC} =="
	@if [ -n "$$TEST_MYSQL_URL" ]; then $(MARIADB) > .test-mysql.log 2>&1 & my=$$!; else my=; fi; \
	$(SQLITE_UTC) > .test-utc.log 2>&1 & utc=$$!; \
	$(NEW_YORK) > .test-new-york.log 2>&1 & ny=$$!; \
	$(KOLKATA) > .test-kolkata.log 2>&1; kolkata=$$?; \
	wait $$utc; utc=$$?; wait $$ny; ny=$$?; \
	if [ -n "$$my" ]; then wait $$my; my=$$?; else my=0; fi; \
	echo "== SQLite, UTC (zone_free) =="; cat .test-utc.log; \
	echo "== SQLite, America/New_York =="; cat .test-new-york.log; \
	echo "== SQLite, Asia/Kolkata =="; cat .test-kolkata.log; \
	if [ -n "$$TEST_MYSQL_URL" ]; then echo "== MySQL/MariaDB, UTC =="; cat .test-mysql.log; \
	else echo "TEST_MYSQL_URL is not set: skipped the MySQL/MariaDB run"; fi; \
	rm -f .test-utc.log .test-new-york.log .test-kolkata.log .test-mysql.log; \
	[ $$utc -eq 0 ] && [ $$ny -eq 0 ] && [ $$kolkata -eq 0 ] && [ $$my -eq 0 ]

## bench: MLS ingest speed into SQLite and MariaDB, beside the seed's one-INSERT-per-record approach; raw export of 1 M minutes;
## report pages at ten years of data (SQLite and MariaDB); 20 and 50 users under gunicorn; the enterprise License
## Statistics installation (100 servers x 50 features): first and repeat fetch, its pages; a report table drawn
## with dashboard.tables (and django-tables2 where installed) (see docs/benchmarks.md)
BENCH_MYSQL_URL ?= mysql://root@127.0.0.1:3306/meterboard_bench
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.mls_ingest
	$(BIN)/python -m benchmarks.raw_export
	$(BIN)/python -m benchmarks.report_pages --mysql-url "$(BENCH_MYSQL_URL)"
	$(BIN)/python -m benchmarks.load
	$(BIN)/python -m benchmarks.load --database-url "$(BENCH_MYSQL_URL)"
	$(BIN)/python -m benchmarks.enterprise
	$(BIN)/python -m benchmarks.tables

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
