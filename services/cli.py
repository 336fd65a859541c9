"""The `wirelog` command: run the services, push bulletins, normalise files, and operate the event log."""

from __future__ import annotations

import argparse
import sys

from services.common.settings import Settings


def _settings() -> Settings:
    return Settings()


def _may_listen(settings: Settings, host: str) -> bool:
    """No tokens: loopback only, and said so; a bad token configuration stops the service too."""
    import structlog

    from services.common.auth import ExposedWithoutTokens, TokenConfigError, check_exposure

    try:
        notice = check_exposure(settings, host)
    except (ExposedWithoutTokens, TokenConfigError) as exc:
        print(f"wirelog: {exc}", file=sys.stderr)
        return False
    if notice:
        structlog.get_logger().warning(notice)
    return True


def _serve_http(service: str, create_app, host_field: str, port_field: str) -> int:  # noqa: ANN001
    """An HTTP service under uvicorn, after the exposure check: loopback only unless tokens are configured."""
    import uvicorn

    from services.common.logging import configure_logging

    settings = _settings()
    configure_logging(service, settings.log_level, settings.log_format)
    host, port = getattr(settings, host_field), getattr(settings, port_field)
    if not _may_listen(settings, host):
        return 2
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from services.ingest.app import create_app

    return _serve_http("ingest", create_app, "ingest_host", "ingest_port")


def cmd_normalize(args: argparse.Namespace) -> int:
    import asyncio

    from pathlib import Path

    from services.common.logging import configure_logging
    from services.normalize.app import create_app
    from services.normalize.normalizer import Normalizer
    from services.normalize.workers import NormalizerPool, keep_out_of_collections

    settings = _settings()
    configure_logging("normalize", settings.log_level, settings.log_format)
    # Loaded, and the worker processes forked, before the event loop starts: a stop signal while loading ends
    # the process at once, and the forks copy a process with no other thread.
    normalizer = Normalizer(cache_dir=Path(settings.cache_dir) if settings.cache_dir else None)
    keep_out_of_collections()
    pool = NormalizerPool(normalizer, settings.normalize_processes, settings.cache_dir)
    pool.start()
    asyncio.run(create_app(settings, pool).run())
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    from services.store.app import create_app

    return _serve_http("store", create_app, "store_host", "store_port")


def cmd_run(args: argparse.Namespace) -> int:
    from services.runner import run_all

    return run_all(_settings(), data_dir=args.data_dir)


def cmd_push(args: argparse.Namespace) -> int:
    from services.push import push_paths

    return push_paths(args.paths, url=args.url, source=args.source)


def cmd_normalize_file(args: argparse.Namespace) -> int:
    from services.normalize.batch import run

    return run(sys.stdin, sys.stdout)


def cmd_eval(args: argparse.Namespace) -> int:
    from services.normalize.evaluation.report import run

    return run(args.corpus, args.only)


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.run import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirelog", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("ingest", help="run the HTTP ingest service").set_defaults(func=cmd_ingest)
    sub.add_parser("normalize", help="run the normalize stage").set_defaults(func=cmd_normalize)
    sub.add_parser("store", help="run the store stage and the query API").set_defaults(func=cmd_store)
    run = sub.add_parser("run", help="run everything for development (embedded Redis unless REDIS_URL is set)")
    run.add_argument("--data-dir", default=".wirelog", help="where the embedded Redis and SQLite keep data")
    run.set_defaults(func=cmd_run)
    push = sub.add_parser("push", help="push bulletin files (.json, .ndjson/.jsonl, .txt, .xml/.rss/.atom) or - for stdin")
    push.add_argument("paths", nargs="+")
    push.add_argument("--url", default=None, help="ingest base URL (default from WIRELOG_INGEST_HOST/PORT)")
    push.add_argument("--source", default=None, help="source for text bulletins (default: the file name)")
    push.set_defaults(func=cmd_push)
    sub.add_parser("normalize-file", help="JSON lines {id,text,reference_date} on stdin -> analyses on stdout").set_defaults(
        func=cmd_normalize_file
    )
    ev = sub.add_parser("eval", help="score the normaliser on the gold corpora")
    ev.add_argument("--corpus", default="../shared/corpus")
    ev.add_argument("--only", choices=["time", "places", "actors"], default=None)
    ev.set_defaults(func=cmd_eval)
    from benchmarks.run import add_arguments  # argparse only: the scenarios are imported when they run

    bench = sub.add_parser("bench", help="measure every stage against a baseline of the same run (make bench)")
    add_arguments(bench)
    bench.set_defaults(func=cmd_bench)
    from services.operations.cli import add_operations

    add_operations(sub)
    return parser


def _variable(loc: tuple) -> str:
    name = str(loc[0]) if loc else "?"
    return name if name.isupper() else f"WIRELOG_{name.upper()}"


def operator_error(exc: BaseException) -> str | None:
    """The one line an operator needs for a failure outside the program (a server that does not answer, a bad
    setting, a missing file); None for anything else, which is a bug and keeps its traceback."""
    from pydantic import ValidationError
    from redis.exceptions import RedisClusterException, RedisError
    from sqlalchemy.exc import SQLAlchemyError

    from services.ingest.log_writer import DurabilityUnavailable
    from services.operations.partitions import PartitionMismatch

    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        problems = "; ".join(f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors())
        return f"invalid setting ({problems}); see README: Configuration"
    if isinstance(exc, RedisError | RedisClusterException):
        return f"Redis: {exc} (REDIS_URL)"
    if isinstance(exc, SQLAlchemyError):
        return f"store database: {str(exc).splitlines()[0]} (WIRELOG_STORE_URL)"
    if isinstance(exc, PartitionMismatch | DurabilityUnavailable | OSError):
        return str(exc)
    return None


# Long-running services: a database or file error while serving keeps its traceback (the one line is for the
# configuration they start with and for the operator commands).
_SERVICES = {"ingest", "normalize", "store", "run"}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        message = operator_error(exc)
        if message is None or (args.command in _SERVICES and isinstance(exc, SQLAlchemyError | OSError)):
            raise
        print(f"wirelog: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
