"""Rates, the figures built on them, and the printed tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .reference import REFERENCE, target_ratio

if TYPE_CHECKING:  # they import this module (through claim.py): types only
    from .prune import PruneResult, PruneRun
    from .scale import ScaleResult


@dataclass(frozen=True)
class Rate:
    name: str
    value: float
    unit: str
    reference: float | None = None  # the reference number for the same thing

    def __str__(self) -> str:
        return f"{self.value:,.0f} {self.unit}"


@dataclass
class Figure:
    """A measured rate and the ceilings it is compared with (the first is the main one)."""

    rate: Rate
    ceilings: list[Rate] = field(default_factory=list)
    target: float | None = None  # the reference ratio for this figure to the first ceiling


def table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def figures_table(figures: list[Figure]) -> str:
    rows: list[list[str]] = []
    for figure in figures:
        for i, ceiling in enumerate(figure.ceilings):
            first = i == 0
            target = f"{figure.target:.2f}" if first and figure.target is not None else ""
            rows.append([figure.rate.name if first else "", str(figure.rate) if first else "",
                         f"{ceiling.name} ({ceiling})",
                         f"{figure.rate.value / ceiling.value:.2f}", target])
    return table(["figure", "value", "ceiling", "ratio", "reference ratio"], rows, {1, 3, 4})


def ceilings_table(ceilings: list[Rate]) -> str:
    rows = [[c.name, str(c), f"{c.reference:,.0f}" if c.reference else "",
             f"{c.value / c.reference:.2f}" if c.reference else ""] for c in ceilings]
    return table(["ceiling", "value", "reference", "ratio"], rows, {1, 2, 3})


def reference_table() -> str:
    rows = [[name, f"{value:,.0f} {unit}",
             f"{target_ratio(value):.2f} x pgbench" if unit == "jobs/s" else ""]
            for name, value, unit in REFERENCE]
    return table(["reference figures", "value", "ratio"], rows, {1})


def section(title: str, body: str) -> str:
    return f"\n{title}\n{'=' * len(title)}\n{body}\n"


FAST_MS = 100.0  # "well under a second": a read at the larger size answered within this


def _at_large(ms: float) -> str:
    if ms < FAST_MS:
        return f"yes (< {FAST_MS:.0f} ms)"
    return f"under 1 s but SLOW (> {FAST_MS:.0f} ms)" if ms < 1000 else "NO (> 1 s)"


def scale_table(result: ScaleResult) -> str:
    """Median read times at both sizes; a ratio near 1 means the read does not scan jobs."""
    small, large = result.sizes
    times = (result.reads[0].times, result.reads[1].times)
    rows = [[kind.name + ("  [contrast: scans jobs]" if kind.counts_jobs else ""),
             f"{times[0][kind.name]:.2f}", f"{times[1][kind.name]:.2f}",
             f"{times[1][kind.name] / times[0][kind.name]:.2f}"]
            for kind in result.kinds]
    medians = f"median of {result.reads_per_size} after {result.warmup} warm-up"
    ratio = f"ratio {large // 1000:,}k/{small // 1000:,}k"
    counts = table([f"queue counts ({medians})", f"ms at {small:,} jobs",
                    f"ms at {large:,} jobs", ratio], rows, {1, 2, 3})
    answered = (result.reads[0].rows, result.reads[1].rows)
    view_rows = [[kind.name,
                  f"{answered[0][kind.name]:,}", f"{times[0][kind.name]:.2f}",
                  f"{answered[1][kind.name]:,}", f"{times[1][kind.name]:.2f}",
                  f"{times[1][kind.name] / times[0][kind.name]:.2f}",
                  _at_large(times[1][kind.name])]
                 for kind in result.view_kinds]
    views = table([f"analyst views and run log ({medians})", f"rows at {small // 1000:,}k",
                   f"ms at {small // 1000:,}k", f"rows at {large // 1000:,}k",
                   f"ms at {large // 1000:,}k", ratio, f"well under 1 s at {large:,}?"],
                  view_rows, {1, 2, 3, 4, 5})
    slow = [kind.name for kind in result.view_kinds if times[1][kind.name] >= FAST_MS]
    check = ("api.queues counts match counting jobs.job: "
             + ("yes" if not result.mismatches else "NO\n  " + "\n  ".join(result.mismatches)))
    stats = (f"api.job_stats totals match counting jobs.job by status at {large:,} jobs: "
             + ("yes" if not result.stats_mismatches
                else "NO\n  " + "\n  ".join(result.stats_mismatches)))
    return "\n".join([
        counts, "", views, "",
        f"built {small:,} jobs in {result.build_s[0]:.1f} s, grown to {large:,} "
        f"in {result.build_s[1]:.1f} s more (API inserts, bulk transitions, ETL runs "
        "through api.etl_jobs, VACUUM ANALYZE)",
        f"job names: {result.job_names}; ETL runs (type etl): {result.etl_runs[0]:,} "
        f"at {small:,} jobs, {result.etl_runs[1]:,} at {large:,}",
        f"ledger rows read: jobs.queue_count {result.ledger_rows[0]:,} / "
        f"{result.ledger_rows[1]:,}, jobs.job_history {result.history_rows[0]:,} / "
        f"{result.history_rows[1]:,}, jobs.name_latest {result.latest_rows[0]:,} / "
        f"{result.latest_rows[1]:,} (at {small:,} / {large:,} jobs)",
        check,
        stats,
        (f"reads over {FAST_MS:.0f} ms at {large:,} jobs: " + (", ".join(slow) or "none")),
    ])


def prune_table(result: PruneResult, built: tuple[int, float] | None = None) -> str:
    """Prune rates, and claims with and without it; `built`: jobs and seconds, if built for it."""

    def dry(ran_dry: bool) -> str:
        return " (claim queue ran dry)" if ran_dry else ""

    def pruned(run: PruneRun) -> str:
        return (f"{run.deleted:,} in {run.calls} calls, {run.seconds:.1f} s; "
                f"call median {run.median_call_ms:,.0f} ms, slowest {max(run.call_ms):,.0f} ms"
                + (" (nothing left)" if run.done else ""))

    claims = f"claim→complete SQL, {result.workers} workers, batch {result.batch}"
    rows = [
        [f"prune_jobs({result.prune_batch:,}) alone", f"{result.alone.rate:,.0f} jobs/s",
         pruned(result.alone), ""],
        [f"{claims}, no pruning", f"{result.baseline.rate:,.0f} jobs/s",
         f"{result.baseline.jobs:,} in {result.baseline.elapsed_s:.1f} s"
         + dry(result.baseline.ran_dry), ""],
        [f"{claims}, while prune_jobs runs", f"{result.during.rate:,.0f} jobs/s",
         f"{result.during.jobs:,} in {result.during.elapsed_s:.1f} s" + dry(result.during.ran_dry),
         f"{result.during.rate / result.baseline.rate:.2f}"],
        [f"prune_jobs({result.prune_batch:,}) beside those workers",
         f"{result.pruned.rate:,.0f} jobs/s", pruned(result.pruned),
         f"{result.pruned.rate / result.alone.rate:.2f}" if result.alone.rate else ""],
    ]
    lines = [table(["figure", "value", "done", "ratio to undisturbed"], rows, {1, 3}), ""]
    if built is not None:
        lines.append(f"built {built[0]:,} jobs in {built[1]:.1f} s")
    lines += [
        f"completed jobs beyond keep_completed={result.keep_completed:,} when pruning began: "
        f"{result.beyond_retention:,}; fewest completed left in a history queue: "
        f"{result.completed_left_min:,}",
        f"unfinished jobs: {result.unfinished_before:,} before, "
        f"{result.baseline.jobs + result.during.jobs:,} completed by the workers, "
        f"{result.unfinished_after:,} after (expected {result.unfinished_expected:,}): "
        + ("no unfinished job deleted" if result.unfinished_ok else "MISMATCH"),
        f"events left of deleted jobs: {result.orphan_events:,}",
        "api.queues counts match counting jobs.job after pruning: "
        + ("yes" if not result.mismatches else "NO\n  " + "\n  ".join(result.mismatches)),
    ]
    return "\n".join(lines)
