"""CPU time of the processes behind a figure, read from /proc: when every
core is busy, a rate is the cores divided by the CPU that one job costs
all of them together, so this says which process to make cheaper."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    # The fields after the command name, which may hold spaces.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu_seconds(pid: int) -> float:
    """User and system time of one process, all its threads."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS


def cluster_cpu_seconds(postmaster_pid: int) -> float:
    """PostgreSQL's CPU time: the postmaster, the backends and background
    processes alive now, and those that ended (the postmaster reaped them).
    A backend that ends between the two reads is missed or counted twice;
    the connections a figure measures stay open through it."""
    fields = _stat(postmaster_pid)
    total = sum(int(f) for f in fields[11:15]) / TICKS
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            child = _stat(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
        if int(child[1]) == postmaster_pid:
            total += (int(child[11]) + int(child[12])) / TICKS
    return total
