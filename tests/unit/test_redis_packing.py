"""The asyncio client's commands packed by hiredis: the same bytes and errors as redis-py's own packing."""

from enum import IntEnum

import pytest
from redis.asyncio.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import DataError

from services.common.redis import async_client

COMMANDS = [
    ("SET", "key", "value"),
    ("XADD", "wirelog:raw", "*", "event", b'{"id":"evt_1"}', "bytes", b"\x00\xff"),
    ("EVALSHA", "a" * 40, 3, "k1", "k2", "k3", "group", "1-0", 1, "b:0", "evt_2", "é中 ünïcode", ""),
    ("CONFIG GET", "maxmemory"),  # a command of two words goes as two arguments
    (b"CLIENT SETNAME", "wirelog"),
    ("SET", "key", 2**64, "PX", -1, 1.5, 1e300, float("inf")),
]


def _packed(connection, args) -> bytes:
    return b"".join(bytes(chunk) for chunk in connection.pack_command(*args))


@pytest.mark.parametrize("args", COMMANDS)
def test_packs_what_redis_py_packs(args):
    client = async_client("redis://127.0.0.1:1/0", cluster=False)  # never connects: packing needs no server
    ours = client.connection_pool.make_connection()
    assert type(ours).pack_command is not Connection.pack_command
    assert _packed(ours, args) == _packed(Connection(), args)


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}])
def test_a_value_redis_cannot_take_is_a_data_error(value):
    ours = async_client("redis://127.0.0.1:1/0", cluster=False).connection_pool.make_connection()
    with pytest.raises(DataError):
        ours.pack_command("SET", "key", value)
    with pytest.raises(DataError):
        Connection().pack_command("SET", "key", value)


class Kind(IntEnum):
    NEWS = 3


@pytest.mark.parametrize(
    "value",
    [memoryview(b"abcd")[::2], memoryview(b"x" * 10), bytearray(b"yz"), Kind.NEWS],
    ids=["strided view", "view", "bytearray", "int subclass"],
)
def test_what_hiredis_reads_otherwise_goes_through_redis_py_packing(value):
    ours = async_client("redis://127.0.0.1:1/0", cluster=False).connection_pool.make_connection()
    args = ("SET", "key", value)
    assert _packed(ours, args) == _packed(Connection(), args)


def test_another_encoding_keeps_redis_py_packing():
    client = async_client("redis://127.0.0.1:1/0?encoding=latin-1", cluster=False)
    assert client.connection_pool.connection_class is Connection


@pytest.mark.parametrize(
    ("url", "base"),
    [("redis://127.0.0.1:1/0", Connection), ("rediss://127.0.0.1:1/0", SSLConnection),
     ("unix:///tmp/wirelog-none.sock", UnixDomainSocketConnection)],
)
def test_the_url_still_chooses_the_transport(url, base):
    connection_class = async_client(url, cluster=False).connection_pool.connection_class
    assert issubclass(connection_class, base) and connection_class.__name__ == base.__name__
