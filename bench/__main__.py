"""python -m bench: measure the ceilings, then every figure, and print them with their ratios."""

from __future__ import annotations

import shutil
import sys
import time

from jobsapi.errors import SetupError

from . import BenchError
from .ceilings import measure_ceilings
from .claim import ClaimRun, Transport, claim_figure, run_claims
from .enqueue import measure_enqueue
from .profile import functions_table, probes_table, profile_sql, split_table
from .report import ceilings_table, figures_table, reference_table, section
from .settings import CLIENTS
from .stack import BenchStack, running_stack
from .wrk import INSTALL_HINT

CLAIM_RUNS: list[tuple[Transport, int, int]] = [
    (transport, workers, batch)
    for transport in ("SQL", "HTTP") for workers in (1, CLIENTS) for batch in (1, 100)]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _measure(stack: BenchStack) -> str:
    _progress("ceilings ...")
    ceilings = measure_ceilings(stack)
    _progress("enqueue ...")
    figures = measure_enqueue(stack, ceilings)
    runs: list[ClaimRun] = []
    for transport, workers, batch in CLAIM_RUNS:
        _progress(f"claim→complete {transport}, {workers} worker(s), batch {batch} ...")
        runs.append(run_claims(stack, transport, workers, batch))
    figures += [claim_figure(run, ceilings) for run in runs]
    _progress("profile: SQL, 1 worker, batch 1 and 100 ...")
    profiles = [profile_sql(stack, batch) for batch in (1, 100)]
    return "".join([
        section("Ceilings (this machine, this run)", ceilings_table(ceilings.all())),
        section("Figures", figures_table(figures)),
        section("Where the time goes: client-side time per call", split_table(runs)),
        section("Where the time goes: server side, per function (SQL, 1 worker)",
                functions_table(profiles)),
        section("Where the time goes: finding due jobs after many claims (explained, rolled back)",
                probes_table(profiles)),
        section("Reference (from the issue, other machine)", reference_table()),
    ])


def main() -> int:
    if shutil.which("wrk") is None:
        print(f"bench: {INSTALL_HINT}", file=sys.stderr)
        return 1
    began = time.monotonic()
    try:
        with running_stack() as stack:
            report = _measure(stack)
    except (BenchError, SetupError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    print(report)
    print(f"\n(whole run: {time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
