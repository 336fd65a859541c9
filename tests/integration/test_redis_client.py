"""The asyncio client with hiredis packing against a real server: what goes in comes back as it was."""

import pytest

pytestmark = pytest.mark.integration


async def test_values_of_every_kind_round_trip(redis, settings):
    stream = f"{settings.stream_prefix}:kinds"
    values = {"text": "é中 ünïcode", "empty": "", "number": 2**64, "float": 1.5, "bytes": b'{"id": 1}'}
    entry_id = await redis.xadd(stream, values)
    [(read_id, fields)] = await redis.xrange(stream)
    assert read_id == entry_id
    assert fields == {"text": "é中 ünïcode", "empty": "", "number": str(2**64), "float": "1.5", "bytes": '{"id": 1}'}


async def test_a_buffer_and_a_two_word_command_reach_the_server(redis, settings):
    key = f"{settings.stream_prefix}:buffer"
    await redis.set(key, memoryview(b"from a buffer"))
    assert await redis.get(key) == "from a buffer"
    assert "maxmemory" in await redis.config_get("maxmemory")


async def test_a_pipelined_script_with_many_arguments_sees_them_in_order(redis, settings):
    script = redis.register_script("return ARGV")
    arguments = [f"argument-{n}" if n % 2 else n for n in range(2000)]
    async with redis.pipeline(transaction=False) as pipe:
        await script(keys=[f"{settings.stream_prefix}:k"], args=arguments, client=pipe)
        [reply] = await pipe.execute()
    assert reply == [str(a) for a in arguments]
