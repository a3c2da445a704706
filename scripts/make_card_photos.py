"""Write synthetic classroom photos of QR cards (and of other codes, and of none) with their truth.

    python scripts/make_card_photos.py OUTDIR [--count 40] [--seed 1] [--program TEST]
    python scripts/make_card_photos.py OUTDIR --harsh [--count 40] [--seed 1]

Makes OUTDIR/photo_NNN.jpg (1280x720) and OUTDIR/truth.json: for each photo the cards in it
(token, learner id, how far each card is turned, the letter on top) and the other codes.
The cards are made with the key "photo test key", so `cinema scan` needs that key to accept them.

--harsh makes the harsher set instead (cinema.devices.cards.harsh_photos, issue 15): the cards
`cinema cards` prints, rendered with pdftoppm, turned up to ±40°, glare, motion blur up to
5 px, JPEG quality 40-75, 150-280 px tall: OUTDIR/harsh_NNN.jpg and truth.json (the learner ids
in each photo, the programme HARSH and its key). Needs poppler-utils' pdftoppm.
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
    ap.add_argument("--harsh", action="store_true", help="the harsher set of printed cards (issue 15)")
    args = ap.parse_args(argv)
    if args.harsh:
        from cinema.devices.cards.harsh_photos import write_harsh_photos

        _, photos = write_harsh_photos(args.out_dir, args.count, args.seed)
        cards = sum(len(p.learner_ids) for p in photos)
        print(f"{len(photos)} harsh photos with {cards} cards in {args.out_dir} (truth.json beside them)")
        return 0
    made = make_card_photos(args.out_dir, args.count, args.seed, args.program)
    cards = sum(len(p.cards) for p in made.photos)
    print(f"{len(made.photos)} photos with {cards} cards in {args.out_dir} (truth.json beside them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
