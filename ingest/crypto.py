"""Credentials encrypted at rest with Fernet (`cryptography`), keys from FIELD_ENCRYPTION_KEYS.

The first key encrypts, every key decrypts: to rotate, put a new key first, keep the old ones after it, run
`python manage.py rotate_keys` (which re-encrypts every stored credential with the first key), then drop the
old keys.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

PREFIX = "fernet:"  # marks an encrypted value, so that a plain one (before migration 0010) is told apart


class DecryptionError(ImproperlyConfigured):
    """A stored credential does not decrypt with any key in FIELD_ENCRYPTION_KEYS."""


def fernet_keys(keys):
    """MultiFernet over KEYS, or ImproperlyConfigured naming FIELD_ENCRYPTION_KEYS and which key is bad."""
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set it to one or more Fernet keys")
    fernets = []
    for position, key in enumerate(keys, 1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                'make one with python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
            ) from None
    return MultiFernet(fernets)


@lru_cache(maxsize=4)
def _fernet(keys):
    return fernet_keys(list(keys))


def fernet():
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text):
    if not text:
        return ""
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(value):
    if not value or not value.startswith(PREFIX):
        return value or ""  # empty, or stored before encryption (migration 0010 encrypts those)
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored source credential does not decrypt with any key in FIELD_ENCRYPTION_KEYS: "
            "it was encrypted with a key that is no longer listed (keep old keys after the new one until "
            "`python manage.py rotate_keys` has run)"
        ) from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet), read back in plain: for passwords and tokens.

    Serialized (`manage.py dumpdata`) encrypted, as the database holds it, so a backup is as safe as the database;
    `loaddata` takes that form back (to_python decrypts a "fernet:" value, and saving encrypts it again).
    """

    def value_to_string(self, obj):
        return encrypt(self.value_from_object(obj) or "")

    def to_python(self, value):
        value = super().to_python(value)
        if not value or not value.startswith(PREFIX):
            return value
        try:
            return decrypt(value)
        except DecryptionError as exc:
            raise ValidationError(str(exc), code="undecryptable") from None

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
