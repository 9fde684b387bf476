"""The one error type a connector raises, and the redaction of secrets."""

import contextvars
import logging

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


class CredentialsError(FetchError):
    """The vendor rejected our credentials (HTTP 401)."""


class PayloadError(FetchError):
    """The vendor answered with something we cannot read."""


def redact(text, secrets=None):
    text = str(text)
    for secret in secrets if secrets is not None else active_secrets.get():
        if secret:
            text = text.replace(secret, REDACTED)
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
