"""Start the kiosk: the same as `cinema run` with kiosk_config/default.yaml (extra arguments pass through)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cinema.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main(["run", "--config", str(Path(__file__).resolve().parent / "kiosk_config" / "default.yaml"),
                           *sys.argv[1:]]))
