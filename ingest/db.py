"""Bulk upsert on a natural key: one statement per page, not one save per row."""

import re

from django.db import connection

# Strings that need no escaping inside a MySQL string literal (no quotes, backslashes or control characters).
_PLAIN = re.compile(r"[\w:. +\-]*", re.ASCII)
MYSQL_ROWS_PER_STATEMENT = 5000


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
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES "
    updates = [f for f in fields if f.name not in keys]
    if connection.vendor == "mysql":
        sets = ", ".join(f"{quote(f.column)} = VALUES({quote(f.column)})" for f in updates)
        _mysql_upsert(insert, f" ON DUPLICATE KEY UPDATE {sets}", rows)
        return
    key_cols = ", ".join(quote(model._meta.get_field(k).column) for k in keys)
    sets = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in updates)
    sql = f"{insert}({', '.join(['%s'] * len(fields))}) ON CONFLICT ({key_cols}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _mysql_upsert(insert, on_duplicate, rows):
    """Multi-row INSERTs built here: mysqlclient's executemany escapes every value in Python, slowly."""
    connection.ensure_connection()
    literal = connection.connection.literal

    def sql_value(value):
        kind = type(value)
        if kind is int or kind is float:
            return repr(value)
        if kind is str and _PLAIN.fullmatch(value):
            return f"'{value}'"
        if value is None:
            return "NULL"
        return literal(value).decode()

    with connection.cursor() as cursor:
        for start in range(0, len(rows), MYSQL_ROWS_PER_STATEMENT):
            chunk = rows[start : start + MYSQL_ROWS_PER_STATEMENT]
            values = ",".join(f"({','.join(map(sql_value, row))})" for row in chunk)
            cursor.execute(insert + values + on_duplicate)
