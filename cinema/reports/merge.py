"""Plan a merge: which sequence ranges of which file to read, so every record counts exactly once.

A record is identified by its kiosk and its sequence number (its id is unique too), so two
sources holding the same kiosk's records 1..500 hold the same records: the second adds nothing.
Overlaps are checked id by id; if they differ, two laptops share a kiosk id, and the second
one's records are reported under a separate name instead of being mixed in or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from cinema.locale.runtime import gettext as _
from cinema.reports.sources import Source, connect


@dataclass(frozen=True)
class Segment:
    label: str  # the kiosk as reported (its id, or "id~2" for a second laptop using the same id)
    kiosk_id: str  # the kiosk id in the records
    uri: str  # read-only SQLite URI of the file
    lo: int
    hi: int
    other_kiosks: bool = False  # the file holds other kiosks' records too: filter by kiosk id
    whole: bool = False  # the segment is all of the file: its precomputed counts (bundles) apply
    signed: bool = False  # from a bundle whose signature was checked

    @property
    def size(self) -> int:
        return self.hi - self.lo + 1


@dataclass
class Plan:
    kiosks: dict[str, list[Segment]] = field(default_factory=dict)  # label -> segments by sequence
    missing: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # label -> gaps in the sequence
    problems: list[str] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(s.size for segs in self.kiosks.values() for s in segs)

    @property
    def signed_records(self) -> int:
        return sum(s.size for segs in self.kiosks.values() for s in segs if s.signed)


def _subtract(lo: int, hi: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of [lo, hi] not in any covered interval (covered sorted, non-overlapping)."""
    parts, start = [], lo
    for a, b in covered:
        if b < start or a > hi:
            continue
        if a > start:
            parts.append((start, a - 1))
        start = max(start, b + 1)
    if start <= hi:
        parts.append((start, hi))
    return parts


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _ids(uri: str, kiosk_id: str, lo: int, hi: int) -> Iterator[str]:
    db = connect(uri)
    try:
        yield from (row[0] for row in db.execute(
            "SELECT id FROM records WHERE seq BETWEEN ? AND ? AND kiosk_id = ? ORDER BY seq", (lo, hi, kiosk_id)))
    finally:
        db.close()


def _same_records(a: Segment, b_uri: str, lo: int, hi: int) -> bool:
    return all(x == y for x, y in zip(_ids(a.uri, a.kiosk_id, lo, hi), _ids(b_uri, a.kiosk_id, lo, hi),
                                      strict=False))


def plan_merge(sources: list[Source]) -> Plan:
    plan = Plan()
    covered: dict[str, list[tuple[int, int]]] = {}
    for source in sources:
        added = 0
        for rng in source.ranges:
            label = _label_for(plan, covered, rng.kiosk_id, source, rng.first_seq, rng.last_seq)
            have = covered.setdefault(label, [])
            for lo, hi in _subtract(rng.first_seq, rng.last_seq, have):
                whole = (lo, hi) == (rng.first_seq, rng.last_seq) and len(source.ranges) == 1
                plan.kiosks.setdefault(label, []).append(
                    Segment(label, rng.kiosk_id, source.uri, lo, hi, len(source.ranges) > 1, whole,
                            source.info.signed))
                added += hi - lo + 1
            covered[label] = _union(have + [(rng.first_seq, rng.last_seq)])
        if source.ranges and added == 0:
            source.info.status = "repeated"
            source.info.reason = _("every record in it was already in another file given: nothing added")
    for label, segs in plan.kiosks.items():
        segs.sort(key=lambda s: s.lo)
        spans = covered[label]
        gaps = [(1, spans[0][0] - 1)] if spans and spans[0][0] > 1 else []
        gaps += [(a[1] + 1, b[0] - 1) for a, b in zip(spans, spans[1:])]
        if gaps:
            plan.missing[label] = gaps
            text = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in gaps)
            plan.problems.append(_("Kiosk {kiosk}: records {ranges} are missing: an export bundle from this "
                                   "kiosk was not given to the report.").format(kiosk=label, ranges=text))
    plan.kiosks = dict(sorted(plan.kiosks.items()))
    return plan


def _label_for(plan: Plan, covered: dict[str, list[tuple[int, int]]], kiosk_id: str, source: Source,
               lo: int, hi: int) -> str:
    """The kiosk's own id, unless the overlap shows different records: then a second laptop's name."""
    n = 1
    while True:
        label = kiosk_id if n == 1 else f"{kiosk_id}~{n}"
        segs = plan.kiosks.get(label, [])
        overlaps = [(s, max(lo, s.lo), min(hi, s.hi)) for s in segs if s.lo <= hi and s.hi >= lo]
        if label not in covered or all(_same_records(s, source.uri, a, b) for s, a, b in overlaps):
            if n > 1 and label not in covered:
                plan.problems.append(_("Two laptops use the kiosk id {kiosk}: the records in {file} are shown as "
                                       "{label}. Give each laptop its own kiosk_id.").format(
                    kiosk=kiosk_id, file=source.info.name, label=label))
            return label
        n += 1
