"""datasets/MANIFEST.csv and the README table describe exactly the files shipped (rows, sha256, kind)."""

import subprocess
import sys


def test_manifest_and_readme_table_are_current(repo_root):
    res = subprocess.run(
        [sys.executable, "datasets/build/write_manifest.py", "--check"], cwd=repo_root, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_no_data_file_is_of_unknown_kind(repo_root):
    text = (repo_root / "datasets" / "MANIFEST.csv").read_text()
    assert ",unknown\n" not in text
