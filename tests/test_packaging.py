"""A non-editable install carries its templates and schema: build the wheel and use it elsewhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(ROOT)], check=True)
    (path,) = out.glob("cheatdeck-*.whl")
    return path


def test_wheel_holds_every_template_and_the_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "builder/schema/notes.schema.json" in names
    shipped = [p for p in (ROOT / "templates").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for template in shipped:
        assert "builder/templates/" + template.relative_to(ROOT / "templates").as_posix() in names
    assert any(n.endswith("entry_points.txt") for n in names)
    for catalogue in (ROOT / "builder" / "locale").rglob("*.po*"):  # read as they are: no .mo
        assert "builder/" + catalogue.relative_to(ROOT / "builder").as_posix() in names
    assert "builder/locale/pt_BR/LC_MESSAGES/cheatdeck.po" in names


def test_installed_wheel_runs_from_anywhere(wheel, tmp_path, fixtures):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from builder.resources import templates_dir, schema_path; from builder import i18n; "
            "print(templates_dir()); print(schema_path().is_file()); "
            "print(i18n.translations('pt-BR').gettext('Which command line does this?'))")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout.split("\n")
    assert Path(out[0]).resolve().is_relative_to(site.resolve())
    assert out[1] == "True"
    assert out[2] == "Qual linha de comando faz isso?"
    built = subprocess.run([sys.executable, "-m", "builder", "build", "-o", str(tmp_path / "dist"),
                            "--ledger", str(tmp_path / "cheatdeck.lock"),
                            str(fixtures / "reader" / "clean.md")],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "dist" / "notes.json").is_file()
    assert (tmp_path / "dist" / "anki" / "fixture-exam-910.apkg").is_file()
    assert (tmp_path / "dist" / "sheets" / "910.1-clean-objective.pdf").is_file()
