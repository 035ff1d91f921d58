"""`roi save`, `roi scenarios`, `roi load`, `roi db`: saved scenarios and their revisions."""

from __future__ import annotations

import argparse
import json

from roi.cli.common import open_main_store, open_store, write_file
from roi.scenario import load_scenario


def cmd_save(a: argparse.Namespace) -> int:
    s = load_scenario(a.file)
    rev = open_store().save_scenario(s, expected_revision=a.revision, note=a.note or "")
    print(f'saved "{s.name}" as revision {rev}')
    return 0


def cmd_scenarios(a: argparse.Namespace) -> int:
    infos = open_store().list_scenarios()
    if a.json:
        doc = [
            {"name": i.name, "revision": i.revision, "updated_at": i.updated_at.isoformat()} for i in infos
        ]
        print(json.dumps(doc))
    else:
        for i in infos:
            print(f"{i.name}  (revision {i.revision}, {i.updated_at:%Y-%m-%d %H:%M})")
    return 0


def cmd_load(a: argparse.Namespace) -> int:
    stored = open_store().load_scenario(a.name, a.revision)
    text = stored.scenario.to_json()
    if a.out:
        write_file(a.out, text)
        print(f"wrote {a.out} (revision {stored.revision})")
    else:
        print(text)
    return 0


def cmd_db(a: argparse.Namespace) -> int:
    store = open_store()
    print(f"database at {store.engine.url.render_as_string(hide_password=True)} is up to date")
    return 0


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    """Add `save`, `scenarios` and `load` to the `roi` subcommands."""
    s = sub.add_parser("save", help="save a scenario file to the store (a new revision)")
    s.add_argument("file")
    s.add_argument("--revision", type=int, help="the revision you edited (omit for a new scenario)")
    s.add_argument("--note")
    s.set_defaults(func=cmd_save)
    s = sub.add_parser("scenarios", help="list saved scenarios")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_scenarios)
    s = sub.add_parser("load", help="print or write a saved scenario")
    s.add_argument("name")
    s.add_argument("--revision", type=int)
    s.add_argument("--out")
    s.set_defaults(func=cmd_load)


def add_db_command(sub: argparse._SubParsersAction) -> None:
    """Add `db` (separate so `roi --help` keeps listing it after `evaluate`, as it always has)."""
    s = sub.add_parser("db", help="create or upgrade the database schema")
    s.set_defaults(func=cmd_db)


def cmd_workspaces(a: argparse.Namespace) -> int:
    from roi.store import workspaces as ws

    main = open_main_store()
    if a.action == "add":
        ws.create_workspace(main, a.slug, a.name or a.slug, a.member or [])
        print(f"created workspace “{a.slug}”; use it with roi --workspace {a.slug} …")
    elif a.action == "members":
        w = ws.set_members(main, a.slug, a.member or [])
        print(f"members of “{w.slug}”: {', '.join(w.members) or '(none: admins only)'}")
    found = ws.all_workspaces(main)
    if a.json:
        print(json.dumps([{"slug": w.slug, "name": w.name, "members": list(w.members)} for w in found]))
    elif a.action == "list":
        for w in found:
            print(f"{w.slug}  {w.name}  members: {', '.join(w.members) or '(admins only)'}")
    return 0


def add_workspaces_command(sub: argparse._SubParsersAction) -> None:
    """Add `workspaces list|add|members`."""
    s = sub.add_parser("workspaces", help="list, add and share workspaces (a client, or the firm)")
    s.add_argument("action", nargs="?", choices=("list", "add", "members"), default="list")
    s.add_argument("slug", nargs="?", help="the workspace (lower case, e.g. acme-llp)")
    s.add_argument("--name", help="its display name (add)")
    s.add_argument(
        "--member",
        action="append",
        help="an e-mail address, group:<name> or * (repeat; `members` replaces the list)",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_workspaces_checked)


def _workspaces_checked(a: argparse.Namespace) -> int:
    from roi.errors import CommandLineError

    if a.action != "list" and not a.slug:
        raise CommandLineError(f"roi workspaces {a.action}: name the workspace (e.g. acme-llp)")
    return cmd_workspaces(a)
