"""Many people on one server at once, in real browsers: the load test (tests/e2e/test_load.py) and the
load benchmark (bench/bench_load.py) share this.

`roi serve` runs on PostgreSQL behind a real OpenID Connect provider; two client workspaces (Acme and
Globex) each hold a scenario "Shared plan" and a scenario only they may see. N browser sessions
(Playwright contexts in one Chromium, half of them Acme's consultants, half Globex's) each sign in
(a few at a time, as people arrive), and once all are on the routing page they all move its slider; each then loads "Shared plan" and,
once every session has loaded it, saves a revision of it, then imports a usage file. Afterwards each workspace has exactly one new revision per save
that said "Saved" (the others were told of the conflict: no update is lost), every session saw only
its own workspace, and no page showed an error.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.server import free_port
from tests.e2e.signin_server import LABEL, IdentityProvider, roi, signed_in_app
from tests.pgtools import fresh_database

REPO = Path(__file__).resolve().parents[2]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ROUTED = "Monthly spend, routed"
SLIDER = "Share of routine work on the small model (%)"
SHARED = "Shared plan"
CLIENTS = ("acme", "globex")
TIMEOUT_MS = 240_000  # 25 sessions on two cores (and more work beside them): a rerun can wait its turn


@dataclass
class Session:
    login: str
    workspace: str
    slider_ms: list[float] = field(default_factory=list)
    saved: bool | None = None  # True: a new revision; False: told of the conflict
    imported: bool = False
    saw: set[str] = field(default_factory=set)  # the saved scenarios the session was shown
    errors: list[str] = field(default_factory=list)


@dataclass
class Load:
    sessions: list[Session]
    revisions: dict[str, int]  # workspace -> newest revision of the shared plan
    rss_idle_mb: float
    rss_loaded_mb: float
    seconds: float
    server_cpu_s: float  # CPU the server used during the run
    browser_cpu_s: float  # CPU the 25 browser pages used (the same two cores, in this test)

    def percentile(self, q: float) -> float:
        ms = sorted(m for s in self.sessions for m in s.slider_ms)
        return ms[min(len(ms) - 1, int(round(q / 100 * (len(ms) - 1))))]

    @property
    def median_ms(self) -> float:
        return statistics.median(m for s in self.sessions for m in s.slider_ms)

    @property
    def mb_per_session(self) -> float:
        return (self.rss_loaded_mb - self.rss_idle_mb) / len(self.sessions)


def users(n: int) -> dict[str, list[str]]:
    """Login -> groups: consultants (editor) who also handle their client's usage (analyst)."""
    return {
        f"user{i:02d}@{CLIENTS[i % 2]}.test": [f"{CLIENTS[i % 2]}-team", "consultants", "finance"]
        for i in range(n)
    }


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (after pid, comm, state...)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _browser_pids() -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(int(pid))
        except OSError:
            continue
    return out


