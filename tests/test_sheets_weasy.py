"""WeasyPrint is imported without a compiler run, and loads the very libraries it loads alone."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from builder.sheets import weasy
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux loader only")

# Run in a fresh interpreter: which processes the import starts, which library files it maps.
PROBE = """
import json, sys
started = []
sys.addaudithook(lambda event, args: started.append(str(args[1][:1])) if event == "subprocess.Popen" else None)
{imports}
from weasyprint.text import ffi
maps = sorted({{line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps")
               if any(k in line for k in ("gobject", "pango", "harfbuzz", "fontconfig"))}})
print(json.dumps({{"started": started, "maps": maps, "subset": ffi.harfbuzz_subset is not None}}))
"""


def probe(imports: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(imports=imports)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.skipif(not weasy.loader_finds_libraries(), reason="the loader does not find the libraries")
def test_the_renderer_imports_weasyprint_without_running_a_process() -> None:
    ours = probe("import builder.sheets.pdf")
    alone = probe("import weasyprint")
    assert ours["started"] == []
    assert alone["started"]  # WeasyPrint alone runs ldconfig, gcc and ld (what this module saves)
    assert ours["maps"] == alone["maps"] and ours["subset"] == alone["subset"]
    assert any(name.startswith("libpango-1.0.so") for name in ours["maps"])  # type: ignore[union-attr]


def test_find_library_is_restored_even_when_the_import_fails() -> None:
    original = ctypes.util.find_library
    with pytest.raises(OSError), weasy.loader_only():
        assert ctypes.util.find_library("c") is None
        raise OSError("a library is missing")
    assert ctypes.util.find_library is original


def test_an_import_that_fails_under_the_loader_alone_is_done_as_it_is() -> None:
    """A WeasyPrint whose lists of names changed: the half import is forgotten, then redone."""
    script = """
import contextlib, sys
import builder.sheets.weasy as weasy
for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
    del sys.modules[name]
@contextlib.contextmanager
def failing():
    yield
    raise OSError("cannot load library 'libpango-1.0-0'")
weasy.loader_only = failing
weasy.import_weasyprint()
assert not any(m == "weasyprint" or m.startswith("weasyprint.") for m in sys.modules)
from weasyprint import HTML
print(len(HTML(string="<p>ok</p>").write_pdf()) > 0)
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True"



@pytest.mark.slow
def test_columns_are_laid_out_once_and_print_the_same(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """WeasyPrint's trials of the last run of auto-filled columns are skipped: sheets with
    page-wide tables (columns balanced above them), images, floats and several pages print the
    same PDFs byte for byte with far fewer layouts of a column."""
    import weasyprint.layout.block as block
    from pypdf import PdfReader

    from builder.config import BuildConfig
    from builder.pipeline import build
    from tests.conftest import FIXTURES

    if weasy.STOCK_COLUMNS is None:  # only a WeasyPrint whose columns_layout lacks the line is left as it is
        import inspect

        from weasyprint.layout import column
        assert inspect.getsource(column.columns_layout).count(weasy._TRIALS) != 1
        pytest.skip("this WeasyPrint's columns_layout is not the one lay_out_columns_once changes")
    assert block.columns_layout is not weasy.STOCK_COLUMNS
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    original, counted = block.block_box_layout, [0]

    def counting(context, box, *args, **kwargs):  # type: ignore[no-untyped-def]
        counted[0] += bool(getattr(box, "is_column", False))  # a trial or a layout for good
        return original(context, box, *args, **kwargs)

    monkeypatch.setattr(block, "block_box_layout", counting)
    long = tmp_path / "long" / "g.md"  # more columns than a page holds
    long.parent.mkdir()
    groups = "".join(f"# purpose {i}\ncmd{i} --flag value{i}\n\n" for i in range(150))
    long.write_text("# Topic 998: Long\n\n## 998.1 Long\n\n**Weight:** 3\n\n**Description:** Long.\n\n"
                    f"### Commands\n\n```sh\n{groups}```\n", "utf-8")
    guides = [str(FIXTURES / "sheets" / name) for name in ("wide-tables", "rich")] + [str(long.parent)]
    layouts, pdfs = {}, {}
    for way, columns in (("stock", weasy.STOCK_COLUMNS), ("once", block.columns_layout)):
        with monkeypatch.context() as patch:
            patch.setattr(block, "columns_layout", columns)
            start = counted[0]
            build(guides, BuildConfig(output=tmp_path / way, formats=("sheets",), options={"jobs": 1}))
        layouts[way] = counted[0] - start
        pdfs[way] = {p.name: p.read_bytes() for p in sorted((tmp_path / way / "sheets").glob("*.pdf"))}
    assert len(pdfs["once"]) == 7 and pdfs["once"].keys() == pdfs["stock"].keys()
    for name, data in pdfs["once"].items():
        assert data == pdfs["stock"][name], f"{name} differs"
    assert len(PdfReader(tmp_path / "once" / "sheets" / "998.1-long.pdf").pages) >= 2  # columns that do not fit
    assert 0 < layouts["once"] <= 0.6 * layouts["stock"], layouts
