"""Standard output that may be closed early: `... | head` stops reading, and the command should end quietly, not with a traceback."""

import os
import sys


def emit(text: str) -> int:
    """Print a command's result; when the reader has gone (a broken pipe), end quietly with exit code 0.

    Python's own flush at exit would hit the closed pipe again, so standard output is pointed at the null device first."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return 0
