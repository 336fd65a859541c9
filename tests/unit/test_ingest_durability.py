"""Strict durability's reading of WAITAOF, on a stand-in client (the live path is in tests/integration)."""

import pytest
from redis.exceptions import ResponseError

from services.common.settings import StreamNames
from services.ingest.log_writer import DurabilityUnavailable, RawLog


class Answers:
    """Answers WAITAOF with what it is given; registers scripts without running them."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def register_script(self, _source):
        return None

    async def execute_command(self, *args, **kwargs):
        self.calls.append(args)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(("answer", "confirmed"), [([1, 0], True), ([0, 0], False)])
async def test_waitaof_s_first_number_says_whether_the_local_fsync_happened(answer, confirmed):
    log = RawLog(Answers(answer), StreamNames("t", 1), strict=True)
    assert await log._wait_for_fsync({StreamNames("t", 1).only: [0]}) is confirmed


async def test_strict_durability_refuses_a_server_without_waitaof_at_start():
    refused = Answers(ResponseError("WAITAOF cannot be used when numlocal is set but appendonly is disabled."))
    with pytest.raises(DurabilityUnavailable, match="appendonly yes"):
        await RawLog(refused, StreamNames("t", 1), strict=True).check_durability()


async def test_default_durability_asks_nothing_of_the_server():
    client = Answers(ResponseError("unknown command 'WAITAOF'"))
    await RawLog(client, StreamNames("t", 1), strict=False).check_durability()
    assert client.calls == []
