"""Run the three matching benchmarks and write every figure to bench/results/latest.json."""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_matching_indexing  # noqa: E402
import bench_matching_latency  # noqa: E402
import bench_matching_quality  # noqa: E402


def main() -> None:
    figures = {}
    for name, module in (
        ("latency", bench_matching_latency),
        ("indexing", bench_matching_indexing),
        ("quality", bench_matching_quality),
    ):
        print(f"== {name}", flush=True)
        figures[name] = module.main()
    figures["measured"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
