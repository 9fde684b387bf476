"""An email backend that writes each message as its own .eml file, which any mail client opens."""

import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    """EMAIL_URL=filemail:// (what `make run` uses): one .eml per email under EMAIL_FILE_PATH."""

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            self.path_for(message).write_bytes(message.message().as_bytes(linesep="\r\n"))
        return len(email_messages)

    def path_for(self, message):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        slug = re.sub(r"[^A-Za-z0-9]+", "-", message.subject).strip("-")[:60] or "email"
        return self.folder / f"{stamp}-{slug}.eml"
