"""The scenario: one portable JSON document drives the UI, the CLI and the reports.

`model` holds what a scenario is and writes it back; `parse` reads and validates a document.
"""

from roi.scenario.model import COMPLEXITIES, PRICE_FIELDS, TOKEN_KEYS, ModelDef, Routing, Scenario, Task
from roi.scenario.parse import DEMO_SCENARIO_FILE, demo_scenario, load_scenario, parse_scenario

__all__ = [
    "COMPLEXITIES",
    "DEMO_SCENARIO_FILE",
    "PRICE_FIELDS",
    "TOKEN_KEYS",
    "ModelDef",
    "Routing",
    "Scenario",
    "Task",
    "demo_scenario",
    "load_scenario",
    "parse_scenario",
]
