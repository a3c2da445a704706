"""An exception in a background thread fails the test it happened in (pyproject.toml's pytest settings)."""

import subprocess
import sys

from tests.app.kiosk_project import ROOT

A_TEST_WITH_A_DYING_THREAD = '''
import threading


def test_a_reader_thread_dies():
    def read():
        raise OSError("the receiver was unplugged")

    t = threading.Thread(target=read, name="receiver")
    t.start()
    t.join()


def test_a_quiet_thread():
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
'''


def test_a_thread_exception_fails_that_test_and_only_that_one(tmp_path):
    (tmp_path / "test_threads.py").write_text(A_TEST_WITH_A_DYING_THREAD)
    out = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
                          "-p", "no:cacheprovider", "-rA", str(tmp_path / "test_threads.py")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stdout
    assert "FAILED test_threads.py::test_a_reader_thread_dies" in out.stdout, out.stdout
    assert "the receiver was unplugged" in out.stdout
    assert "PASSED test_threads.py::test_a_quiet_thread" in out.stdout
