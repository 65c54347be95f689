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


def scale_table(result: ScaleResult) -> str:
    """Median read times at both sizes; a ratio near 1 means the read does not scan jobs."""
    small, large = result.sizes
    rows = [[kind.name + ("  [contrast: scans jobs]" if kind.counts_jobs else ""),
             f"{result.times[0][kind.name]:.2f}", f"{result.times[1][kind.name]:.2f}",
             f"{result.times[1][kind.name] / result.times[0][kind.name]:.2f}"]
            for kind in result.reads]
    body = table([f"read (median of {result.reads_per_size} after {result.warmup} warm-up)",
                  f"ms at {small:,} jobs", f"ms at {large:,} jobs",
                  f"ratio {large // 1000:,}k/{small // 1000:,}k"], rows, {1, 2, 3})
    check = ("api.queues counts match counting jobs.job: "
             + ("yes" if not result.mismatches else "NO\n  " + "\n  ".join(result.mismatches)))
    return "\n".join([
        body, "",
        f"built {small:,} jobs in {result.build_s[0]:.1f} s, grown to {large:,} "
        f"in {result.build_s[1]:.1f} s more (API inserts, bulk transitions, VACUUM ANALYZE)",
        f"ledger rows (jobs.queue_count) summed by each read: {result.ledger_rows[0]:,} "
        f"at {small:,} jobs, {result.ledger_rows[1]:,} at {large:,}",
        check,
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
