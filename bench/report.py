"""The benchmark table: rows of (metric, ours, reference, ratio, target, pass/fail).

A row with a ``limit`` passes when ``ours / reference <= limit``; a row without one is
information (peak memory, absolute counts) and is neither passed nor failed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Row", "render", "write_json"]


@dataclass
class Row:
    metric: str
    ours: float | None
    reference: float | None
    unit: str
    limit: float | None = None  # pass when ratio <= limit
    note: str = ""
    ratio: float | None = field(init=False)

    def __post_init__(self) -> None:
        usable = self.ours is not None and self.reference not in (None, 0)
        self.ratio = self.ours / self.reference if usable else None  # type: ignore[operator]

    @property
    def target(self) -> str:
        return f"<= {self.limit:g}x" if self.limit is not None else "info"

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "-"
        if self.ratio is None:
            return "n/a"
        return "pass" if self.ratio <= self.limit else "FAIL"


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}" if abs(value) < 1 else f"{value:.1f} {unit}"


def render(rows: list[Row]) -> str:
    header = ("metric", "ours", "reference", "ratio", "target", "pass/fail")
    cells = [
        (
            row.metric + (f" [{index}]" if row.note else ""),
            _value(row.ours, row.unit),
            _value(row.reference, row.unit),
            f"{row.ratio:.2f}x" if row.ratio is not None else "n/a",
            row.target,
            row.verdict,
        )
        for index, row in enumerate(rows, 1)
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in cells
    ]
    notes = [f"[{index}] {row.note}" for index, row in enumerate(rows, 1) if row.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def write_json(path: Path, rows: list[Row], meta: dict[str, Any]) -> None:
    rows_out = [{**asdict(row), "target": row.target, "verdict": row.verdict} for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": meta, "rows": rows_out}, indent=2) + "\n", encoding="utf-8")
