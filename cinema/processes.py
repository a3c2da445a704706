"""Whether a process is still running: for folders named by the process that made them, which a
killed or crashed process leaves behind."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True while process `pid` exists (also another user's, which cannot be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
