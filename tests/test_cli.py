"""The command line as a teacher or technician uses it: clear lines, exit codes, no tracebacks."""

import os
import subprocess
import sys

from tests.app.kiosk_project import ROOT


def cinema(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "cinema", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def test_check_reports_file_line_and_exit_1_for_a_typo(project):
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text().replace("    title: Hello", "    titel: Hello"))
    out = cinema("check", "--config", str(project / "kiosk_config" / "default.yaml"), "--playlist", str(playlist))
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert f"{playlist}:8: " in out.stdout or "e2e.yaml:8:" in out.stdout
    assert "did you mean" in out.stdout and "title" in out.stdout


def test_check_passes_on_good_content(project):
    out = cinema("check", "--config", str(project / "kiosk_config" / "default.yaml"),
                 "--playlist", str(project / "playlists" / "e2e.yaml"))
    assert out.returncode == 0, out.stdout + out.stderr


def test_kiosk_shows_broken_content_on_screen_instead_of_crashing(project, tmp_path):
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text().replace("type: break", "type: brake"))
    shots = tmp_path / "shots"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    out = cinema("run", "--config", str(project / "kiosk_config" / "default.yaml"), "--playlist", str(playlist),
                 "--windowed", "--screenshots", str(shots), "--max-seconds", "1", env=env)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "brake" in out.stderr
    assert (shots / "001-content_error.png").exists()


def test_unknown_command_options_give_usage_not_traceback():
    out = cinema("run", "--speed", "0", "--headless")
    assert out.returncode == 1 and "speed" in out.stderr and "Traceback" not in out.stderr


def test_check_speaks_the_technicians_language(project):
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text().replace("type: break", "type: brake"))
    env = dict(os.environ, CINEMA_LANGUAGE="ar")
    out = cinema("check", "--config", str(project / "kiosk_config" / "default.yaml"), "--playlist", str(playlist),
                 env=env)
    assert out.returncode == 1
    assert "غير صالح" in out.stdout and "e2e.yaml:" in out.stdout  # Arabic words, same file:line


def test_pin_sets_a_salted_hash_beside_the_journal_and_refuses_the_shipped_one(tmp_path):
    import json
    import stat

    journal = tmp_path / "var" / "journal.sqlite"

    def pin(text):
        return subprocess.run([sys.executable, "-m", "cinema", "pin", "--journal", str(journal)], input=text,
                              capture_output=True, text=True, cwd=ROOT, timeout=60)

    for bad in ("1234\n", "12\n", "abcd\n", "\n"):
        out = pin(bad)
        assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.splitlines()) == 1
    assert not (tmp_path / "var" / "teacher-pin.json").exists()
    out = pin("4821\n")
    assert out.returncode == 0, out.stderr
    stored = tmp_path / "var" / "teacher-pin.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    data = json.loads(stored.read_text())
    assert data["scheme"] == "scrypt" and "4821" not in stored.read_text()
    from cinema.app.pin_store import load

    assert load(stored).matches("4821") and not load(stored).matches("1234")
