"""`wirelog` operator commands on a real Redis, as an operator meets them: one clear line and exit code 2 for
what is outside the program (a server that does not answer, a bad setting, the wrong partition count, a typo),
exit code 1 for ids that are not there, and re-driving that goes on past a dead letter it cannot re-drive."""

import json

import pytest
import redis as redis_py

from services.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def environment(monkeypatch, redis_url, prefix, tmp_path):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("WIRELOG_STREAM_PREFIX", prefix)
    monkeypatch.setenv("WIRELOG_STORE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    client = redis_py.Redis.from_url(redis_url, decode_responses=True)
    yield client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def dead_letter(client, prefix: str, event: str) -> str:
    return client.xadd(
        f"{prefix}:dlq:normalize",
        {"original_id": "1-1", "stage": "normalize", "error": "PermanentError: test", "attempts": "1", "event": event},
    )


def test_a_redis_that_does_not_answer_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert main(["status"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wirelog: Redis:") and "REDIS_URL" in err and "\n" not in err


@pytest.mark.parametrize(
    ("variable", "value"),
    [("WIRELOG_PARTITIONS", "abc"), ("WIRELOG_STORE_URL", "/tmp/plain.db"), ("REDIS_URL", "http://x")],
)
def test_a_setting_that_does_not_validate_is_named_in_one_line(monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    assert main(["status"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wirelog: invalid setting") and variable.removeprefix("WIRELOG_") in err.upper()
    assert "\n" not in err


def test_a_store_that_does_not_answer_is_one_line_and_exit_2(environment, monkeypatch, capsys):
    monkeypatch.setenv("WIRELOG_STORE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    assert main(["replay", "store", "--rebuild"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wirelog: store database:") and "\n" not in err


def test_operator_commands_refuse_another_partition_count_than_the_log_s(environment, prefix, capsys):
    environment.set(f"{prefix}:partitions", 4)
    for argv in (["status"], ["dlq", "list"], ["replay", "normalize", "--processes", "0"], ["replay", "store", "--rebuild"]):
        assert main(argv) == 2, argv
        assert "the log has 4 partitions but WIRELOG_PARTITIONS=1" in capsys.readouterr().err


def test_status_records_no_partition_count(environment, prefix):
    assert main(["status"]) == 0
    assert environment.get(f"{prefix}:partitions") is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "normalize", "--processes", "0", "--partition", "3"], "partition 3 does not exist"),
        (["replay", "normalize", "--from", "yesterday"], "--from 'yesterday'"),
        (["replay", "normalize", "--to", "soon"], "--to 'soon'"),
    ],
)
def test_replay_arguments_are_checked_before_anything_runs(environment, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["replay", "normalize", "--batch", "0"], ["dlq", "list", "--count", "0"], ["partitions", "grow", "--to", "0"],
     ["replay", "normalize", "--processes", "-1"]],
)
def test_counts_below_their_minimum_are_usage_errors(environment, capsys, argv):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_show_and_retry_of_an_unknown_dead_letter_exit_1_naming_it(environment, capsys):
    assert main(["dlq", "show", "1-0"]) == 1
    assert "1-0: no such normalize dead letter" in capsys.readouterr().err
    assert main(["dlq", "retry", "1-0"]) == 1
    assert "1-0: no such normalize dead letter" in capsys.readouterr().err


@pytest.mark.parametrize("ref", ["nosuch", "0/nosuch", "x/1-0", "1-0-0", "5", "١-١"])
def test_a_malformed_dead_letter_id_is_a_usage_error(environment, capsys, ref):
    assert main(["dlq", "show", ref]) == 2
    assert "is not a dead-letter id" in capsys.readouterr().err


def test_retry_all_goes_on_past_a_dead_letter_it_cannot_re_drive(environment, prefix, capsys):
    empty = dead_letter(environment, prefix, "")
    event = json.dumps({"id": "evt_1", "type": "BulletinReceived"})
    good = dead_letter(environment, prefix, event)
    assert main(["dlq", "retry", "--all"]) == 1
    out, err = capsys.readouterr()
    assert f"{good}: re-driven as" in out
    assert f"{empty}: not re-driven" in err and "no event" in err
    assert [fields["event"] for _, fields in environment.xrange(f"{prefix}:raw")] == [event]
    assert [entry_id for entry_id, _ in environment.xrange(f"{prefix}:dlq:normalize")] == [empty]


def test_push_of_a_missing_file_sends_nothing(environment, capsys, tmp_path):
    present = tmp_path / "one.json"
    present.write_text('{"source": "desk", "published_at": "2024-06-13", "items": [{"text": "x"}]}')
    assert main(["push", str(present), str(tmp_path / "missing.json"), "--url", "http://127.0.0.1:1"]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err


def test_a_cluster_that_does_not_answer_is_an_operator_error_too():
    from redis.exceptions import RedisClusterException

    from services.cli import operator_error

    assert operator_error(RedisClusterException("Redis Cluster cannot be connected")).startswith("Redis:")
    assert operator_error(KeyError("a bug")) is None


def test_store_urls_sqlalchemy_takes_are_accepted_and_others_named():
    from pydantic import ValidationError

    from services.common.settings import Settings

    for url in ("sqlite:///x.db", "sqlite+pysqlite:///x.db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"):
        assert Settings(store_url=url).store_url == url
    with pytest.raises(ValidationError, match="sqlite:///PATH or postgresql://"):
        Settings(store_url="/tmp/plain.db")
