"""The one error type a connector raises, and the redaction of secrets."""

import base64
import contextvars
import json
import logging
from urllib.parse import quote, quote_plus

REDACTED = "********"

# The secrets of the fetch running in this context, scrubbed from every log record. A list, so that a
# token obtained during the run (also in a helper thread, which runs in a copy of the context) joins it.
active_secrets = contextvars.ContextVar("active_secrets", default=())


def add_secret(secret):
    """Keep a secret learnt during a fetch (e.g. a session token) out of logs and errors too."""
    secrets = active_secrets.get()
    if isinstance(secrets, list) and secret:
        secrets.append(secret)


class FetchError(Exception):
    """A fetch failed for a reason worth telling the license admin."""


class HttpError(FetchError):
    """A vendor answered with an HTTP error; `status` is its code."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class CredentialsError(HttpError):
    """The vendor rejected our credentials (HTTP 401)."""


class PayloadError(FetchError):
    """The vendor answered with something we cannot read."""


def secret_forms(secret):
    """The ways a secret can appear in text: as is, URL-encoded (a query string), JSON-escaped (a body, also
    with escaped slashes), and unicode-escaped, every character as \\uXXXX (in either case of hex digits)."""
    forms = {secret, quote(secret), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(json.dumps(secret)[1:-1].replace("/", "\\/"))
    escaped = unicode_escaped(secret)
    forms.update({escaped, escaped.upper().replace("\\U", "\\u")})
    return sorted(forms, key=len, reverse=True)


def unicode_escaped(text):
    """TEXT with every character written as a JSON \\uXXXX escape (surrogate pairs beyond the BMP)."""
    units = text.encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


def basic_auth_header(username, password):
    """The base64 text of an HTTP Basic Authorization header, as requests writes it."""
    try:
        pair = f"{username}:{password}".encode("latin1")
    except UnicodeEncodeError:
        pair = f"{username}:{password}".encode()
    return base64.b64encode(pair).decode()


def redact(text, secrets=None):
    text = str(text)
    for secret in secrets if secrets is not None else active_secrets.get():
        if secret:
            for form in secret_forms(secret):
                text = text.replace(form, REDACTED)
    return text


class RedactSecretsFilter(logging.Filter):
    """Scrubs the running fetch's credentials from log messages and tracebacks."""

    def filter(self, record):
        secrets = active_secrets.get()
        if secrets:
            record.msg = redact(record.getMessage(), secrets)
            record.args = None
            if record.exc_info:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info), secrets)
                record.exc_info = None
        return True
