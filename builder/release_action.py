"""The GitHub Action's work (action.yml), runnable anywhere: check the guide with annotations,
build the release, stage its flat assets with CHANGES.md, and tell the workflow where they are.

`python -m builder.release_action` reads the action's inputs from INPUT_* variables (as the
composite action passes them) and writes its outputs to $GITHUB_OUTPUT when that is set.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from builder.diagnostics import BuildError
from builder.release import stage_assets
from builder.release_notes import CHANGES

ASSETS = "release-assets"
TRUE = {"true", "yes", "1", "on"}


class ActionInputError(ValueError):
    """An action input that cannot be used."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """The action's inputs, as action.yml declares them."""

    sources: tuple[str, ...] = ()  # empty: the project file's sources, else source/
    output: str = "dist"
    formats: tuple[str, ...] = ()  # empty: every format
    paper: str = ""  # empty: the project file's, else a4
    strict: bool = True
    assets: str = ASSETS

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Inputs:
        """The INPUT_* variables (GitHub's own naming, upper case, dashes kept)."""
        def get(name: str, default: str = "") -> str:
            return environ.get(f"INPUT_{name.upper()}", default).strip()

        strict = get("strict", "true").lower()
        if strict not in TRUE | {"false", "no", "0", "off"}:
            raise ActionInputError(f"strict: {strict!r} is not true or false")
        paper = get("paper")
        if paper not in ("", "a4", "letter"):
            raise ActionInputError(f"paper: {paper!r} is not a4 or letter")
        return cls(sources=tuple(shlex.split(get("sources"))), output=get("output") or "dist",
                   formats=tuple(get("formats").replace(",", " ").split()), paper=paper,
                   strict=strict in TRUE, assets=get("assets") or ASSETS)

    def check_args(self) -> list[str]:
        return ["check", "--format", "github", *(["--strict"] if self.strict else []), *self.sources]

    def build_args(self) -> list[str]:
        args = ["build", "--release", "-o", self.output, "--no-progress"]
        args += [a for f in self.formats for a in ("-f", f)]
        args += ["--paper", self.paper] if self.paper else []
        args += ["--strict"] if self.strict else []
        return args + list(self.sources)


def cheatdeck(args: list[str], cwd: Path) -> int:
    """Run the CLI of this very installation; its output goes to the workflow's log."""
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, check=False).returncode


def run(inputs: Inputs, cwd: Path, environ: Mapping[str, str]) -> int:
    """Check (annotations), build the release, stage it; 0 when the assets are ready."""
    print("::group::cheatdeck check", flush=True)
    checked = cheatdeck(inputs.check_args(), cwd)
    print("::endgroup::", flush=True)
    if checked != 0:
        print(f"::error::cheatdeck check found problems in the guide (exit {checked}); "
              "see the annotations", flush=True)
        return checked
    built = cheatdeck(inputs.build_args(), cwd)
    if built != 0:
        return built
    assets = cwd / inputs.assets
    staged = stage_assets(cwd / inputs.output, assets)
    changes = assets / CHANGES
    outputs = {"assets": inputs.assets, "output": inputs.output,
               "changes": f"{inputs.assets}/{CHANGES}" if changes.is_file() else "",
               "files": str(len(staged))}
    target = environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.writelines(f"{key}={value}\n" for key, value in outputs.items())
    for key, value in outputs.items():
        print(f"{key}: {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m builder.release_action`: what the composite action's build step runs."""
    if argv:
        print("usage: INPUT_SOURCES=… INPUT_OUTPUT=… python -m builder.release_action", file=sys.stderr)
        return 2
    try:
        inputs = Inputs.read(os.environ)
    except ActionInputError as exc:
        print(f"::error::cheatdeck action input {exc}", flush=True)
        return 2
    try:
        return run(inputs, Path.cwd(), os.environ)
    except BuildError as exc:  # a release that cannot be staged: one clean line for the log
        print(f"::error::{exc}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
