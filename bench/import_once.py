"""Import one long file into a fresh database in this process; print seconds and peak memory (MiB) as JSON."""

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio_engine.community.indicators import import_long  # noqa: E402
from portfolio_engine.model.catalog import load_catalog  # noqa: E402
from portfolio_engine.security.access import OPERATOR  # noqa: E402

start, cpu = time.perf_counter(), time.process_time()
summary = import_long(load_catalog(), Path(sys.argv[1]), grant=OPERATOR)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": summary.rows}))
