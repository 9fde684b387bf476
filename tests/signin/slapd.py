"""A throwaway OpenLDAP (Debian's slapd) on a loopback port: one per test session, with a few users and groups.

`make test` and CI run it (.ci/run installs slapd and sets REQUIRE_SLAPD); elsewhere the LDAP tests skip, saying
why, when /usr/sbin/slapd is missing.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import ldap

SLAPD = "/usr/sbin/slapd"
BASE = "dc=example,dc=org"
ROOT_DN, ROOT_PASSWORD = f"cn=root,{BASE}", "root-secret"
BIND_DN, BIND_PASSWORD = f"cn=meterboard,ou=services,{BASE}", "bind-secret"
ADMINS, VIEWERS, ANALYSTS = (
    f"cn={cn},ou=groups,{BASE}" for cn in ("meterboard-admins", "meterboard-viewers", "analysts")
)
# username: (given name, surname, groups it is a member of at the start)
PEOPLE = {
    "alice": ("Alice", "Admin", [ADMINS]),
    "bob": ("Bob", "Viewer", [VIEWERS]),
    "carol": ("Carol", "Nested", [ANALYSTS]),  # a viewer through analysts, a member of meterboard-viewers
    "dave": ("Dave", "Nogroup", []),
    "erin": ("Erin", "Mover", [VIEWERS]),  # the tests move her between groups (and put her back)
}

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
database mdb
maxsize 16777216
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_password}
directory {dir}/data
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


def dn(username):
    return f"uid={username},ou=people,{BASE}"


def password(username):
    return f"{username}-Directory-pass-1"


def ldif():
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example",
        *(f"dn: ou={ou},{BASE}\nobjectClass: organizationalUnit\nou: {ou}" for ou in ("people", "groups", "services")),
        f"dn: {BIND_DN}\nobjectClass: person\ncn: meterboard\nsn: service\nuserPassword: {BIND_PASSWORD}",
    ]
    for username, (given, surname, _) in PEOPLE.items():
        entries.append(
            f"dn: {dn(username)}\nobjectClass: inetOrgPerson\nuid: {username}\ncn: {given} {surname}\n"
            f"givenName: {given}\nsn: {surname}\nmail: {username}@example.org\nuserPassword: {password(username)}"
        )
    members = {ADMINS: [], VIEWERS: [ANALYSTS], ANALYSTS: []}
    for username, (_, _, groups) in PEOPLE.items():
        for group in groups:
            members[group].append(dn(username))
    for group, dns in members.items():
        cn = group.split(",")[0].removeprefix("cn=")
        entries.append(f"dn: {group}\nobjectClass: groupOfNames\ncn: {cn}\n" + "\n".join(f"member: {m}" for m in dns))
    return "\n\n".join(entries) + "\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="meterboard-slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"

    def start(self):
        (self.dir / "data").mkdir()
        conf = self.dir / "slapd.conf"
        conf.write_text(
            CONFIG.format(dir=self.dir, base=BASE, root_dn=ROOT_DN, root_password=ROOT_PASSWORD)
        )  # fmt: skip
        # -d keeps slapd in the foreground (this process ends it); its log goes to a file, not the test output
        self.log = open(self.dir / "slapd.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", f"{self.uri}/", "-d", "0"], stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait()
        (self.dir / "people.ldif").write_text(ldif())
        subprocess.run(
            ["ldapadd", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-f", str(self.dir / "people.ldif")],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        return self

    def _wait(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {(self.dir / 'slapd.log').read_text()[-2000:]}")
            try:
                self.connect().unbind_s()
                return
            except ldap.SERVER_DOWN:
                time.sleep(0.05)
        raise RuntimeError("slapd did not answer within 10 s")

    def connect(self):
        connection = ldap.initialize(self.uri, bytes_mode=False)
        connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def member(self, group, username, present):
        """Add (present=True) or remove the user as a member of the group."""
        operation = ldap.MOD_ADD if present else ldap.MOD_DELETE
        connection = self.connect()
        try:
            connection.modify_s(group, [(operation, "member", [dn(username).encode()])])
        finally:
            connection.unbind_s()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def available():
    return os.path.exists(SLAPD) and shutil.which("ldapadd") is not None
