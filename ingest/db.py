"""Bulk upsert on a natural key: one statement per page, not one save per row."""

import re

from django.db import DEFAULT_DB_ALIAS, connection, connections

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
        rows = _prepare(fields, rows)
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


# Fields whose values go to the database as they are: no call per value for them.
_AS_IS = {"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "CharField", "ForeignKey"}


# Fields whose values repeat down a column (a page's periods, its days): each distinct value is converted once.
_MEMOISED = {"DateTimeField", "DateField"}


def _prepare(fields, rows):
    """The rows with each value through its field's get_db_prep_value, a column at a time."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it costs a lookup per value
    prep = [None if f.get_internal_type() in _AS_IS else f.get_db_prep_value for f in fields]
    if not any(prep):
        return rows
    columns = list(zip(*rows, strict=True))
    if len(columns) != len(fields):
        raise ValueError(f"rows of {len(columns)} values for {len(fields)} columns")
    for i, (p, field) in enumerate(zip(prep, fields, strict=True)):
        if p is None:
            continue
        if field.get_internal_type() in _MEMOISED:
            columns[i] = _memoised(p, db, columns[i])
        else:
            columns[i] = [p(value, db) for value in columns[i]]
    return list(zip(*columns, strict=True))


def _memoised(prep, db, values):
    """[prep(value, db) for value in values], each distinct value converted once. Equal datetimes convert alike
    except that, within one zone, the two readings of a repeated hour compare equal: `fold` is in the key."""
    done, out = {}, []
    for value in values:
        key = (value, getattr(value, "fold", 0))
        converted = done.get(key, done)
        if converted is done:
            converted = done[key] = prep(value, db)
        out.append(converted)
    return out


def _mysql_upsert(insert, on_duplicate, rows):
    """Multi-row INSERTs built here: mysqlclient's executemany escapes every value in Python, slowly."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), MYSQL_ROWS_PER_STATEMENT):
            cursor.execute(insert + _mysql_values(rows[start : start + MYSQL_ROWS_PER_STATEMENT]) + on_duplicate)


def _mysql_values(rows):
    """'(...),(...)' for rows, column by column: a column of whole numbers or plain strings
    (checked all at once) needs no escaping; any other column is escaped value by value."""
    connection.ensure_connection()
    literal = connection.connection.literal
    formats, columns = [], []
    for column in zip(*rows, strict=True):
        if all(type(v) is int for v in column):
            formats.append("%d")
        elif all(type(v) is str for v in column) and _PLAIN.fullmatch("".join(column)):
            formats.append("'%s'")
        else:
            formats.append("%s")
            column = ["NULL" if v is None else literal(v).decode() for v in column]
        columns.append(column)
    template = f"({','.join(formats)})"
    return ",".join(template % row for row in zip(*columns, strict=True))
