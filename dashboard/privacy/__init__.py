"""People's names in stored data: who sees them (names.py), how long they are kept and how a person is
forgotten (erasure.py), the stable pseudonyms shown instead (pseudonyms.py), and the audit log (audit.py)."""
