"""Session state: every key the app keeps for a browser session, behind typed accessors.

Nothing outside this module touches `st.session_state`. Three kinds of keys:

- values the app keeps between runs and pages (`roi.*`): the scenario, what it was loaded from,
  presentation mode, the page to return to, a message for the next run...; read and written only
  through the functions below, so each has one type and one meaning;
- widgets seeded from the scenario (`seeded_key`, prefix `scn:`): a widget's key vanishes when its
  page is not drawn, so the scenario lives under `roi.scenario` and these widgets are seeded from
  it; replacing the scenario clears them, and only them, so they re-seed;
- page-local widgets (`widget_key`, prefix `w:`): an uploaded file, a chosen run, a typed API key;
  a scenario change never clears them.

Over 300 lines on purpose: it is the one place that knows `st.session_state`, and with it the
session's store handle, its user and workspace, and the cached simulation keyed by them; split,
each part would need the others' key rules (a workspace switch clears widgets and caches alike).

Long-running work (a sample run) is not kept here: it belongs to the server process
(`roi.ui.eval_widgets.jobs`), and the session keeps only the id of the run it watches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import streamlit as st

from roi import share, signin
from roi.engine import Result, check, compute
from roi.errors import ScenarioError
from roi.scenario import Scenario, demo_scenario, load_scenario
from roi.store import Store, access, open_store, workspaces
from roi.ui.text import md
from roi.uncertainty import Uncertainty, has_ranges, simulate

T = TypeVar("T")
SEEDED = "scn:"
LOCAL = "w:"


class _Value(Generic[T]):
    """One `roi.*` session value with its type and its default."""

    def __init__(self, name: str, default: Callable[[], T]) -> None:
        self.key, self._default = f"roi.{name}", default

    def get(self) -> T:
        if self.key not in st.session_state:
            st.session_state[self.key] = self._default()
        return st.session_state[self.key]

    def set(self, value: T) -> None:
        st.session_state[self.key] = value

    def take(self) -> T:
        """The value, then back to the default (a one-shot message or flag)."""
        value = self.get()
        del st.session_state[self.key]
        return value


_scenario: _Value[Scenario] = _Value("scenario", demo_scenario)
_loaded: _Value[tuple[str, int] | None] = _Value("loaded", lambda: None)  # (name, revision) loaded
_presenting: _Value[bool] = _Value("presenting", lambda: False)
_return_page: _Value[str | None] = _Value("return_page", lambda: None)  # url path before presenting
_leaving: _Value[bool] = _Value("leaving_presentation", lambda: False)
_slide: _Value[int] = _Value("slide", lambda: 0)
_page_refresh: _Value[bool] = _Value("page_refresh", lambda: False)
_message: _Value[tuple[str, str] | None] = _Value("message", lambda: None)
_share_seen: _Value[str | None] = _Value("share_seen", lambda: None)
_handled: _Value[dict[str, str]] = _Value("handled_uploads", dict)  # purpose -> file id handled
_watched_run: _Value[int | None] = _Value("watched_run", lambda: None)  # a sample run in progress
_upload_box: _Value[dict[str, int]] = _Value("upload_box", dict)  # purpose -> generation of its box
_workspace: _Value[str] = _Value("workspace", lambda: workspaces.DEFAULT)

# for tests that set up or inspect a session (AppTest), never for app code
SCENARIO_KEY, LOADED_KEY, WATCHED_RUN_KEY = _scenario.key, _loaded.key, _watched_run.key

# --- widget keys ---------------------------------------------------------------------------------


def seeded_key(name: str) -> str:
    """Key of a widget seeded from the scenario (cleared when the scenario is replaced)."""
    return SEEDED + name


def widget_key(name: str) -> str:
    """Key of a page-local widget (kept when the scenario changes)."""
    return LOCAL + name


def value(key: str, default: Any = None) -> Any:
    """A widget's current value (in its callback, or before it is drawn: `default`)."""
    return st.session_state.get(key, default)


def has(key: str) -> bool:
    return key in st.session_state


def set_value(key: str, new: Any) -> None:
    """Move a widget (one that is drawn later in this run, or in its callback)."""
    st.session_state[key] = new


def seed(key: str, initial: Any) -> str:
    """Seed a widget through session state only (never also as a default value) and return its key."""
    if key not in st.session_state:
        st.session_state[key] = initial
    return key


