"""Run `-m MODULE args…` or `-c CODE args…` in this process, then write its peak memory to $BENCH_PEAK_FILE.

Peak memory is VmHWM from /proc/self/status: the high-water mark of this process's own memory, which exec
resets. (ru_maxrss is not usable here: Linux carries the parent's peak over into a forked child.)
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _report() -> None:
    path = os.environ.get("BENCH_PEAK_FILE")
    if not path:
        return
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w", encoding="ascii") as out:
                    out.write(line.split()[1])


def main() -> None:
    atexit.register(_report)
    mode, target, *rest = sys.argv[1:]
    if mode == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})  # noqa: S102 - the bench's own code


if __name__ == "__main__":
    main()
