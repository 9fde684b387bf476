"""`make run`: everything a new user needs to see Meterboard working, in one command."""

import csv
import io
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ingest.management.commands.ingest import summary
from ingest.management.commands.simulators import simulator_options
from ingest.services import run_fetch, source_save
from ingest.vendors import VENDORS


class Command(BaseCommand):
    help = (
        "Set up and run the demo: migrate, create an admin, start the vendor simulators, register a demo "
        "source for each, fetch once, then serve the dashboard with the background worker until Ctrl-C "
        "(or SIGTERM), which stops the simulators and the worker too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="dashboard port (default 8000)")
        parser.add_argument("--simulator-port", type=int, default=8765, help="simulators' port (default 8765)")
        parser.add_argument("--history-days", type=int, default=60)
        parser.add_argument(
            "--reset-admin-password", action="store_true",
            help="give the admin account a fresh password (by default a second run keeps the one it has)",
        )  # fmt: skip

    def handle(self, *args, port, simulator_port, history_days, reset_admin_password, **opts):
        if "EMAIL_URL" not in os.environ:  # emails as .eml files in sent-emails/, here and in the worker
            os.environ["EMAIL_URL"] = "filemail://"
            settings.EMAIL_BACKEND = "dashboard.mail.EmlFileBackend"
        self.write_env()
        call_command("migrate", verbosity=0)
        password = self.demo_admin(reset=reset_admin_password)
        # SIGTERM stops the demo as Ctrl-C does: the finally below stops the simulators and the worker too
        signal.signal(signal.SIGTERM, _interrupt)
        children = []
        try:
            children.append(self.start_simulators(simulator_port, history_days))
            simulators, sources = self.register_and_fetch(simulator_port, history_days)
            self.demo_entitlements(simulators, sources)
            self.demo_subscription(simulators)
            children.append(subprocess.Popen([sys.executable, "manage.py", "qcluster"]))
            self.announce_when_ready(port, password)
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the worker and the simulators …")
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            stop(children)

    def write_env(self):
        """The demo's settings in .env (kept where set), so `.venv/bin/python manage.py ...` works as the README says."""
        path = Path(settings.BASE_DIR) / ".env"
        lines = path.read_text().splitlines() if path.exists() else []
        have = {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}
        wanted = {"DEBUG": "true", "EMAIL_URL": os.environ.get("EMAIL_URL", "filemail://")}
        missing = [f"{key}={value}" for key, value in wanted.items() if key not in have]
        if missing:
            header = (
                []
                if lines
                else ["# Written by `make run` (manage.py demo): the demo's settings for manage.py commands."]
            )
            path.write_text("\n".join([*lines, *header, *missing]) + "\n")
            self.stdout.write(f"Wrote {', '.join(m.split('=')[0] for m in missing)} to {path.name}")

    def demo_admin(self, *, reset=False):
        """The admin account: a fresh password the first time (or with reset), else the one it has.

        The demo's password is kept in ADMIN_PASSWORD_FILE (git-ignored) so that it can be printed again; a password
        the admin changed since is kept and not shown."""
        path = Path(settings.BASE_DIR) / ADMIN_PASSWORD_FILE
        user, created = get_user_model().objects.get_or_create(username="admin", defaults={"email": "admin@localhost"})
        user.is_staff = user.is_superuser = True
        known = path.read_text().strip() if path.exists() else ""
        if not created and not reset and user.has_usable_password():
            user.save()
            return known if known and user.check_password(known) else None
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password

    def announce_when_ready(self, port, password):
        """Prints the address and the admin's password once the dashboard answers (after the worker's log lines)."""
        login = (
            f"log in as admin / {password}"
            if password
            else "log in as admin with the password you gave it (make run RESET_ADMIN=1 makes a new one)"
        )

        def announce():
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            time.sleep(1.0)  # the worker's start-up lines come first
            self.stdout.write(self.style.SUCCESS(f"\nMeterboard is at http://127.0.0.1:{port}/  —  {login}\n"))
            self.stdout.write("Ctrl-C stops the dashboard, the worker and the simulators.\n")

        threading.Thread(target=announce, daemon=True).start()

    def start_simulators(self, port, history_days):
        cmd = [sys.executable, "manage.py", "simulators", "--port", str(port), "--history-days", str(history_days)]
        process = subprocess.Popen(cmd)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_health", timeout=1)
                return process
            except OSError:
                time.sleep(0.1)
        stop([process])
        raise SystemExit(f"The simulators did not start on port {port}: is the port taken? (--simulator-port)")

    def register_and_fetch(self, port, history_days):
        """One demo source per simulator, fetched once so the charts have data straight away; the simulators."""
        simulators, sources, options = [], [], simulator_options(history_days)
        for vendor in VENDORS:
            simulator = vendor.simulator_class()(**options[vendor.kind])
            spec = simulator.demo_source(f"http://127.0.0.1:{port}/{vendor.kind}")
            source = source_save(name=f"demo-{vendor.kind}", interval_minutes=15, **spec)
            self.stdout.write(f"Fetching {source.name} …")
            self.stdout.write(summary(run_fetch(source, trigger="demo")))
            simulators.append(simulator)
            sources.append(source)
        return simulators, sources

    def demo_entitlements(self, simulators, sources):
        """The demo's contracts (prices, owned quantities, renewal dates, references) from each simulator, read in
        as a license admin would: a CSV in the overview download's columns, through import_entitlements."""
        today = timezone.localdate()
        rows = [
            row for sim, source in zip(simulators, sources, strict=True) for row in sim.demo_entitlements(source, today)
        ]
        columns = ["Key", "Owned", "Price per unit per year", "Metered rate per license-hour", "Renews on", "Reference"]
        with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8", delete=False) as f:
            writer = csv.DictWriter(f, columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        out = io.StringIO()
        try:
            call_command("import_entitlements", f.name, stdout=out)
        except CommandError as exc:  # the demo goes on without its contracts, and says why
            self.stderr.write(str(exc))
        finally:
            os.unlink(f.name)
        self.stdout.write(f"Demo contracts: {out.getvalue().strip().splitlines()[-1] if out.getvalue() else 'none'}")

    def demo_subscription(self, simulators):
        """One emailed report, sent once, so a new user finds it in sent-emails/. The first simulator that
        names a demo report gives it; the commands do the work, as a script would (ingest never imports reports)."""
        report = next((s.demo_report() for s in simulators if hasattr(s, "demo_report")), None)
        if report is None:
            return
        call_command(
            "add_subscription", "Weekly demo report", "--report", report, "--to", "admin@localhost",
            "--every", "weekly:MON", "--at", "08:00", "--period", "last-7-days", "--attach", "csv,xlsx",
        )  # fmt: skip
        try:
            call_command("send_report", "Weekly demo report")
        except CommandError as exc:  # the demo goes on; the Subscriptions page shows the failure too
            self.stderr.write(str(exc))


ADMIN_PASSWORD_FILE = ".demo-admin-password"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop(children):
    """Stops each child process (SIGTERM, then SIGKILL after 10 s), ignoring a second Ctrl-C meanwhile."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
