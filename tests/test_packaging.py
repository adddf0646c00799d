"""A wheel built from the tree carries every module and the shipped data, and installed in a fresh
venv (not editable, no checkout beside it) it reads that data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _tracked(*patterns: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout (the file lists come from git ls-files)")
    # built from a copy of the tracked files: setuptools reuses a checkout's build/ folder, whose stale
    # files would hide a file the configuration no longer ships
    src = tmp_path_factory.mktemp("src")
    for rel in _tracked():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("decontrol-*.whl")
    return whl


def test_wheel_holds_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = _tracked("optimizer/*.py", "dashboard/*.py")
    assert modules and not [m for m in modules if m not in names], "modules missing from the wheel"
    data = [p for p in _tracked("datasets") if not p.startswith("datasets/build/")]
    assert any(p.endswith("trade.parquet") for p in data)
    packaged = {"optimizer/_datasets/" + p.removeprefix("datasets/") for p in data}
    assert not sorted(packaged - names), "shipped data missing from the wheel"
    assert not [n for n in names if n.startswith("optimizer/_datasets/build/")], "build scripts do not ship"
    assert {"dashboard/assets/" + Path(p).name for p in _tracked("dashboard/assets")} <= names
    templates = _tracked("optimizer/briefing/templates")
    assert templates and set(templates) <= names, "the briefing deck template must ship"


def test_installed_wheel_reads_its_own_shipped_data(wheel, tmp_path):
    """A fresh venv gets the wheel alone (`--no-deps`); the libraries it needs come from this
    interpreter's site-packages on PYTHONPATH, which holds no copy of decontrol itself (the test
    venv's install is editable: a finder hook, not the packages)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"] + os.pathsep + sysconfig.get_paths()["platlib"],
        "DECONTROL_HOME": str(tmp_path / "home"),
    }
    env.pop("DECONTROL_DATA", None)
    probe = (
        "import json, optimizer, optimizer.paths as p\n"
        "from optimizer.data.load import load_dataset\n"
        "ds = load_dataset()\n"
        "print(json.dumps({'package': optimizer.__file__, 'data': str(p.SHIPPED_DATA_DIR),"
        " 'trade_rows': len(ds.trade), 'synthetic': bool(ds.trade_synthetic)}))"
    )
    out = subprocess.run([str(py), "-c", probe], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    site = str(venv.resolve())
    assert got["package"].startswith(site), got
    assert got["data"].startswith(site) and got["data"].endswith("_datasets"), got
    assert got["trade_rows"] > 0 and got["synthetic"]
    cli = subprocess.run(
        [str(venv / "bin" / "decontrol"), "data", "info", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    assert "_datasets" in cli.stdout
