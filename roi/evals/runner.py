"""Sample runs through the real `anthropic` SDK (AsyncAnthropic), streamed to measure latency.

Every result is written to the store as it arrives, so a run that is interrupted (killed, capped,
cancelled) resumes where it stopped: finished items are never sent again. The SDK retries 429/529
itself; past that, and for a connection dropped mid-stream, we retry the item with back-off,
honouring `retry-after`. The API key is passed in, used for the client and never stored or logged.

Over 300 lines on purpose: one Runner holds both modes (streamed, which measures latency, and
Message Batches at half price), because they share the run record, prompts, grading, saving each
result as it arrives and resuming; split, each half would reach into the other's state.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import anthropic
import httpx2
from sqlalchemy import delete, insert, select, update

from roi.errors import EvalRunError
from roi.evals.grading import (
    CONFIDENCE_SUFFIX,
    JUDGE_SYSTEM,
    grade,
    judge_prompt,
    judge_verdict,
    parse_confidence,
)
from roi.evals.pricing import check_priced, price_answer, stored_tokens
from roi.evals.sets import EvalItem, EvalSet
from roi.store import Store
from roi.store.models import EvalResult, EvalRun
from roi.tokens import Tokens

# The SDK retries these itself first; a stream cut off after its headers surfaces mid-iteration and
# is not retried: as an APIConnectionError (anthropic >= 2.17) or, before, the raw httpx2 error.
RETRYABLE = (
    anthropic.RateLimitError,
    anthropic.APIConnectionError,
    anthropic.APITimeoutError,
    anthropic.InternalServerError,
    httpx2.TransportError,
)


@dataclass
class RunConfig:
    models: list[str]
    concurrency: int = 8
    max_spend: float | None = None
    batch: bool = False
    base_url: str | None = None
    confidence: bool = True  # label tasks: ask for a confidence line (for the cascade view)
    max_attempts: int = 4
    sdk_retries: int = 2
    timeout_s: float = 120.0
    poll_s: float = 5.0


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    spend: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def eta_s(self) -> float | None:
        if self.done == 0:
            return None
        rate = (time.monotonic() - self.started) / self.done
        return rate * (self.total - self.done)


class Runner:
    """Runs (or resumes) one sample run; `cancel()` stops after the requests in flight."""

    def __init__(self, store: Store, eval_set: EvalSet, config: RunConfig, *, api_key: str) -> None:
        if not api_key:
            raise EvalRunError(
                "no API key: set ANTHROPIC_API_KEY, add it to Streamlit secrets, or type it in"
            )
        self.store, self.set, self.cfg = store, eval_set, config
        self._api_key = api_key
        self._cancel = threading.Event()
        self.progress = Progress(total=0)
        self.status = "running"

    def cancel(self) -> None:
        self._cancel.set()

    # --- persistence -----------------------------------------------------------------------------

    def open_run(self, run_id: int | None) -> int:
        """Record a new run, or reopen one to resume; refused (nothing written) when a model or judge
        of the run has no price, so the spend cap is never blind."""
        from roi.store.access import check

        check(self.store.actor, "run_eval")
        with self.store.engine.begin() as conn:
            if run_id is None:
                check_priced(self.set, self.cfg.models)
                return conn.execute(
                    insert(EvalRun).values(
                        set_name=self.set.name,
                        set_fingerprint=self.set.fingerprint,
                        models=json.dumps(self.cfg.models),
                        batch=self.cfg.batch,
                        max_spend=self.cfg.max_spend,
                        status="running",
                    )
                ).inserted_primary_key[0]
            row = conn.execute(select(EvalRun.__table__).where(EvalRun.id == run_id)).mappings().first()
            if row is None:
                raise EvalRunError(f"no run {run_id} to resume")
            if row["set_fingerprint"] != self.set.fingerprint:
                raise EvalRunError(
                    f"run {run_id} was made with a different version of the eval set; start a new run"
                )
            self.cfg.models = json.loads(row["models"])
            check_priced(self.set, self.cfg.models)
            self.cfg.batch = bool(row["batch"])
            conn.execute(update(EvalRun).where(EvalRun.id == run_id).values(status="running"))
            return run_id

    def _done(self, run_id: int) -> tuple[set[tuple[str, str]], float]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(EvalResult.item_id, EvalResult.model, EvalResult.status, EvalResult.cost_usd).where(
                    EvalResult.run_id == run_id
                )
            ).all()
        return {(r.item_id, r.model) for r in rows if r.status == "ok"}, sum(r.cost_usd for r in rows)

    def _save(self, run_id: int, item: EvalItem, model: str, values: dict) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(
                delete(EvalResult).where(
                    EvalResult.run_id == run_id, EvalResult.item_id == item.id, EvalResult.model == model
                )
            )
            conn.execute(
                insert(EvalResult).values(
                    run_id=run_id, item_id=item.id, task=item.task, model=model, **values
                )
            )

    def _finish(self, run_id: int, status: str) -> None:
        self.status = status
        with self.store.engine.begin() as conn:
            conn.execute(update(EvalRun).where(EvalRun.id == run_id).values(status=status))

    # --- one request ------------------------------------------------------------------------------

    def _asks_confidence(self, item: EvalItem) -> bool:
        return self.cfg.confidence and self.set.tasks[item.task].grader["type"] == "label"

    def _max_tokens(self, item: EvalItem) -> int:
        """The task's budget, plus room for the confidence line we asked for."""
        return self.set.tasks[item.task].max_tokens + (16 if self._asks_confidence(item) else 0)

    def _prompt(self, item: EvalItem) -> tuple[str, str]:
        system, user = self.set.render(item)
        if self._asks_confidence(item):
            user += CONFIDENCE_SUFFIX
        return system, user

    def _params(self, item: EvalItem, model: str) -> dict:
        """The Messages API request for one item (streamed or in a batch)."""
        system, user = self._prompt(item)
        params = {
            "model": model,
            "max_tokens": self._max_tokens(item),
            "messages": [{"role": "user", "content": user}],
        }
        return params | ({"system": system} if system else {})

    async def _graded(
        self, client: anthropic.AsyncAnthropic, item: EvalItem, model: str, message, *, batch: bool, **timing
    ) -> dict:
        """The stored result of one answer: graded (by the judge model where the task says), priced."""
        answer = _text(message)
        tokens = Tokens.from_anthropic(message.usage)
        cost = price_answer(model, tokens, batch=batch)
        correct = grade(self.set.tasks[item.task], answer, item.expected)
        if correct is None:  # judge
            correct, judge_cost = await self._judge(client, item, answer)
            cost += judge_cost
        return {
            "status": "ok",
            "answer": answer,
            "correct": correct,
            "confidence": parse_confidence(answer),
            **stored_tokens(tokens),
            "cost_usd": cost,
            "error": "",
            **timing,
        }

    async def _call(self, client: anthropic.AsyncAnthropic, model: str, item: EvalItem) -> dict:
        attempts = 0
        while True:
            attempts += 1
            t0 = time.perf_counter()
            ttft = None
            try:
                async with client.messages.stream(**self._params(item, model)) as stream:
                    async for _ in stream.text_stream:
                        if ttft is None:
                            ttft = time.perf_counter() - t0
                    message = await stream.get_final_message()
                latency = time.perf_counter() - t0
                break
            except RETRYABLE as exc:  # also a connection dropped mid-stream
                if attempts >= self.cfg.max_attempts or self._cancel.is_set():
                    raise
                await asyncio.sleep(_retry_after(exc, attempts))
            except anthropic.APIStatusError as exc:
                if exc.status_code == 529 and attempts < self.cfg.max_attempts and not self._cancel.is_set():
                    await asyncio.sleep(_retry_after(exc, attempts))
                    continue
                raise
        return await self._graded(
            client, item, model, message, batch=False, latency_s=latency, ttft_s=ttft, attempts=attempts
        )

    async def _judge(
        self, client: anthropic.AsyncAnthropic, item: EvalItem, answer: str
    ) -> tuple[bool, float]:
        task = self.set.tasks[item.task]
        judge = task.grader["model"]
        msg = await client.messages.create(
            model=judge,
            max_tokens=10,
            system=JUDGE_SYSTEM,
            messages=[{"role": "user", "content": judge_prompt(task, item.input, item.expected, answer)}],
        )
        return judge_verdict(_text(msg)), price_answer(judge, Tokens.from_anthropic(msg.usage), batch=False)

    # --- the run -----------------------------------------------------------------------------------

    def pending(self, run_id: int) -> list[tuple[EvalItem, str]]:
        done, spent = self._done(run_id)
        self.progress = Progress(
            total=len(self.set.items) * len(self.cfg.models), done=len(done), spend=spent
        )
        return [(i, m) for m in self.cfg.models for i in self.set.items if (i.id, m) not in done]

    async def run(
        self, run_id: int | None = None, on_progress: Callable[[Progress], None] | None = None
    ) -> int:
        from roi.store.access import record

        run_id = self.open_run(run_id)
        models = ", ".join(self.cfg.models)
        record(self.store, self.store.actor, "run_eval", f"run {run_id}: {self.set.name} on {models}")
        todo = self.pending(run_id)
        if self.cfg.batch:
            await self._run_batch(run_id, todo, on_progress)
            return run_id
        client = anthropic.AsyncAnthropic(
            api_key=self._api_key,
            base_url=self.cfg.base_url,
            max_retries=self.cfg.sdk_retries,
            timeout=self.cfg.timeout_s,
        )
        # one writer thread: results are saved as they arrive without blocking the requests in flight
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roi-eval-store")
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[EvalItem, str]] = asyncio.Queue()
        for job in todo:
            queue.put_nowait(job)
        capped = False

        async def worker() -> None:
            nonlocal capped
            while not queue.empty():
                if self._cancel.is_set():
                    return
                if self.cfg.max_spend is not None and self.progress.spend >= self.cfg.max_spend:
                    capped = True
                    return
                item, model = queue.get_nowait()
                try:
                    values = await self._call(client, model, item)
                except (anthropic.APIError, httpx2.HTTPError, OSError, ValueError) as exc:
                    values = {"status": "failed", "error": _describe(exc), "answer": "", "correct": None}
                    self.progress.failed += 1
                await loop.run_in_executor(writer, self._save, run_id, item, model, values)
                self.progress.spend += values.get("cost_usd", 0.0)
                if values["status"] == "ok":
                    self.progress.done += 1
                if on_progress:
                    on_progress(self.progress)

        try:
            await asyncio.gather(*(worker() for _ in range(max(1, self.cfg.concurrency))))
        finally:
            await client.close()
            writer.shutdown(wait=True)
        if capped:
            self._finish(run_id, f"stopped at the spend cap (${self.cfg.max_spend:,.2f})")
        elif self._cancel.is_set():
            self._finish(run_id, "cancelled (finished items kept)")
        elif self.progress.failed:
            self._finish(run_id, f"finished with {self.progress.failed} failed item(s); resume to retry them")
        else:
            self._finish(run_id, "finished")
        return run_id

    async def _run_batch(self, run_id: int, todo: list[tuple[EvalItem, str]], on_progress) -> None:
        """Message Batches: half price, no latency measured. The batch id is kept so a resume polls it."""
        client = anthropic.AsyncAnthropic(
            api_key=self._api_key,
            base_url=self.cfg.base_url,
            max_retries=self.cfg.sdk_retries,
            timeout=self.cfg.timeout_s,
        )
        jobs = {f"{i}": job for i, job in enumerate(todo)}
        try:
            with self.store.engine.connect() as conn:
                batch_id = conn.execute(select(EvalRun.batch_id).where(EvalRun.id == run_id)).scalar()
            if todo and not batch_id:
                requests = [
                    {"custom_id": cid, "params": self._params(item, model)}
                    for cid, (item, model) in jobs.items()
                ]
                batch = await client.messages.batches.create(requests=requests)
                batch_id = batch.id
                with self.store.engine.begin() as conn:
                    conn.execute(update(EvalRun).where(EvalRun.id == run_id).values(batch_id=batch_id))
            if batch_id:
                while True:
                    b = await client.messages.batches.retrieve(batch_id)
                    if b.processing_status == "ended" or self._cancel.is_set():
                        break
                    await asyncio.sleep(self.cfg.poll_s)
                if b.processing_status == "ended":
                    async for r in await client.messages.batches.results(batch_id):
                        if r.custom_id not in jobs:
                            continue
                        item, model = jobs[r.custom_id]
                        if r.result.type == "succeeded":
                            values = await self._graded(
                                client,
                                item,
                                model,
                                r.result.message,
                                batch=True,
                                latency_s=None,
                                ttft_s=None,
                                attempts=1,
                            )
                            self.progress.done += 1
                        else:
                            values = {
                                "status": "failed",
                                "answer": "",
                                "correct": None,
                                "error": f"batch: {r.result.type}",
                            }
                            self.progress.failed += 1
                        self._save(run_id, item, model, values)
                        self.progress.spend += values.get("cost_usd", 0.0)
                        if on_progress:
                            on_progress(self.progress)
        finally:
            await client.close()
        self._finish(
            run_id,
            "cancelled (batch still processing; resume to collect it)"
            if self._cancel.is_set()
            else "finished (batch: half price, no latency measured)",
        )


def _text(message) -> str:
    """The text of an answer (its text blocks, joined)."""
    return "".join(b.text for b in message.content if getattr(b, "type", "") == "text")


def _retry_after(exc: Exception, attempt: int) -> float:
    """The server's retry-after when it sent one, else exponential back-off (0.5, 1, 2 s …, max 30 s)."""
    response = getattr(exc, "response", None)
    if response is not None:
        value = response.headers.get("retry-after")
        try:
            if value is not None:
                return min(float(value), 60.0)
        except ValueError:
            pass
    return min(0.5 * 2 ** (attempt - 1), 30.0)


def _describe(exc: Exception) -> str:
    """A one-line error for the results table (the SDK never puts the key in messages)."""
    status = getattr(exc, "status_code", None)
    text = str(exc).splitlines()[0][:300] if str(exc) else exc.__class__.__name__
    return f"{exc.__class__.__name__}{f' {status}' if status else ''}: {text}"


def run_sync(runner: Runner, run_id: int | None = None, on_progress=None) -> int:
    """Run from synchronous code (the CLI, a Streamlit thread); in its own thread if this one
    already runs an event loop (as under Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(runner.run(run_id, on_progress))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, runner.run(run_id, on_progress)).result()
