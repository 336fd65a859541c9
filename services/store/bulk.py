"""Set-based statements for the store's hot path, sent straight to the driver.

SQLAlchemy's per-row parameter processing cost more than SQLite itself for batches of a thousand events, so
these build the SQL once per table and hand plain tuples or dicts to the driver's executemany. Table and
column names come from our own table definitions, never from input; values always travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _named(conn: Connection) -> bool:
    return conn.dialect.paramstyle in ("pyformat", "named")


def _slot(conn: Connection, name: str) -> str:
    return f"%({name})s" if conn.dialect.paramstyle == "pyformat" else (f":{name}" if _named(conn) else "?")


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [column.name for column in table.columns]
    slots = ", ".join(_slot(conn, name) for name in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({slots})"
    if _named(conn):
        conn.exec_driver_sql(sql, [{name: row.get(name) for name in columns} for row in rows])
    else:
        conn.exec_driver_sql(sql, [tuple(row.get(name) for name in columns) for row in rows])


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
