"""`make run`: everything a new user needs to see Meterboard working, in one command."""

import csv
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request

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
        "source for each, fetch once, then serve the dashboard with the background worker until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="dashboard port")
        parser.add_argument("--simulator-port", type=int, default=8765)
        parser.add_argument("--history-days", type=int, default=60)

    def handle(self, *args, port, simulator_port, history_days, **opts):
        if "EMAIL_URL" not in os.environ:  # emails as .eml files in sent-emails/, here and in the worker
            os.environ["EMAIL_URL"] = "filemail://"
            settings.EMAIL_BACKEND = "dashboard.mail.EmlFileBackend"
        call_command("migrate", verbosity=0)
        password = self.demo_admin()
        children = [self.start_simulators(simulator_port, history_days)]
        try:
            simulators, sources = self.register_and_fetch(simulator_port, history_days)
            self.demo_entitlements(simulators, sources)
            self.demo_subscription(simulators)
            children.append(subprocess.Popen([sys.executable, "manage.py", "qcluster"]))
            self.stdout.write(
                self.style.SUCCESS(f"\nMeterboard is at http://127.0.0.1:{port}/  —  log in as admin / {password}\n")
            )
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)

    def demo_admin(self):
        """A fresh password on every start, printed once."""
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username="admin", defaults={"email": "admin@localhost"})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password

    def start_simulators(self, port, history_days):
        cmd = [sys.executable, "manage.py", "simulators", "--port", str(port), "--history-days", str(history_days)]
        process = subprocess.Popen(cmd)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_health", timeout=1)
                return process
            except OSError:
                time.sleep(0.1)
        process.terminate()
        raise SystemExit(f"The simulators did not start on port {port}: is the port taken?")

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
