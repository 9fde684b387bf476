"""The development encryption key: made once, kept in a local file (never used when DEBUG is off)."""

import os


def local_key(path):
    """The Fernet key in PATH, written there (readable by its owner only) the first time."""
    if not path.exists():
        from cryptography.fernet import Fernet

        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (the worker beside the server) made it just now
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()