def clear_widgets(prefix: str) -> None:
    """Forget the widgets whose key starts with `prefix`, so they re-seed."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


# --- the scenario --------------------------------------------------------------------------------


def current_scenario() -> Scenario:
    """The scenario being explored; the illustrative demo on first visit."""
    return _scenario.get()


def set_scenario(s: Scenario) -> None:
    """An edit made through a widget: the widgets already show it."""
    _scenario.set(s)


def replace_scenario(s: Scenario, *, loaded: tuple[str, int] | None = None) -> None:
    """A new scenario from elsewhere (preset, load, upload, optimize): seeded widgets re-seed."""
    _scenario.set(s)
    _loaded.set(loaded)
    clear_widgets(SEEDED)


def edit_scenario(
    change: Callable[[Scenario], Scenario],
    *,
    success: str | Callable[[Scenario], str] | None = None,
    refused: str = "Not changed",
    loaded: tuple[str, int] | None = None,
) -> bool:
    """Replace the scenario with `change(current)` once it checks out (every model priced, every
    accuracy it needs given); a refusal becomes a message and the scenario stays as it was."""
    try:
        new = check(change(current_scenario()))
    except ScenarioError as exc:
        flash("error", f"{refused}: {md(exc)}. The scenario you had is unchanged.")
        return False
    replace_scenario(new, loaded=loaded)
    if success:
        flash("success", success(new) if callable(success) else success)
    return True


def loaded_from() -> tuple[str, int] | None:
    """(name, revision) the scenario was loaded from or last saved as, for a safe save."""
    return _loaded.get()


@st.cache_resource(show_spinner=False, max_entries=64)
def _simulation(scenario_json: str) -> Uncertainty:
    return simulate(load_scenario(scenario_json))


def simulated(s: Scenario) -> Uncertainty | None:
    """The scenario's ranges (`roi.uncertainty`, the default draws and seed), or None when nothing
    in it is uncertain; computed once per scenario and process (a slider move is a new scenario)."""
    if not has_ranges(s):
        return None
    try:
        return _simulation(s.to_json())
    except ScenarioError:
        return None  # `computed` shows why the scenario cannot be computed


def computed(s: Scenario) -> Result | None:
    """Compute, turning a bad scenario into an inline message instead of a traceback."""
    try:
        return compute(s)
    except ScenarioError as exc:
        st.error(f"This scenario cannot be computed: {exc}")
        return None


# --- presentation mode ---------------------------------------------------------------------------


def refresh_page_after_fragment() -> None:
    """A widget inside a fragment changed the scenario: once the fragment has redrawn its part (the
    numbers, at once), the rest of the page must follow (`take_page_refresh`)."""
    _page_refresh.set(True)


def take_page_refresh() -> bool:
    return _page_refresh.take()


def presenting() -> bool:
    return _presenting.get()


def set_presenting(on: bool) -> None:
    """Turning it off returns to the page the user came from (see `page_after_presenting`)."""
    _presenting.set(on)
    if not on:
        _leaving.set(True)


def remember_page(url_path: str) -> None:
    """The page shown before presentation mode took over the screen."""
    _return_page.set(url_path)


def page_after_presenting() -> str | None:
    """Once, right after presentation mode is turned off: the url path to go back to ("" is the
    default page)."""
    if not _leaving.take():
        return None
    return _return_page.get() or ""


def slide() -> int:
    return _slide.get()


def set_slide(step: int) -> None:
    _slide.set(step)


# --- messages and one-time handling --------------------------------------------------------------


def flash(kind: str, text: str) -> None:
    """A message to show on the next run (after a callback or a page switch)."""
    _message.set((kind, text))


def show_flash() -> None:
    """Called first by every page: reruns through the router if needed, then shows a pending message."""
    from roi.ui.router import ensure_router

    ensure_router()
    if msg := _message.take():
        getattr(st, msg[0])(msg[1])


def first_time(purpose: str, file_id: str) -> bool:
    """True once per uploaded file and purpose: an upload box keeps its file across reruns, and a
    scenario opened from it must not be re-opened over later edits."""
    handled = _handled.get()
    if handled.get(purpose) == file_id:
        return False
    handled[purpose] = file_id
    return True


def upload_box_key(purpose: str) -> str:
    """Key of an upload box that can be emptied: the browser keeps a box's files until the box is
    replaced, so emptying it means drawing a new box under a new key (`empty_upload_box`)."""
    return widget_key(f"{purpose}:{_upload_box.get().get(purpose, 0)}")


def empty_upload_box(purpose: str) -> None:
    """The next run draws an empty box (e.g. after its files were imported, so a rerun or a later
    click cannot import them again)."""
    boxes = _upload_box.get()
    clear_widgets(upload_box_key(purpose))
    boxes[purpose] = boxes.get(purpose, 0) + 1


def apply_share_link() -> None:
    """Open the scenario a share link names (`roi.share`) once per link; a bad link changes nothing."""
    params = {k: v for k in share.PARAMS if (v := st.query_params.get(k))}
    seen = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    if not params or _share_seen.get() == seen:
        return
    _share_seen.set(seen)
    if (ws := params.get(share.WORKSPACE_PARAM, workspaces.DEFAULT)) != _workspace.get():
        if ws not in {w.slug for w in visible_workspaces()}:
            flash("error", "This link is for a workspace you are not a member of; it opened nothing.")
            return
        switch_workspace(ws)
        _share_seen.set(seen)
    try:
        opened = share.open_link(params, store().open_revision)
        if opened is None:
            return
        s = check(opened[0])
    except ScenarioError as exc:
        flash("error", f"{exc}. The scenario you had is unchanged.")
        return
    replace_scenario(s, loaded=opened[1])
    flash("success", f'Opened the shared scenario "{md(s.name)}".')


# --- sample runs ---------------------------------------------------------------------------------


def watched_run() -> int | None:
    """The sample run whose progress this session shows."""
    return _watched_run.get()


def watch_run(run_id: int | None) -> None:
    _watched_run.set(run_id)


# --- who is here, and in which workspace --------------------------------------------------------


@st.cache_resource(show_spinner=False)
def sign_in_config() -> signin.SignIn:
    """How people sign in (read once per server process, like Streamlit reads its secrets)."""
    return signin.load()


def signed_out() -> bool:
    """Sign-in is configured and this browser has not signed in yet."""
    return sign_in_config().configured and not st.user.is_logged_in


def session_actor() -> access.Actor:
    """Who this browser session acts as: the signed-in user with the roles their identity
    provider's claims give them; without sign-in configured the app is the laptop's, open on
    localhost: the local user, who may do everything (`roi.store.access.LOCAL`)."""
    cfg = sign_in_config()
    if not cfg.configured:
        return access.LOCAL
    if not st.user.is_logged_in:
        raise access.PermissionDenied("sign in first")
    return cfg.actor(st.user.to_dict())


def main_store() -> Store:
    """The main store (the registry of workspaces), acting for this session's user."""
    return _shared_store().as_actor(session_actor())


