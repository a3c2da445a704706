"""The core imports nothing heavier than the standard library, checked in a fresh interpreter."""

import subprocess
import sys

HEAVY = ("babel", "yaml", "pygame", "vlc", "serial", "cv2", "sqlite3", "numpy")

PROBE = """
import importlib, pkgutil, sys
import cinema.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "cinema.core.")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))))
"""


def test_every_core_module_loads_without_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE, *HEAVY], capture_output=True, text=True, check=True)
    count, loaded = (out.stdout.splitlines() + [""])[:2]
    assert int(count) >= 15  # every module was imported, items/ included
    assert loaded == "", f"importing cinema.core loads {loaded}"