def _server_pid(port: int) -> int:
    """The process listening on the port (`roi serve` execs into Streamlit: the same pid)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":  # LISTEN
            inode = parts[9]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on {port}")


async def _settled(page) -> None:
    await page.locator(IDLE).wait_for(timeout=TIMEOUT_MS)


async def _go_to(page, title: str) -> None:
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    await page.get_by_role("heading", name=title, level=1).wait_for(timeout=TIMEOUT_MS)
    await _settled(page)


async def _errors(page) -> list[str]:
    shown = page.get_by_test_id("stException").or_(page.get_by_text("Traceback"))
    return [await e.inner_text() for e in await shown.all()]


async def _routed(page) -> str:
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=ROUTED)
    )
    return await tile.first.get_by_test_id("stMetricValue").inner_text(timeout=TIMEOUT_MS)


async def _move(page, s: Session, key: str) -> None:
    slider = page.get_by_role("slider", name=SLIDER)
    before = await _routed(page)
    await slider.focus()
    t0 = time.perf_counter()
    await page.keyboard.press(key)  # no actionability wait: the clock measures the app, not Playwright
    await page.wait_for_function(
        """([label, before]) => {
            const t = [...document.querySelectorAll('[data-testid="stMetric"]')]
              .find(t => t.querySelector('[data-testid="stMetricLabel"]')?.innerText.includes(label));
            const v = t?.querySelector('[data-testid="stMetricValue"]')?.innerText;
            return v !== undefined && v !== before;
        }""",
        arg=[ROUTED, before],
        polling=50,  # not on animation frames: a page the browser does not draw often gets few
        timeout=TIMEOUT_MS,
    )
    s.slider_ms.append((time.perf_counter() - t0) * 1000)
    await _settled(page)


async def _sign_in(page, url: str, login: str) -> None:
    await page.goto(url)
    await page.get_by_role("button", name=f"Sign in with {LABEL}").click(timeout=TIMEOUT_MS)
    await page.locator('input[name="login"]').fill(login, timeout=TIMEOUT_MS)
    await page.locator('input[name="password"]').fill("any password")
    await page.locator("button[type=submit]").click()
    await page.get_by_test_id("stSidebar").get_by_text(login.split("@")[0]).first.wait_for(timeout=TIMEOUT_MS)
    await _settled(page)


SIGN_IN_AT_ONCE = 5  # people arrive a few at a time; 25 first page loads at once starve 2 cores


async def _one(
    browser,
    url: str,
    s: Session,
    moves: int,
    barriers: tuple[asyncio.Barrier, asyncio.Barrier],
    arriving: asyncio.Semaphore,
    usage: Path,
) -> None:
    ready, loaded = barriers
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    try:
        async with arriving:
            await _sign_in(page, url, s.login)
            await _go_to(page, "Routing what-if")
        await ready.wait()  # everyone is on the routing page: now they all move their sliders
        for i in range(moves):
            await _move(page, s, "ArrowLeft" if (i // 3) % 2 == 0 else "ArrowRight")
        await _go_to(page, "Scenarios")
        await page.get_by_role("combobox", name="Scenario", exact=True).click()
        await page.get_by_role("option", name=SHARED, exact=True).wait_for()
        s.saw = {await o.inner_text() for o in await page.get_by_role("option").all()}
        await page.get_by_role("option", name=SHARED, exact=True).click()
        await _settled(page)
        await page.get_by_role("button", name="Load", exact=True).click()
        await page.get_by_text(f'Loaded "{SHARED}" revision').wait_for()
        await _settled(page)
        await loaded.wait()  # every session has revision 1 open: now they all save on top of it
        await page.get_by_label("What changed (optional)").fill(f"by {s.login}")
        await page.get_by_role("button", name="Save scenario").click()
        saved = page.get_by_text(re.compile(f'^Saved "{SHARED}" as revision'))
        refused = page.get_by_text(re.compile("was changed by someone else since revision"))
        await saved.or_(refused).first.wait_for()
        s.saved = await saved.count() > 0
        await _settled(page)
        await _go_to(page, "Usage")
        await page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(usage))
        await page.get_by_role("button", name="Import", exact=True).click()
        # the first session of a workspace stores the file, the others find it there already
        done = page.get_by_text("Imported.").or_(
            page.get_by_text("Nothing new: all of it was imported before.")
        )
        await done.first.wait_for()
        s.imported = True
        await _settled(page)
        s.errors += await _errors(page)
    except Exception as exc:  # noqa: BLE001 - the test reports every session's failure
        s.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        for barrier in (ready, loaded):
            if not barrier.broken:
                await barrier.abort()
    finally:
        await context.close()


def run(sessions: int, moves: int, admin_url: str, home: Path) -> Load:
    """Start the provider and `roi serve` on a fresh PostgreSQL database, run the sessions at once."""
    from playwright.async_api import async_playwright

    people = users(sessions)
    port = free_port()
    with fresh_database(admin_url, "roi_load") as db, IdentityProvider(people, port) as idp:
        env = {"ROI_DATABASE_URL": db}
        roi(home, "workspaces", "members", "default", "--member", "group:staff", env=env)
        for client in CLIENTS:
            roi(
                home,
                "workspaces",
                "add",
                client,
                "--name",
                client.title(),
                "--member",
                f"group:{client}-team",
                env=env,
            )
            for name in (SHARED, f"{client.title()} only"):
                plan = home / f"{client}-{name}.json"
                plan.write_text(
                    (REPO / "data" / "demo_scenario.json")
                    .read_text()
                    .replace(
                        '"name": "Law firm: route routine work to Haiku (illustrative)"',
                        f'"name": "{name}"',
                        1,
                    )
                )
                roi(home, "--workspace", client, "save", str(plan), env=env)
        roles = {"editor": "consultants", "analyst": "finance"}
        with signed_in_app(idp.env(**roles) | env, port, home, home / "serve.log") as url:
            pid = _server_pid(port)
            idle = _rss_mb(pid)
            people_sessions = [Session(login, login.split("@")[1].split(".")[0]) for login in people]

            async def all_at_once() -> float:
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(
                        executable_path="/usr/bin/chromium",
                        args=[
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            # 25 pages at once: none of them is a background tab to throttle
                            "--disable-background-timer-throttling",
                            "--disable-renderer-backgrounding",
                            "--disable-backgrounding-occluded-windows",
                        ],
                    )
                    barriers = asyncio.Barrier(sessions), asyncio.Barrier(sessions)
                    arriving = asyncio.Semaphore(SIGN_IN_AT_ONCE)
                    usage = REPO / "data" / "usage" / "generic_requests.csv"
                    t0, cpu0 = time.perf_counter(), _cpu_s([pid])
                    await asyncio.gather(
                        *[_one(browser, url, s, moves, barriers, arriving, usage) for s in people_sessions]
                    )
                    cpu["server"] = _cpu_s([pid]) - cpu0
                    cpu["browser"] = _cpu_s(_browser_pids())  # the browser started with the run
                    await browser.close()
                    return time.perf_counter() - t0

            peak, cpu = {"mb": idle}, {}

            async def watch(task: asyncio.Task) -> float:
                while not task.done():
                    peak["mb"] = max(peak["mb"], _rss_mb(pid))
                    await asyncio.sleep(0.5)
                return await task

            async def main() -> float:
                return await watch(asyncio.ensure_future(all_at_once()))

            # in a thread of its own: the browser suite's sync Playwright keeps a loop in this one
            with ThreadPoolExecutor(1) as pool:
                seconds = pool.submit(asyncio.run, main()).result()
            revisions = {}
            for client in CLIENTS:
                listed = roi(home, "--workspace", client, "scenarios", env=env)
                revisions[client] = int(re.search(rf"{SHARED}  \(revision (\d+)", listed).group(1))
    return Load(people_sessions, revisions, idle, peak["mb"], seconds, cpu["server"], cpu["browser"])
