"""The store's database: applies ItemNormalized events to the read model (SQLite or PostgreSQL).

Each batch is one transaction that also records the stream position, so a crash between the commit and the
ack only replays events the upsert already ignores.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, insert, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError

from schemas import ItemNormalized
from services.store import bulk, migrate, rows
from services.store.rows import ACTOR_COLUMNS, BULLETIN_COLUMNS, ITEM_COLUMNS, PLACE_COLUMNS, StoredItem
from services.store.tables import generation_tables, meta_table


# SQLSTATEs that say the PostgreSQL server cannot take writes now: read-only (a standby, or a primary demoted in a
# failover), shutting down, not accepting connections yet, too many connections.
_POSTGRES_DOWN = {"25006", "57P01", "57P02", "57P03", "53300"}


def database_down(exc: BaseException) -> bool:
    """Whether an error says the database is down, locked, full, read-only or unreachable: nothing is wrong with
    the events, and the batch is retried as it is."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # PostgreSQL's read-only or shutting-down answers are made disconnects by the engine (make_engines).
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


# The database refuses an event's values (too long for a column, out of range): that event is at fault, not its batch.
REFUSED = (DataError, IntegrityError)


@dataclass
class Applied:
    written: int = 0
    unchanged: int = 0
    stale: int = 0

    def __iadd__(self, other: "Applied") -> "Applied":
        self.written += other.written
        self.unchanged += other.unchanged
        self.stale += other.stale
        return self


