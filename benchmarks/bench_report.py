"""Supervisor report on a synthetic year: 50 kiosks, about 10 million records.

Measures `cinema report` as a supervisor runs it (a separate process; wall time and the peak
memory of the whole process tree): the summary (`--json`) from the kiosks' journals and from
their export bundles (every bundle's checksum and signature checked), and the full report
(HTML + CSV). The baseline, in the same run, is the naive way (load every record into memory,
deduplicate by id, sort, count), on the first few kiosks only: on all of them it needs more
memory than a supervisor's laptop has. The new way is timed on the same few for the ratio.

    python benchmarks/bench_report.py [--kiosks 50] [--sessions 464] [--baseline-kiosks 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The sibling module and the checkout's package by their folders, so this runs as documented
# from any working folder (`benchmarks` is not a package). psutil and the package are imported
# where they are used: `--help` answers at once, even from a Python without them.
sys.path[:0] = [str(HERE), str(ROOT)]
from synthetic_year import make_year  # noqa: E402
KEY = b"benchmark-programme-key-32-bytes"


# ---- the naive baseline: everything in memory ------------------------------------------------


def naive_read(path: Path) -> Iterator[dict[str, Any]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for seq, rid, kiosk, session, wall, mono, kind, payload in db.execute(
            "SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload FROM records ORDER BY seq"):
        yield {"id": rid, "seq": seq, "kiosk_id": kiosk, "session_id": session, "wall": wall, "mono": mono,
               "kind": kind, "payload": json.loads(payload)}
    db.close()


def naive_summary(paths: Iterable[Path]) -> dict[str, int]:
    seen: dict[str, dict] = {}
    for path in paths:
        for rec in naive_read(path):
            seen.setdefault(rec["id"], rec)
    records = sorted(seen.values(), key=lambda r: (r["kiosk_id"], r["seq"]))
    sessions, attendance, answers = set(), set(), set()
    checkins = played = failed = take_home = 0
    for rec in records:
        kind, p, sid = rec["kind"], rec["payload"], (rec["kiosk_id"], rec["session_id"])
        if kind == "session.started":
            sessions.add(sid)
        elif kind == "attendance.scanned":
            attendance.add((sid, p["learner_id"]))
        elif kind == "answer.recorded":
            answers.add((sid, p.get("index"), p.get("question"), p.get("clicker")))
        elif kind == "checkin.recorded":
            checkins += 1
        elif kind == "item.ended":
            played += 1
        elif kind == "item.failed":
            failed += 1
        elif kind == "takehome.downloaded":
            take_home += 1
    return {"sessions": len(sessions), "attendance": len(attendance), "answers": len(answers),
            "checkins": checkins, "items_played": played, "items_failed": failed, "records": len(records),
            "take_home": take_home}


# ---- measuring a process tree ---------------------------------------------------------------


def measure(cmd: list[str], **kw: Any) -> tuple[float, float, subprocess.CompletedProcess]:
    """(seconds, peak MiB of the process and its children together, result)."""
    import psutil

    peak = 0
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, **kw)
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    t = time.perf_counter()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    done.set()
    watcher.join()
    return seconds, peak / 2**20, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def cinema(*args: Any) -> list[str]:
    return [sys.executable, "-m", "cinema", *map(str, args)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosks", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=464, help="lessons per kiosk (464: about 200,000 records)")
    ap.add_argument("--baseline-kiosks", type=int, default=5)
    ap.add_argument("--data", type=Path, default=ROOT / "var" / "bench-year")
    args = ap.parse_args(argv)
    from cinema.journal.bundle import export_bundle

    t = time.perf_counter()
    journals = make_year(args.data / "journals", args.kiosks, args.sessions)
    total = sum(sqlite3.connect(p).execute("SELECT MAX(seq) FROM records").fetchone()[0] for p in journals)
    print(f"# {len(journals)} kiosks, {total:,} records ({sum(p.stat().st_size for p in journals) / 2**30:.1f} GiB"
          f" of journals), made or found in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp_name:
        tmp = Path(tmp_name)
        keys = tmp / "keys.json"
        import base64
        keys.write_text(json.dumps({"version": 1, "keys": [{"key": base64.b64encode(KEY).decode(),
                                                            "created": "2026-01-01", "valid_until": None}]}))
        t = time.perf_counter()
        (tmp / "bundles").mkdir()
        bundles = []
        for path in journals:
            copy = tmp / path.name  # export marks the journal; keep the generated one untouched
            copy.write_bytes(path.read_bytes())
            bundles.append(export_bundle(copy, tmp / "bundles", (KEY,)).path)
            copy.unlink()
        assert len(set(bundles)) == len(journals), "one bundle per kiosk"
        export_s = (time.perf_counter() - t) / len(journals)

        rows: list[tuple[str, float, float, str]] = []
        few = journals[: args.baseline_kiosks]
        few_total = sum(sqlite3.connect(p).execute("SELECT MAX(seq) FROM records").fetchone()[0] for p in few)
        code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); from pathlib import Path; "
                "from bench_report import naive_summary; print(naive_summary(Path(p) for p in sys.argv[1:]))")
        base_s, base_mb, base = measure([sys.executable, "-c", code, *map(str, few)])
        new_s, new_mb, new = measure(cinema("report", *few, "--json"))
        same = "yes" if json.loads(new.stdout)["totals"] == eval(base.stdout) else "NO"  # noqa: S307 (our own dict)
        rows.append((f"naive load-everything, {len(few)} kiosks ({few_total:,} records)", base_s, base_mb, "1.00x"))
        rows.append((f"cinema report --json, same {len(few)} kiosks (same totals: {same})", new_s, new_mb,
                     f"{base_s / new_s:.1f}x faster"))
        for label, inputs, extra in (
                (f"summary --json, {len(journals)} journals ({total:,} records)", journals, []),
                (f"summary --json, {len(bundles)} bundles, signatures checked", bundles, ["--keys", keys]),
                ("full report: HTML + CSV, from the bundles", bundles,
                 ["--keys", keys, "-o", tmp / "report.html", "--csv", tmp / "csv"])):
            secs, mb, result = measure(cinema("report", *inputs, *(extra or ["--json"])))
            if result.returncode != 0:
                print(result.stderr, file=sys.stderr)
            rows.append((label, secs, mb, "target < 10 s, < 1 GiB" if "summary" in label else ""))
        html_mb = (tmp / "report.html").stat().st_size / 2**20 if (tmp / "report.html").exists() else 0.0

    print("\n| measure | seconds | peak memory (MiB) | note |\n| --- | --- | --- | --- |")
    for label, secs, mb, note in rows:
        print(f"| {label} | {secs:.1f} | {mb:.0f} | {note} |")
    print(f"| export one kiosk's year to a bundle | {export_s:.2f} | | per kiosk |")
    print(f"\nHTML report: {html_mb:.1f} MiB. {os.cpu_count()} cores.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
