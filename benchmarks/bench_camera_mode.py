"""What a webcam's picture format costs: MJPEG and raw YUYV frames at 720p and 1080p, decoded as OpenCV does.

A USB 2 webcam sends either raw YUYV (2 bytes a pixel) or MJPEG (each frame a JPEG). The kiosk asks
for MJPEG at 1080p (cinema/devices/cards/camera_mode.py); this measures what that costs the laptop,
on frames of a generated classroom (cinema/devices/cards/room.py) encoded as a webcam would:

- bytes: one frame's size (MJPEG at JPEG quality 80, about what UVC webcams send);
- USB 2 fps: frames a second the bus carries at 40 MB/s (USB 2's practical bulk rate; webcams
  use isochronous transfers and get less): why YUYV 1080p is 5 fps on a C920;
- decode ms: the median time to turn one frame into the BGR picture OpenCV hands over (MJPEG:
  cv2.imdecode; YUYV: cv2.cvtColor YUV2BGR_YUYV), and into grayscale for the card readers;
- with cards: the same plus reading the answer cards (MarkerReader) and the QR codes (zxing-cpp),
  what one frame costs the kiosk during an answer-by-card question.

Run: .venv/bin/python benchmarks/bench_camera_mode.py [--frames N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

USB2_BYTES_PER_S = 40e6
SIZES = [(1280, 720), (1920, 1080)]


def yuyv(bgr):
    """A BGR frame packed as YUYV 4:2:2, the bytes a webcam sends raw."""
    import cv2
    import numpy as np

    yuv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV)
    y, u, v = yuv[..., 0], yuv[..., 1], yuv[..., 2]
    packed = np.empty((bgr.shape[0], bgr.shape[1] * 2), np.uint8)
    packed[:, 0::2] = y
    packed[:, 1::4] = u[:, 0::2]
    packed[:, 3::4] = v[:, 0::2]
    return packed.reshape(bgr.shape[0], bgr.shape[1], 2)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=20, help="timed decodes per row (default 20)")
    args = parser.parse_args(argv)

    import cv2

    from cinema.devices.cards.camera_check import look_at
    from cinema.devices.cards.decode import CAMERA_OPTIONS, decode_frame
    from cinema.devices.cards.markers import MarkerReader
    from cinema.devices.cards.room import make_room

    cv2.setNumThreads(2)
    reader = MarkerReader()
    print(f"{os.cpu_count()} cores, OpenCV {cv2.__version__}, median of {args.frames} per row\n")
    print("| size | format | bytes/frame | USB 2 fps | decode to BGR ms | to gray ms | with cards ms | look_at ms |")
    print("|---|---|---|---|---|---|---|---|")
    for size in SIZES:
        frame = make_room("5X5_100", size, 40, seed=7).frame(1)
        jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])[1]
        raw = yuyv(frame)
        rows = [
            ("MJPG", jpeg.nbytes, lambda: cv2.imdecode(jpeg, cv2.IMREAD_COLOR),
             lambda: cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)),
            ("YUYV", raw.nbytes, lambda: cv2.cvtColor(raw, cv2.COLOR_YUV2BGR_YUYV),
             lambda: cv2.cvtColor(raw, cv2.COLOR_YUV2GRAY_YUYV)),
        ]
        for name, nbytes, to_bgr, to_gray in rows:
            bgr_ms = timed(to_bgr, args.frames)
            gray_ms = timed(to_gray, args.frames)

            def with_cards(to_bgr=to_bgr) -> None:
                picture = to_bgr()
                reader.read(picture)
                decode_frame(picture, CAMERA_OPTIONS)

            cards_ms = timed(with_cards, max(3, args.frames // 4))
            look_ms = timed(lambda: look_at(frame), max(3, args.frames // 4))
            print(f"| {size[0]}x{size[1]} | {name} | {nbytes / 1e3:.0f} kB | {USB2_BYTES_PER_S / nbytes:.0f} | "
                  f"{bgr_ms:.1f} | {gray_ms:.1f} | {cards_ms:.0f} | {look_ms:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
