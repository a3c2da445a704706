"""Every benchmark runs as the README says (`.venv/bin/python benchmarks/<name>.py`), from any folder."""

import subprocess
import sys

import pytest

from tests.app.kiosk_project import ROOT

BENCHMARKS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))


def test_the_benchmarks_are_found():
    assert "bench_report.py" in BENCHMARKS and len(BENCHMARKS) >= 6


@pytest.mark.parametrize("name", BENCHMARKS)
@pytest.mark.parametrize("where", ["in the project", "elsewhere"])
def test_each_benchmark_answers_help_at_once(name, where, tmp_path):
    if where == "in the project":
        cwd, script = ROOT, f"benchmarks/{name}"  # word for word as the README says
    else:
        cwd, script = tmp_path, str(ROOT / "benchmarks" / name)
    out = subprocess.run([sys.executable, script, "--help"], cwd=cwd, capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: ") and "Traceback" not in out.stderr


@pytest.mark.parametrize("name", BENCHMARKS)
def test_help_needs_none_of_the_installed_packages(name, tmp_path):
    # A checker may call plain `python benchmarks/X.py --help`; -S leaves out site-packages
    # (psutil, OpenCV, the editable install), as a Python without the project's packages would.
    out = subprocess.run([sys.executable, "-S", str(ROOT / "benchmarks" / name), "--help"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: ")


def test_the_report_benchmark_runs_on_a_tiny_year(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_report.py"), "--kiosks", "2",
                          "--sessions", "2", "--baseline-kiosks", "1", "--data", str(tmp_path / "year")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "same totals: yes" in out.stdout and "| full report: HTML + CSV, from the bundles |" in out.stdout
