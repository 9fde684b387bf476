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

## test: ruff, then the whole suite on SQLite in UTC beside the whole suite on MySQL/MariaDB (when TEST_MYSQL_URL is
## set), then again (but for the zone_free tests) in a zone with DST and in one with a half-hour offset, side by side.
## Each run has its own Redis databases, so the runs sharing the two cores never see each other's cache or queue.
test: lint
	@echo "== the whole suite on SQLite in UTC$${TEST_MYSQL_URL:+, and beside it on MySQL/MariaDB} =="
	@if [ -n "$$TEST_MYSQL_URL" ]; then \
		DATABASE_URL="$$TEST_MYSQL_URL" TEST_REDIS_URL=redis://127.0.0.1:6379/7 TEST_BROKER_URL=redis://127.0.0.1:6379/4 \
			$(BIN)/python -m pytest > .test-mysql.log 2>&1 & my=$$!; \
	else \
		echo "TEST_MYSQL_URL is not set: skipped the MySQL/MariaDB run"; my=; \
	fi; \
	$(BIN)/python -m pytest; utc=$$?; \
	if [ -n "$$my" ]; then wait $$my; my=$$?; echo "== MySQL/MariaDB =="; cat .test-mysql.log; else my=0; fi; \
	rm -f .test-mysql.log; [ $$utc -eq 0 ] && [ $$my -eq 0 ]
	@echo "== again in America/New_York (DST) and in Asia/Kolkata (UTC+05:30), side by side on two cores =="
	@TEST_TIME_ZONE=America/New_York TEST_REDIS_URL=redis://127.0.0.1:6379/8 $(BIN)/python -m pytest -m "not zone_free" \
		> .test-new-york.log 2>&1 & ny=$$!; \
	TEST_TIME_ZONE=Asia/Kolkata TEST_REDIS_URL=redis://127.0.0.1:6379/9 $(BIN)/python -m pytest -m "not zone_free" \
		> .test-kolkata.log 2>&1; kolkata=$$?; wait $$ny; ny=$$?; \
	echo "== America/New_York =="; cat .test-new-york.log; echo "== Asia/Kolkata =="; cat .test-kolkata.log; \
	rm -f .test-new-york.log .test-kolkata.log; [ $$ny -eq 0 ] && [ $$kolkata -eq 0 ]

## bench: MLS ingest speed into SQLite and MariaDB, beside the seed's one-INSERT-per-record approach; raw export of 1 M minutes;
## report pages at ten years of data (SQLite and MariaDB); 20 and 50 users under gunicorn; the enterprise License
## Statistics installation (100 servers x 50 features): first and repeat fetch, its pages (see docs/benchmarks.md)
BENCH_MYSQL_URL ?= mysql://root@127.0.0.1:3306/meterboard_bench
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.mls_ingest
	$(BIN)/python -m benchmarks.raw_export
	$(BIN)/python -m benchmarks.report_pages --mysql-url "$(BENCH_MYSQL_URL)"
	$(BIN)/python -m benchmarks.load
	$(BIN)/python -m benchmarks.load --database-url "$(BENCH_MYSQL_URL)"
	$(BIN)/python -m benchmarks.enterprise

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
