"""What sample runs cost: each answer priced with today's catalog (the one cost function), the
token columns a result keeps, and the estimate and price check made before a run starts."""

from __future__ import annotations

import shlex
from datetime import date

from roi.catalog import catalog_price
from roi.catalog.cost import cost_usd
from roi.errors import EvalRunError, UnknownModelError
from roi.evals.grading import CONFIDENCE_SUFFIX
from roi.evals.sets import EvalSet
from roi.numbers import money
from roi.tokens import Tokens


def price_answer(model: str, tokens: Tokens, *, batch: bool) -> float:
    """Today's catalog price of one answer (UnknownModelError for a model the catalog lacks)."""
    return float(cost_usd(catalog_price(model, as_of=date.today(), batch=batch), tokens.array())[0])


def stored_tokens(tokens: Tokens) -> dict[str, float]:
    """The token columns of a stored result (and of the results CSV): cache writes of both TTLs."""
    return {
        "input_tokens": tokens.input_tokens,
        "cache_write_tokens": tokens.cache_write_5m_tokens + tokens.cache_write_1h_tokens,
        "cache_read_tokens": tokens.cache_read_tokens,
        "output_tokens": tokens.output_tokens,
    }


def check_priced(eval_set: EvalSet, models: list[str]) -> None:
    """Refuse a run whose answers (or judges) the catalog cannot price: the cost per correct answer
    and the spend cap would silently count them as free."""
    judges = {t.grader["model"] for t in eval_set.tasks.values() if t.grader["type"] == "judge"}
    for m in [*models, *sorted(judges - set(models))]:
        try:
            catalog_price(m, as_of=date.today())
        except UnknownModelError:
            raise EvalRunError(
                f"model {m!r} is not in the price catalog: its answers cannot be priced and the spend "
                "cap cannot be kept; pick a catalog model (see `roi catalog --provider anthropic`)"
            ) from None


def estimate(
    eval_set: EvalSet, models: list[str], *, batch: bool = False, confidence: bool = True
) -> dict[str, float]:
    """Upper-bound cost per model before starting: ~4 characters per input token, full max_tokens out."""
    check_priced(eval_set, models)
    out = {}
    for m in models:
        total = 0.0
        for item in eval_set.items:
            system, user = eval_set.render(item)
            t = eval_set.tasks[item.task]
            suffix = CONFIDENCE_SUFFIX if confidence and t.grader["type"] == "label" else ""
            asked = Tokens(
                input_tokens=(len(system) + len(user) + len(suffix)) / 4 + 10, output_tokens=t.max_tokens
            )
            total += price_answer(m, asked, batch=batch)
            if t.grader["type"] == "judge":
                judged = Tokens(
                    input_tokens=(len(user) + len(item.expected) * 2 + 600) / 4, output_tokens=10.0
                )
                total += price_answer(t.grader["model"], judged, batch=batch)
        out[m] = total
    return out


def estimate_usd(usd: float) -> str:
    """An estimate in dollars: cents matter below a dollar ($0.0893), not above ($12)."""
    return money(usd) if usd >= 1 else f"${usd:.4f}"


def estimate_lines(est: dict[str, float], items: int) -> list[str]:
    """The dry-run estimate, one line per model, as `roi evaluate SET --model M --dry-run` prints it."""
    return [f"{m}: up to {estimate_usd(usd)} for {items} items" for m, usd in est.items()]


def dry_run_command(set_path: str, models: list[str], *, batch: bool = False) -> str:
    """The command line that prints the same estimate."""
    flags = "".join(f" --model {shlex.quote(m)}" for m in models) + (" --batch" if batch else "")
    return f"roi evaluate {shlex.quote(set_path)}{flags} --dry-run"
