"""Set-based statements for the store's hot path, sent straight to the driver.

SQLAlchemy's per-row parameter processing cost more than SQLite itself for batches of a thousand events, so
these build the SQL once per table and hand plain tuples to the driver's executemany. Table and column names
are our own (services/store/tables.py, rows.py), never from input; values always travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Rows as tuples in the order of `columns`: the shape both drivers take without per-row conversion."""
    if not rows:
        return
    slot = "%s" if conn.dialect.name == "postgresql" else "?"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([slot] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def _in_clause(conn: Connection, column: str, values: Sequence[Any]) -> tuple[str, Any]:
    if conn.dialect.name == "postgresql":
        return f"{column} = ANY(%(values)s)", {"values": list(values)}
    return f"{column} IN ({', '.join('?' * len(values))})", tuple(values)


def select_in(conn: Connection, table: Table, columns: Iterable[str], key: str, values: Sequence[Any]) -> list[tuple]:
    if not values:
        return []
    where, params = _in_clause(conn, key, values)
    return list(conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table.name} WHERE {where}", params))


def delete_in(conn: Connection, table: Table, key: str, values: Sequence[Any]) -> None:
    if values:
        where, params = _in_clause(conn, key, values)
        conn.exec_driver_sql(f"DELETE FROM {table.name} WHERE {where}", params)
