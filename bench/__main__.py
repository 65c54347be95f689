"""python -m bench: measure the ceilings, then every figure, and print them with their ratios.

--only picks parts (default: all of them): enqueue, claim, profile, scale, prune, worker,
housekeeping, compare (the peers' workload: 20,000 jobs, concurrency 16), memory (a
Worker's resident set across 1,000,000 jobs; a few minutes), endurance (claims beside
1,000,000 finished jobs, and a 2-minute soak under a held snapshot), dashboard (each
request of the dashboard's screens and a metrics scrape, at 1,000,000 jobs), headroom
(the claim path and a submit with parts of jobs.job's triggers and indexes switched off,
and on a narrow table; it runs last, since it leaves them off).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time

from jobsapi.errors import SetupError

from . import BenchError
from .ceilings import measure_ceilings
from .claim import ClaimRun, Transport, claim_figure, run_claims
from .compare import compare_table, measure_compare
from .dashboard import dashboard_table, measure_dashboard
from .endurance import endurance_table, measure_endurance
from .enqueue import measure_enqueue
from .headroom import measure_headroom
from .housekeeping import claim_cost, claim_cost_table, due_start, due_start_table
from .memory import measure_memory, memory_table
from .profile import functions_table, probes_table, profile_sql, split_table
from .prune import measure_prune
from .report import Figure, ceilings_table, figures_table, prune_table, reference_table, scale_table, section
from .scale import SIZES, build_large, measure_scale
from .settings import CLIENTS
from .stack import BenchStack, running_stack
from .worker import latency_table, measure_worker, throughput_table
from .wrk import INSTALL_HINT

CLAIM_RUNS: list[tuple[Transport, int, int]] = [
    (transport, workers, batch)
    for transport in ("SQL", "HTTP") for workers in (1, CLIENTS) for batch in (1, 100)]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


PARTS = ("enqueue", "claim", "profile", "scale", "prune", "worker", "housekeeping", "compare",
         "memory", "endurance", "dashboard", "headroom")


def _measure(stack: BenchStack, parts: set[str]) -> str:
    sections: list[str] = []
    figures: list[Figure] = []
    if parts & {"enqueue", "claim", "housekeeping"}:
        _progress("ceilings ...")
        ceilings = measure_ceilings(stack)
        sections.append(section("Ceilings (this machine, this run)",
                                ceilings_table(ceilings.all())))
        if "enqueue" in parts:
            _progress("enqueue ...")
            figures += measure_enqueue(stack, ceilings)
        runs: list[ClaimRun] = []
        if "claim" in parts:
            for transport, workers, batch in CLAIM_RUNS:
                _progress(f"claim→complete {transport}, {workers} worker(s), batch {batch} ...")
                runs.append(run_claims(stack, transport, workers, batch))
            figures += [claim_figure(run, ceilings) for run in runs]
        if figures:
            sections.append(section("Figures", figures_table(figures)))
        if "housekeeping" in parts:
            _progress("claim cost with and without the per-claim housekeeping ...")
            sections.append(section("Housekeeping out of the claim path",
                                    claim_cost_table(claim_cost(stack, ceilings))))
            _progress("due jobs: from due to start ...")
            sections.append(section("Due jobs start on time (a LISTENing Worker)",
                                    due_start_table(due_start(stack))))
        if runs:
            sections.append(section("Where the time goes: client-side time per call",
                                    split_table(runs)))
    if "profile" in parts:
        _progress("profile: SQL, 1 worker, batch 1 and 100 ...")
        profiles = [profile_sql(stack, batch) for batch in (1, 100)]
        sections += [
            section("Where the time goes: server side, per function (SQL, 1 worker)",
                    functions_table(profiles)),
            section("Where the time goes: finding due jobs after many claims "
                    "(explained, rolled back)", probes_table(profiles)),
        ]
    if parts & {"enqueue", "claim"}:
        sections.append(section("Reference figures (published, another machine)", reference_table()))
    if "worker" in parts:
        _progress("the Python Worker: submit→start latency, then jobs/s ...")
        latencies, worker_runs = measure_worker(stack)
        sections += [
            section("The Python Worker: submit → start latency", latency_table(latencies)),
            section("The Python Worker: jobs per second", throughput_table(worker_runs)),
        ]
    if "compare" in parts:
        _progress("the peers' workload: 20,000 jobs, concurrency 16 ...")
        sections.append(section("Beside the peers: one Worker, 20,000 no-op jobs",
                                compare_table(*measure_compare(stack))))
    if "memory" in parts:
        _progress("a Worker's memory across 1,000,000 jobs ...")
        sections.append(section("A Worker's memory over a long run",
                                memory_table(measure_memory(stack))))
    if "endurance" in parts:
        _progress("claims beside 1,000,000 finished jobs, then a soak under a held snapshot ...")
        sections.append(section("Claims when the table is old",
                                endurance_table(measure_endurance(stack))))
    built: tuple[int, float] | None = None
    if "scale" in parts:
        _progress(f"reads at scale: {SIZES[0]:,} then {SIZES[1]:,} jobs ...")
        sections.append(section("Reads at scale: queue counts, analyst views and the ETL run log",
                                scale_table(measure_scale(stack))))
    if "dashboard" in parts:
        # (before prune, which deletes jobs: on the table scale left, or grown to it)
        _progress(f"the dashboard's requests at {SIZES[1]:,} jobs ...")
        sections.append(section(f"The dashboard's requests at {SIZES[1]:,} jobs",
                                dashboard_table(measure_dashboard(stack))))
    elif "prune" in parts and "scale" not in parts:
        _progress(f"building {SIZES[1]:,} jobs for prune ...")
        built = (SIZES[1], build_large(stack))
    if "prune" in parts:
        _progress("prune_jobs while workers claim ...")
        sections.append(section(f"Prune at scale ({SIZES[1]:,} jobs) while workers claim",
                                prune_table(measure_prune(stack), built)))
    if "headroom" in parts:
        # Last: it switches off triggers and drops indexes of this cluster's jobs table.
        _progress("headroom: the claim path and a submit without parts of them, and a narrow table ...")
        sections.append(section("Headroom: without parts of what jobs.job keeps, and a narrow table",
                                figures_table(measure_headroom(stack))))
    return "".join(sections)


def _parts(argv: list[str] | None) -> set[str]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", metavar="PARTS", default=",".join(PARTS),
                        help=f"comma-separated, from: {', '.join(PARTS)} (default: all)")
    chosen = {p.strip() for p in parser.parse_args(argv).only.split(",") if p.strip()}
    unknown = chosen - set(PARTS)
    if unknown or not chosen:
        parser.error(f"--only takes some of: {', '.join(PARTS)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parts = _parts(argv)
    if parts & {"enqueue", "claim", "housekeeping"} and shutil.which("wrk") is None:
        print(f"bench: {INSTALL_HINT}", file=sys.stderr)
        return 1
    began = time.monotonic()
    try:
        with running_stack() as stack:
            report = _measure(stack, parts)
    except (BenchError, SetupError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    print(report)
    print(f"\n(whole run: {time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
