"""Bulk upsert on a natural key: one statement per page, not one save per row."""

from django.db import connection


def upsert(model, columns, rows, *, keys, prepared=False):
    """Insert `rows` (tuples in the order of `columns`) or update them where `keys` match.

    With prepared=True the values are already what the database takes
    (ISO strings for dates and times); otherwise each value goes through its
    field's get_db_prep_value.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in columns]
    if not prepared:
        rows = [
            tuple(field.get_db_prep_value(value, connection) for field, value in zip(fields, row, strict=True))
            for row in rows
        ]
    quote = connection.ops.quote_name
    cols = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    updates = [f for f in fields if f.name not in keys]
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES ({placeholders})"
    if connection.vendor == "mysql":
        sets = ", ".join(f"{quote(f.column)} = VALUES({quote(f.column)})" for f in updates)
        sql += f" ON DUPLICATE KEY UPDATE {sets}"
    else:
        key_cols = ", ".join(quote(model._meta.get_field(k).column) for k in keys)
        sets = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in updates)
        sql += f" ON CONFLICT ({key_cols}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
