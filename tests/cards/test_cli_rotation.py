"""`cinema cards --rotate-key N`: new cards use a new key, old cards still read during the grace days."""

import subprocess
import sys
from datetime import date, timedelta

from cinema.cards.keys import current_key, load_keys
from cinema.core.roster import make_token, verify_token
from tests.app.kiosk_project import ROOT


def test_rotation_keeps_old_cards_for_the_grace_period(project):
    (project / "roster.csv").write_text("learner_id,name\nL001,Amina\n")
    config = project / "kiosk_config" / "default.yaml"
    cmd = [sys.executable, "-m", "cinema", "cards", str(project / "roster.csv"), "-o", str(project / "c.pdf"),
           "--config", str(config)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    keys_file = project / "var" / "card-keys.json"
    old_card = make_token("DEMO", "L001", current_key(keys_file))
    out = subprocess.run(cmd + ["--rotate-key", "14"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    new_card = make_token("DEMO", "L001", current_key(keys_file))
    assert new_card != old_card
    today = date.today()
    assert verify_token(old_card, "DEMO", load_keys(keys_file, today + timedelta(days=14))).valid
    assert not verify_token(old_card, "DEMO", load_keys(keys_file, today + timedelta(days=15))).valid
    assert verify_token(new_card, "DEMO", load_keys(keys_file, today + timedelta(days=400))).valid