def _stream_key(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def make_engines(url: str) -> tuple[Engine, Engine]:
    """A writer engine and a reader engine; on SQLite the writer takes the write lock at BEGIN."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        reader = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        for engine, begin in ((writer, "BEGIN IMMEDIATE"), (reader, "BEGIN")):
            _sqlite_setup(engine, begin)
        return writer, reader
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "handle_error")
    def _down_is_a_disconnect(context):  # noqa: ANN001
        # A read-only or shutting-down server: drop the connection, so the retry opens one to the server that
        # answers now (a demoted primary keeps its sessions open, and a ping passes on a read-only server).
        if getattr(context.original_exception, "sqlstate", None) in _POSTGRES_DOWN:
            context.is_disconnect = True

    return engine, engine


def _fold(value: object) -> object:
    """SQLite's wirelog_fold(): Unicode case folding for text search (services/store/queries.py)."""
    return value.casefold() if isinstance(value, str) else value


def _sqlite_setup(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA busy_timeout=60000")
        dbapi_connection.create_function("wirelog_fold", 1, _fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.writer, self.reader = make_engines(url)
        self.metadata = MetaData()
        self.meta = meta_table(self.metadata)
        self._generations: dict[int, dict] = {}
        migrate.upgrade(self.writer)

    def tables(self, generation: int) -> dict:
        if generation not in self._generations:
            self._generations[generation] = generation_tables(MetaData(), generation)
        return self._generations[generation]

    def create_generation(self, conn: Connection, generation: int) -> None:
        for table in self.tables(generation).values():
            table.create(conn, checkfirst=True)

    def drop_generation(self, conn: Connection, generation: int) -> None:
        for table in reversed(list(self.tables(generation).values())):
            table.drop(conn, checkfirst=True)

    def generations(self, conn: Connection, lock: bool = False) -> tuple[int, int | None]:
        query = select(self.meta.c.live_generation, self.meta.c.rebuild_generation).where(self.meta.c.id == 1)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        live, rebuilding = conn.execute(query).one()
        return live, rebuilding

    def live_tables(self, conn: Connection) -> dict:
        return self.tables(self.generations(conn)[0])

    # -- writes ---------------------------------------------------------------------------------------------

    def apply_batch(self, events: list[tuple[str, ItemNormalized | StoredItem]], stream: str) -> Applied:
        """Apply (stream id, event) pairs to the live generation and record the position, in one transaction."""
        with self.writer.begin() as conn:
            live, _ = self.generations(conn, lock=True)
            return self.apply(conn, live, events, stream)

    def apply_batch_each(
        self, events: list[tuple[str, ItemNormalized | StoredItem]], stream: str
    ) -> tuple[Applied, dict[str, str]]:
        """`apply_batch` for a batch the database refused: each event in a savepoint of its own, so that only the
        events the database refuses are left out; they come back with the database's reason."""
        with self.writer.begin() as conn:
            live, _ = self.generations(conn, lock=True)
            return self.apply_each(conn, live, events, stream)

    def apply_each(
        self, conn: Connection, generation: int, events: list[tuple[str, ItemNormalized | StoredItem]], stream: str
    ) -> tuple[Applied, dict[str, str]]:
        total, refused = Applied(), {}
        for stream_id, item in events:
            try:
                with conn.begin_nested():
                    total += self.apply(conn, generation, [(stream_id, item)], stream)
            except REFUSED as exc:
                refused[stream_id] = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0][:500]
        return total, refused

    def apply(
        self, conn: Connection, generation: int, events: list[tuple[str, ItemNormalized | StoredItem]], stream: str
    ) -> Applied:
        """Set-based: one read of the current heads, then bulk deletes and inserts for what changed.

        Decisions are taken in stream order against an in-memory view, so a batch gives exactly the rows and
        revisions that applying its events one by one would. An event is a model or, as the stage reads the
        log, its rows already (services/store/rows.py).
        """
        tables = self.tables(generation)
        result = Applied()
        if not events:
            return result
        stored = [(stream_id, _stored(event)) for stream_id, event in events]
        heads = {
            item_id: (event_id, stream_id, revision)
            for item_id, event_id, stream_id, revision in bulk.select_in(
                conn, tables["items"], ("item_id", "event_id", "stream_id", "revision"), "item_id",
                list({item.item_id for _, item in stored}),
            )
        }
        present = set(heads)
        changed: dict[str, tuple[tuple, StoredItem]] = {}  # item id -> (its row in items, all its rows)
        for stream_id, item in stored:
            current = heads.get(item.item_id)
            if current is not None and current[0] == item.event_id:
                result.unchanged += 1
                continue
            if current is not None and _stream_key(stream_id) < _stream_key(current[1]):
                result.stale += 1  # an older revision seen late: the newer one stays
                continue
            revision = 1 if current is None else current[2] + 1
            heads[item.item_id] = (item.event_id, stream_id, revision)
            changed[item.item_id] = ((item.item_id, item.event_id, revision, stream_id, *item.item), item)
            result.written += 1
        if changed:
            self._replace_items(conn, tables, changed, present)
        self._record_position(conn, tables["positions"], stream, events[-1][0], len(events))
        return result

    def _replace_items(self, conn: Connection, tables: dict, changed: dict[str, tuple], present: set[str]) -> None:
        replaced = [item_id for item_id in changed if item_id in present]
        for kind in ("items", "places", "actors"):
            bulk.delete_in(conn, tables[kind], "item_id", replaced)
        bulk.insert_rows(conn, tables["items"], ITEM_COLUMNS, [row for row, _ in changed.values()])
        bulk.insert_rows(conn, tables["places"], PLACE_COLUMNS, [p for _, item in changed.values() for p in item.places])
        bulk.insert_rows(conn, tables["actors"], ACTOR_COLUMNS, [a for _, item in changed.values() for a in item.actors])
        by_id = {item.bulletin_id: item.bulletin for _, item in changed.values()}
        known = {row[0] for row in bulk.select_in(conn, tables["bulletins"], ("bulletin_id",), "bulletin_id", list(by_id))}
        bulk.insert_rows(conn, tables["bulletins"], BULLETIN_COLUMNS, [row for b, row in by_id.items() if b not in known])

    def _record_position(self, conn: Connection, positions, stream: str, last_id: str, count: int) -> None:  # noqa: ANN001
        current = conn.execute(select(positions.c.last_id, positions.c.applied).where(positions.c.stream == stream)).first()
        if current is None:
            conn.execute(insert(positions).values(stream=stream, last_id=last_id, applied=count))
        elif _stream_key(last_id) > _stream_key(current.last_id):
            conn.execute(
                update(positions).where(positions.c.stream == stream).values(last_id=last_id, applied=current.applied + count)
            )

    def position(self, stream: str, generation: int | None = None) -> str | None:
        with self.reader.connect() as conn:
            generation = generation or self.generations(conn)[0]
            positions = self.tables(generation)["positions"]
            return conn.execute(select(positions.c.last_id).where(positions.c.stream == stream)).scalar()


    # -- rebuild --------------------------------------------------------------------------------------------

    def start_rebuild(self, resume: bool) -> int:
        """The generation a rebuild fills: the interrupted one when resuming, else a fresh one."""
        with self.writer.begin() as conn:
            live, rebuilding = self.generations(conn, lock=True)
            if rebuilding and resume:
                self.create_generation(conn, rebuilding)
                return rebuilding
            if rebuilding:
                self.drop_generation(conn, rebuilding)
            generation = max(live, rebuilding or 0) + 1
            self.drop_generation(conn, generation)
            self.create_generation(conn, generation)
            # Loading into unindexed tables and indexing once at the end is several times faster.
            for table in self.tables(generation).values():
                for index in table.indexes:
                    index.drop(conn)
            conn.execute(update(self.meta).where(self.meta.c.id == 1).values(rebuild_generation=generation))
            return generation

    def finish_rebuild(self, generation: int, apply_tail: Callable[[Connection], None]) -> None:
        """Under the write lock: apply what arrived since the last batch, then make the new generation live."""
        with self.writer.begin() as conn:
            live, _ = self.generations(conn, lock=True)
            # A write first, so that on SQLite the lock is held before the tail is read.
            conn.execute(update(self.meta).where(self.meta.c.id == 1).values(rebuild_generation=generation))
            apply_tail(conn)
            for table in self.tables(generation).values():
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            conn.execute(
                update(self.meta).where(self.meta.c.id == 1).values(live_generation=generation, rebuild_generation=None)
            )
        if live != generation:
            with self.writer.begin() as conn:
                self.drop_generation(conn, live)

    def applied_count(self, stream: str, generation: int) -> int:
        positions = self.tables(generation)["positions"]
        with self.reader.connect() as conn:
            return conn.execute(select(positions.c.applied).where(positions.c.stream == stream)).scalar() or 0


def _stored(event: ItemNormalized | StoredItem) -> StoredItem:
    return event if isinstance(event, StoredItem) else rows.from_model(event)


def event_json(row_event: str) -> dict:
    return json.loads(row_event)

