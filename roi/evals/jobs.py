"""Sample runs in progress in this server process, by run id.

A run takes minutes and must outlive the browser session that started it (a page reload, a
second tab): the runner and its thread belong to the process, and a session keeps only the run
id it watches. The API key lives in the runner for the run's duration and is never stored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from roi.errors import RoiError
from roi.evals.runner import Progress, RunConfig, Runner, run_sync
from roi.evals.sets import EvalSet
from roi.store import Store


@dataclass
class Job:
    run_id: int
    runner: Runner
    error: str | None = None  # why the run stopped early, in words (never a traceback)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def progress(self) -> Progress:
        return self.runner.progress

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    @property
    def outcome(self) -> str:
        """The run's last status, or the error that stopped it."""
        return self.error or self.runner.status

    def cancel(self) -> None:
        """Stop after the requests in flight; finished items are kept."""
        self.runner.cancel()


class Jobs:
    """The runs this process is running; one per run id."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._lock = threading.Lock()

    def start(
        self, store: Store, eval_set: EvalSet, cfg: RunConfig, *, api_key: str, run_id: int | None = None
    ) -> int:
        """Open (or resume) a run now, so its id is known, and run it in a background thread.

        A RoiError (no key, an unpriced model, a run made with another version of the set) is
        raised here, before anything runs."""
        runner = Runner(store, eval_set, cfg, api_key=api_key)
        with self._lock:
            if run_id is not None and run_id in self._jobs and self._jobs[run_id].running:
                return run_id  # already running in this process (another tab resumed it)
            rid = runner.open_run(run_id)
            job = self._jobs[rid] = Job(rid, runner)
        threading.Thread(target=self._work, args=(job,), daemon=True, name=f"roi-run-{rid}").start()
        return rid

    def _work(self, job: Job) -> None:
        try:
            run_sync(job.runner, job.run_id)
        except RoiError as exc:
            job.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a page shows it; the run's finished items are kept
            job.error = f"the run stopped unexpectedly ({exc.__class__.__name__}: {exc})"
        finally:
            job.done.set()

    def get(self, run_id: int | None) -> Job | None:
        with self._lock:
            return None if run_id is None else self._jobs.get(run_id)

    def running(self) -> list[int]:
        with self._lock:
            return [rid for rid, j in self._jobs.items() if j.running]
