"""Rates, the figures built on them, and the printed tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from .reference import REFERENCE, target_ratio


@dataclass(frozen=True)
class Rate:
    name: str
    value: float
    unit: str
    reference: float | None = None  # the number for the same thing

    def __str__(self) -> str:
        return f"{self.value:,.0f} {self.unit}"


@dataclass
class Figure:
    """A measured rate and the ceilings it is compared with (the first is the main one)."""

    rate: Rate
    ceilings: list[Rate] = field(default_factory=list)
    target: float | None = None  # the ratio for this figure to the first ceiling


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
    return table(["figure", "value", "ceiling", "ratio", "issue's ratio"], rows, {1, 3, 4})


def ceilings_table(ceilings: list[Rate]) -> str:
    rows = [[c.name, str(c), f"{c.reference:,.0f}" if c.reference else "",
             f"{c.value / c.reference:.2f}" if c.reference else ""] for c in ceilings]
    return table(["ceiling", "value", "issue's", "ratio"], rows, {1, 2, 3})


def reference_table() -> str:
    rows = [[name, f"{value:,.0f} {unit}",
             f"{target_ratio(value):.2f} x pgbench" if unit == "jobs/s" else ""]
            for name, value, unit in REFERENCE]
    return table(["the issue's numbers", "value", "ratio"], rows, {1})


def section(title: str, body: str) -> str:
    return f"\n{title}\n{'=' * len(title)}\n{body}\n"