def visible_workspaces() -> list[workspaces.Workspace]:
    """The workspaces this session's user may open (admins: all)."""
    return workspaces.visible_workspaces(main_store())


def settle_workspace(visible: list[workspaces.Workspace]) -> workspaces.Workspace | None:
    """The session's workspace, one it may open (the first it may, when it may not open the one it
    had: removed from it since); None when it may open none."""
    slug = _workspace.get()
    found = next((w for w in visible if w.slug == slug), None) or (visible[0] if visible else None)
    if found is not None and found.slug != slug:
        switch_workspace(found.slug)
    return found


def current_workspace() -> str:
    return _workspace.get()


def switch_workspace(slug: str) -> None:
    """Work in another workspace: nothing of this one's comes along (the scenario goes back to the
    demo, no run is watched, no upload counts as handled)."""
    _workspace.set(slug)
    replace_scenario(demo_scenario())
    _watched_run.set(None)
    _handled.set({})
    _share_seen.set(None)


def usage_key() -> tuple[str, tuple[int, ...]]:
    """What a cached figure of the stored usage depends on: the workspace (caches are shared by
    every session of the process, and each workspace numbers its imports from 1) and its imports
    (a new or deleted import computes again)."""
    from roi.usage import list_imports

    return _workspace.get(), tuple(int(i) for i in list_imports(store())["id"])


def may(action: str) -> bool:
    """Whether this session's user may do `action` (to grey out what `roi` would refuse anyway)."""
    return session_actor().may(action)


def needs(action: str) -> str | None:
    """The help of a greyed-out control: which role it takes; None when this user may."""
    if may(action):
        return None
    roles = [r for r in access.ACTIONS[action] if r != "admin"] or ["admin"]
    return f"Needs the {' or '.join(roles)} role (ask an admin)."


# --- process-wide resources ----------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _shared_store() -> Store:
    """One store (engine and connection pool) per server process; migrations run once here. The
    other workspaces' stores hang off it (`Store.workspace_store`), one engine each."""
    return open_store()


def store() -> Store:
    """The session's workspace's store, acting for this session's user: `roi` refuses what their
    role may not do, and a workspace they are not a member of."""
    main = main_store()
    slug = _workspace.get()
    return (
        main if slug == workspaces.DEFAULT and main.actor.may("workspaces") else workspaces.enter(main, slug)
    )
