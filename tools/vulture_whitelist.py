"""Names vulture cannot see used: called by a framework or a library, or data kept on purpose.

`make lint` runs vulture over roi/, pages/, app.py, tests/ and bench/ with this file; anything
else it reports is dead code. Add a name here only with the reason beside it.
"""

# Not Python to run: vulture reads the names (ruff leaves this file out).

# module-level __getattr__: the report builders are imported lazily (PEP 562)
__getattr__

# html.parser.HTMLParser calls these
_.handle_starttag
_.handle_endtag
_.handle_data

# python-pptx and openpyxl read these attributes when the file is written
_.word_wrap
_.inherit
_.vertical_anchor
_.freeze_panes

# Streamlit reads this flag before warning a REPL user (the launcher marks it given: roi.ui.launch.settle)
_._use_warning_has_been_displayed

# stored columns and fields: written to the database and read by people, reports or later migrations
saved_at
revisions
file_sha256
imported_at
rows_read
rows_stored
workspace
reported_cost_usd
latency_s_sum
ttft_s_sum
timed_requests
set_fingerprint
cache_write_tokens

# pytest finds fixtures and hooks by name
_fresh_streamlit_caches
_isolated_home
_no_proxies
signed_in  # tests/app/test_signin_app.py, by pytest.mark.usefixtures
pytest_runtest_makereport
call

# http.server reads these class attributes and calls these methods
daemon_threads
request_queue_size
allow_reuse_address
protocol_version
server_version
_.log_message
_.close_connection
_.do_GET
_.do_POST
_.posted_at  # roi.store.models.BudgetAlertRow: when an alert was posted (kept for the record)

# SQLAlchemy calls this event listener on every new connection (roi.store.workspaces)
_only_this_schema
_.inference_geo  # roi.store.models.UsageRow: read back by pd.read_sql(select(UsageRow)), not by name
no_proxies  # tests/conftest.py fixture, named in pytest.mark.usefixtures
pytestmark  # read by pytest: marks for every test in a module
