"""The fake Anthropic server (tests/fakes/fake_anthropic.py), driven by the REAL anthropic SDK over HTTP.

Besides checking the fake, these tests pin down how the installed SDK behaves against it: it retries
429/529 and honours ``retry-after``; it retries a non-streaming request whose connection dropped; but a
stream cut off after its headers raises mid-iteration and is not retried (so the runner must catch and
retry it itself). Releases before 2.17 raised the raw ``httpx2`` transport error; 2.17 wraps it in
``anthropic.APIConnectionError`` (the transport error is its ``__cause__``); the runner retries both.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import anthropic
import httpx2
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/, so that `fakes` is importable
from fakes.fake_anthropic import FakeAnthropic  # noqa: E402

from roi.evals.runner import RETRYABLE  # noqa: E402

MODEL = "claude-fake-1"
USER = [{"role": "user", "content": "What is two plus two?"}]


pytestmark = pytest.mark.usefixtures("no_proxies")  # traffic to the fake stays on 127.0.0.1


@pytest.fixture
def fake():
    with FakeAnthropic(latency_s=0.0) as f:
        yield f


@pytest.fixture
def client_for(fake):
    """``client_for(max_retries=2)``: a real sync SDK client pointed at the fake, closed after the test."""
    made: list[anthropic.Anthropic] = []

    def make(max_retries: int = 2) -> anthropic.Anthropic:
        made.append(anthropic.Anthropic(api_key="test", base_url=fake.base_url, max_retries=max_retries))
        return made[-1]

    yield make
    for client in made:
        client.close()


def async_client(fake: FakeAnthropic) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(api_key="test", base_url=fake.base_url, max_retries=2)


def test_create_returns_answer_and_usage(fake, client_for):
    seen = []

    def answer(model, system, user):
        seen.append((model, system, user))
        return "four, as it happens"

    fake.answer = answer
    msg = client_for().messages.create(
        model=MODEL,
        max_tokens=64,
        system=[{"type": "text", "text": "Be terse."}],
        messages=USER,
    )
    assert seen == [(MODEL, "Be terse.", "What is two plus two?")]
    assert msg.content[0].text == "four, as it happens"
    assert msg.model == MODEL and msg.stop_reason == "end_turn" and msg.id.startswith("msg_")
    assert msg.usage.input_tokens == len("Be terse." + "What is two plus two?") // 4
    assert msg.usage.output_tokens == len("four, as it happens") // 4
    assert msg.usage.cache_read_input_tokens == 0 and msg.usage.service_tier == "standard"
    (rec,) = fake.requests
    assert (rec["path"], rec["model"], rec["stream"], rec["status"], rec["outcome"]) == (
        "/v1/messages",
        MODEL,
        False,
        200,
        "ok",
    )
    assert rec["headers"]["authorization"] == "Bearer test"
    assert fake.count(status=200, model=MODEL) == 1


def test_default_answer_and_string_system(fake, client_for):
    msg = client_for().messages.create(model=MODEL, max_tokens=8, system="sys", messages=USER)
    assert msg.content[0].text == "OK"
    assert msg.usage.output_tokens == 1


def test_long_answer_is_cut_at_max_tokens(fake, client_for):
    fake.answer = lambda *_: "x" * 400
    msg = client_for().messages.create(model=MODEL, max_tokens=10, messages=USER)
    assert msg.stop_reason == "max_tokens"
    assert msg.content[0].text == "x" * 40 and msg.usage.output_tokens == 10


def test_stream_yields_text_deltas_and_final_usage(fake, client_for):
    text = "The answer is four, which is two plus two."
    fake.answer = lambda *_: text
    fake.stream_gap_s = 0.005
    with client_for().messages.stream(model=MODEL, max_tokens=64, messages=USER) as stream:
        event_types = []
        deltas = []
        for event in stream:
            event_types.append(event.type)
            if event.type == "content_block_delta":
                deltas.append(event.delta.text)
        final = stream.get_final_message()
    assert len(deltas) > 1 and "".join(deltas) == text
    assert event_types[0] == "message_start" and event_types[-1] == "message_stop"
    assert "ping" not in event_types  # the SDK swallows pings
    assert final.content[0].text == text and final.stop_reason == "end_turn"
    assert final.usage.output_tokens == len(text) // 4
    assert final.usage.input_tokens == len(USER[0]["content"]) // 4
    assert fake.count(stream=True, status=200) == 1


def test_raw_sse_wire_format(fake):
    """The bytes on the wire: chunked text/event-stream with the real API's event sequence."""
    fake.answer = lambda *_: "abcdefghijklmnopqrstu"
    body = json.dumps({"model": MODEL, "max_tokens": 20, "stream": True, "messages": USER}).encode()
    req = urllib.request.Request(
        fake.base_url + "/v1/messages",
        data=body,
        headers={"x-api-key": "k", "content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers["transfer-encoding"] == "chunked"
        raw = resp.read().decode()
    events = [block.split("\n")[0].removeprefix("event: ") for block in raw.strip().split("\n\n")]
    assert events == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_429_with_retry_after_is_retried(fake, client_for):
    fake.fail_next(status=429, count=1, retry_after=0.2)
    t0 = time.monotonic()
    msg = client_for().messages.create(model=MODEL, max_tokens=8, messages=USER)
    elapsed = time.monotonic() - t0
    assert msg.content[0].text == "OK"
    assert fake.count(status=429) == 1 and fake.count(status=200) == 1
    assert elapsed >= 0.2  # retry-after honoured
    first, second = fake.requests
    assert (first["retry_count"], second["retry_count"]) == (0, 1)


def test_529_is_retried_on_a_stream_too(fake, client_for):
    fake.fail_next(status=529, retry_after=0.05)
    with client_for().messages.stream(model=MODEL, max_tokens=8, messages=USER) as stream:
        assert stream.get_final_text() == "OK"
    assert fake.count(status=529) == 1 and fake.count(status=200) == 1


@pytest.mark.parametrize(
    ("status", "exc_type", "error_type"),
    [
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (529, anthropic.OverloadedError, "overloaded_error"),
        (500, anthropic.InternalServerError, "api_error"),
    ],
)
def test_error_shapes_without_retries(fake, status, exc_type, error_type, client_for):
    fake.fail_next(status=status, retry_after=3)
    with pytest.raises(exc_type) as info:
        client_for(max_retries=0).messages.create(model=MODEL, max_tokens=8, messages=USER)
    assert info.value.status_code == status
    assert info.value.body["error"]["type"] == error_type
    assert info.value.response.headers["retry-after"] == "3"


def test_retries_exhausted_after_max_retries_plus_one_attempts(fake, client_for):
    fake.fail_next(status=429, count=5, retry_after=0.01)
    with pytest.raises(anthropic.RateLimitError):
        client_for(max_retries=2).messages.create(model=MODEL, max_tokens=8, messages=USER)
    assert fake.count(status=429) == 3
    # the two faults not consumed still apply to the next request(s)
    with pytest.raises(anthropic.RateLimitError):
        client_for(max_retries=1).messages.create(model=MODEL, max_tokens=8, messages=USER)
    assert client_for(max_retries=0).messages.create(model=MODEL, max_tokens=8, messages=USER)


def _transport_error(exc: BaseException) -> BaseException:
    """The httpx2 transport error behind a dropped stream: raised as is, or as the cause of the
    SDK's APIConnectionError (anthropic >= 2.17)."""
    if isinstance(exc, anthropic.APIConnectionError):
        assert exc.__cause__ is not None
        return exc.__cause__
    return exc


@pytest.mark.parametrize(
    ("how", "exc_type"), [("close", httpx2.RemoteProtocolError), ("reset", httpx2.ReadError)]
)
def test_dropped_stream_raises_mid_iteration_and_is_not_retried(fake, how, exc_type, client_for):
    fake.drop_next(how=how)
    got = []
    with pytest.raises((httpx2.TransportError, anthropic.APIConnectionError)) as info:
        with client_for().messages.stream(model=MODEL, max_tokens=8, messages=USER) as stream:
            for event in stream:
                got.append(event.type)
    assert got == ["message_start"]
    assert isinstance(_transport_error(info.value), exc_type)
    assert isinstance(info.value, RETRYABLE)  # the runner retries the item itself
    assert fake.count() == 1 and fake.count(outcome="dropped") == 1  # the SDK did not


@pytest.mark.parametrize(
    ("how", "exc_type"), [("close", httpx2.RemoteProtocolError), ("reset", httpx2.ReadError)]
)
def test_dropped_stream_async(fake, how, exc_type):
    async def run():
        async with async_client(fake) as client:
            async with client.messages.stream(model=MODEL, max_tokens=8, messages=USER) as stream:
                async for _ in stream:
                    pass

    fake.drop_next(how=how)
    with pytest.raises((httpx2.TransportError, anthropic.APIConnectionError)) as info:
        asyncio.run(run())
    assert isinstance(_transport_error(info.value), exc_type)
    assert fake.count() == 1


def test_dropped_non_streaming_request_is_retried_by_the_sdk(fake, client_for):
    fake.drop_next()
    msg = client_for().messages.create(model=MODEL, max_tokens=8, messages=USER)
    assert msg.content[0].text == "OK"
    assert [r["outcome"] for r in fake.requests] == ["dropped", "ok"]
    assert fake.requests[0]["status"] is None


def test_error_event_mid_stream_raises_api_status_error(fake, client_for):
    fake.stream_error_next(error_type="overloaded_error")
    with pytest.raises(anthropic.APIStatusError) as info:
        with client_for().messages.stream(model=MODEL, max_tokens=8, messages=USER) as stream:
            stream.get_final_text()
    assert info.value.body["error"]["type"] == "overloaded_error"
    assert fake.count(outcome="stream_error") == 1


def test_faults_can_target_one_model(fake, client_for):
    fake.fail_for_model("bad-model", 500)
    fake.fail_next(429, model="other", retry_after=0)
    client = client_for(max_retries=0)
    with pytest.raises(anthropic.InternalServerError):
        client.messages.create(model="bad-model", max_tokens=8, messages=USER)
    assert client.messages.create(model=MODEL, max_tokens=8, messages=USER)  # the 429 waits for "other"
    with pytest.raises(anthropic.RateLimitError):
        client.messages.create(model="other", max_tokens=8, messages=USER)
    fake.clear_faults()
    assert client.messages.create(model="bad-model", max_tokens=8, messages=USER)


def test_per_model_latency(fake, client_for):
    fake.latency_s = {"slow": 0.3, "*": 0.0}
    client = client_for()
    t0 = time.monotonic()
    client.messages.create(model="fast", max_tokens=8, messages=USER)
    t1 = time.monotonic()
    client.messages.create(model="slow", max_tokens=8, messages=USER)
    t2 = time.monotonic()
    assert t1 - t0 < 0.3 <= t2 - t1


def test_16_concurrent_async_streams_overlap(fake):
    fake.latency_s = 0.2
    fake.answer = lambda model, system, user: f"echo: {user}"

    async def one(client, i):
        async with client.messages.stream(
            model=MODEL, max_tokens=32, messages=[{"role": "user", "content": f"q{i}"}]
        ) as stream:
            return await stream.get_final_text()

    async def run():
        async with async_client(fake) as client:
            return await asyncio.gather(*(one(client, i) for i in range(16)))

    t0 = time.monotonic()
    texts = asyncio.run(run())
    elapsed = time.monotonic() - t0
    assert texts == [f"echo: q{i}" for i in range(16)]
    assert elapsed < 16 * 0.2 / 2  # far from serialized (3.2 s)
    assert fake.count(status=200, stream=True) == 16


def _urlopen(fake, headers):
    body = json.dumps({"model": MODEL, "max_tokens": 8, "messages": USER}).encode()
    req = urllib.request.Request(fake.base_url + "/v1/messages", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, json.loads(resp.read())


def test_auth_requires_bearer_or_x_api_key(fake):
    with pytest.raises(urllib.error.HTTPError) as info:
        _urlopen(fake, {"content-type": "application/json"})
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["type"] == "authentication_error"
    assert _urlopen(fake, {"x-api-key": "k"})[0] == 200
    assert _urlopen(fake, {"authorization": "Bearer k"})[0] == 200
    assert fake.count(status=401) == 1


def test_count_tokens(fake, client_for):
    result = client_for().messages.count_tokens(model=MODEL, system="0123", messages=USER)
    assert result.input_tokens == len("0123" + USER[0]["content"]) // 4


def test_batch_round_trip(fake, client_for):
    fake.batch_delay_s = 0.2
    fake.answer = lambda model, system, user: f"{model}:{user}"
    fake.fail_for_model("broken", 500)
    client = client_for()
    requests = [
        {
            "custom_id": f"item-{i}",
            "params": {"model": model, "max_tokens": 16, "messages": [{"role": "user", "content": f"q{i}"}]},
        }
        for i, model in enumerate([MODEL, MODEL, "broken"])
    ]
    batch = client.messages.batches.create(requests=requests)
    assert batch.id.startswith("msgbatch_") and batch.type == "message_batch"
    assert batch.processing_status == "in_progress" and batch.results_url is None
    assert batch.request_counts.processing == 3 and batch.expires_at > batch.created_at
    with pytest.raises(anthropic.AnthropicError, match="results_url"):
        client.messages.batches.results(batch.id)

    deadline = time.monotonic() + 5
    while (batch := client.messages.batches.retrieve(batch.id)).processing_status != "ended":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert batch.results_url == f"{fake.base_url}/v1/messages/batches/{batch.id}/results"
    assert batch.ended_at is not None
    counts = batch.request_counts
    assert (counts.processing, counts.succeeded, counts.errored) == (0, 2, 1)

    results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
    assert set(results) == {"item-0", "item-1", "item-2"}
    assert results["item-0"].type == "succeeded"
    assert results["item-0"].message.content[0].text == f"{MODEL}:q0"
    assert results["item-1"].message.usage.output_tokens >= 1
    assert results["item-2"].type == "errored" and results["item-2"].error.error.type == "api_error"
    assert [b.id for b in client.messages.batches.list()] == [batch.id]


def test_batch_cancel(fake, client_for):
    fake.batch_delay_s = 60
    client = client_for()
    req = {"custom_id": "a", "params": {"model": MODEL, "max_tokens": 8, "messages": USER}}
    batch = client.messages.batches.create(requests=[req])
    canceled = client.messages.batches.cancel(batch.id)
    assert canceled.processing_status == "ended" and canceled.cancel_initiated_at is not None
    assert canceled.request_counts.canceled == 1
    assert [r.result.type for r in client.messages.batches.results(batch.id)] == ["canceled"]
    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve("msgbatch_nope")
