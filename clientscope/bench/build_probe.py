"""The build step, timed in a fresh process: `prepare()` (metrics.yaml, validation, marts), then the pages.

`python -m clientscope.bench.build_probe DATA` prints one JSON line: the seconds `prepare` took, whether
the data is servable, and the pages Dash registered (read from `dash.page_registry` after `create_app`,
so the benchmark measures whatever pages exist when it runs).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def probe(data_dir: Path) -> dict:
    from clientscope.startup import prepare

    started = time.perf_counter()
    ctx = prepare(str(data_dir))
    build_s = time.perf_counter() - started
    import dash

    from clientscope.shell import create_app

    create_app(ctx)
    pages = [
        {
            "name": page["module"].split(".")[-1],
            "module": page["module"],
            "path": page["relative_path"],
            "template": bool(page.get("path_template")),
        }
        for page in dash.page_registry.values()
    ]
    return {"build_s": build_s, "ok": ctx.ok, "problems": list(ctx.problems), "pages": pages}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(probe(Path(args[0])), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
