"""Write synthetic classroom photos of QR cards (and of other codes, and of none) with their truth.

    python scripts/make_card_photos.py OUTDIR [--count 40] [--seed 1] [--program TEST]

Makes OUTDIR/photo_NNN.jpg (1280x720) and OUTDIR/truth.json: for each photo the cards in it
(token, learner id, how far each card is turned, the letter on top) and the other codes.
The cards are made with the key "photo test key", so `cinema scan` needs that key to accept them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cinema.devices.cards.photos import make_card_photos  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--program", default="TEST")
    args = ap.parse_args(argv)
    made = make_card_photos(args.out_dir, args.count, args.seed, args.program)
    cards = sum(len(p.cards) for p in made.photos)
    print(f"{len(made.photos)} photos with {cards} cards in {args.out_dir} (truth.json beside them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
