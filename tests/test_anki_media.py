"""Deck media: stored when compressed already, prepared once and cached, shared by every package;
topic packages filter the whole guide's rows; the command line imports only what it uses."""

from __future__ import annotations

import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from anki_helpers import T0, collection, source_date_epoch
from builder.anki import media as media_module
from builder.anki.media import CACHE_FOLDER, MediaStore
from builder.config import BuildConfig
from builder.pipeline import build

GUIDE = Path(__file__).parent / "fixtures" / "anki" / "guide"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def _png(width: int, height: int, alpha: bool = False, seed: int = 1) -> bytes:
    """Noise (photo-like, compresses badly); with `alpha`, half of it transparent."""
    rng = random.Random(seed)
    mode = "RGBA" if alpha else "RGB"
    im = Image.frombytes(mode, (width, height), rng.randbytes(width * height * len(mode)))
    if alpha:
        im.putalpha(Image.new("L", (width, height), 0).point(lambda _: 0))
        im.paste(Image.new("RGBA", (width // 2, height), (200, 30, 30, 255)), (0, 0))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide with a wide transparent PNG, a photo-like PNG and an SVG, built once."""
    root = tmp_path_factory.mktemp("media")
    src = Path(shutil.copytree(GUIDE, root / "guide"))
    (src / "img" / "wide.png").write_bytes(_png(3000, 120, alpha=True))
    (src / "img" / "photo.png").write_bytes(_png(300, 200))
    (src / "img" / "diagram.svg").write_bytes(SVG)
    guide = src / "352-containers.md"
    guide.write_text(guide.read_text("utf-8").replace(
        "![namespaces](img/namespaces.png)",
        "![namespaces](img/namespaces.png)\n![wide](img/wide.png)\n![photo](img/photo.png)\n"
        "![diagram](img/diagram.svg)"), "utf-8")
    with source_date_epoch(T0), pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHEATDECK_CACHE_DIR", "")  # no machine cache: the output keeps its own
        build([str(src)], BuildConfig(output=root / "dist", formats=("anki",)))
    return root


def test_a_fresh_output_finds_the_images_the_machine_prepared_before(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a machine cache, a second output (a fresh clone's dist/, CI's) prepares nothing again."""
    machine = tmp_path / "machine"
    monkeypatch.setenv("CHEATDECK_CACHE_DIR", str(machine))
    with source_date_epoch(T0):
        build([str(built / "guide")], BuildConfig(output=tmp_path / "one", formats=("anki",)))
        assert len(list((machine / "media").iterdir())) == 3  # wide, photo, namespaces
        monkeypatch.setattr(media_module, "prepare", lambda *_: pytest.fail("prepared again"))
        build([str(built / "guide")], BuildConfig(output=tmp_path / "two", formats=("anki",)))
    assert not (tmp_path / "two" / CACHE_FOLDER).exists()
    for name in ("lpic-3-305.apkg", "lpic-3-305-352.apkg"):  # the same bytes as the output's own cache made
        for out in (tmp_path / "one", tmp_path / "two"):
            assert (out / "anki" / name).read_bytes() == (built / "dist" / "anki" / name).read_bytes()


def test_where_the_machine_cache_is() -> None:
    from builder.context import machine_cache

    assert machine_cache({"CHEATDECK_CACHE_DIR": "/srv/c", "HOME": "/h"}) == Path("/srv/c")
    assert machine_cache({"CHEATDECK_CACHE_DIR": "", "HOME": "/h"}) is None  # turned off
    assert machine_cache({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path("/x/cheatdeck")
    assert machine_cache({"XDG_CACHE_HOME": "relative", "HOME": "/h"}) == Path("/h/.cache/cheatdeck")
    assert machine_cache({"HOME": "/h"}) == Path("/h/.cache/cheatdeck")


def _media(apkg: Path) -> dict[str, zipfile.ZipInfo]:
    """Media file name -> its zip entry."""
    with zipfile.ZipFile(apkg) as zf:
        import json
        names = json.loads(zf.read("media"))
        return {name: zf.getinfo(number) for number, name in names.items()}


def _read(apkg: Path, info: zipfile.ZipInfo) -> bytes:
    with zipfile.ZipFile(apkg) as zf:
        return zf.read(info)


def test_compressed_media_are_stored_and_text_media_deflated(built: Path) -> None:
    apkg = built / "dist" / "anki" / "lpic-3-305.apkg"
    media = _media(apkg)
    kinds = {Path(name).suffix: info.compress_type for name, info in media.items()}
    assert kinds == {".png": zipfile.ZIP_STORED, ".jpg": zipfile.ZIP_STORED, ".svg": zipfile.ZIP_DEFLATED}
    with zipfile.ZipFile(apkg) as zf:
        assert zf.getinfo("collection.anki2").compress_type == zipfile.ZIP_DEFLATED


def test_a_wide_image_is_shrunk_to_1600_px_and_a_photo_becomes_a_jpeg(built: Path) -> None:
    apkg = built / "dist" / "anki" / "lpic-3-305.apkg"
    sizes = {}
    for name, info in _media(apkg).items():
        if not name.endswith(".svg"):
            with Image.open(io.BytesIO(_read(apkg, info))) as im:
                sizes[name] = (im.format, im.size)
    assert ("PNG", (1600, 64)) in sizes.values()  # 3000 x 120, transparent: still a PNG
    assert ("JPEG", (300, 200)) in sizes.values()  # opaque noise, 3 bytes a pixel as PNG
    assert all(name.startswith("cheatdeck-") for name in sizes)
    # the prepared images are in the build cache, by the source's content
    assert len(list((built / "dist" / CACHE_FOLDER).iterdir())) == 3  # wide, photo, namespaces


def test_the_same_media_bytes_are_in_the_whole_exam_and_the_topic_package(built: Path) -> None:
    whole, topic = built / "dist" / "anki" / "lpic-3-305.apkg", built / "dist" / "anki" / "lpic-3-305-352.apkg"
    ours, theirs = _media(whole), _media(topic)
    assert set(ours) == set(theirs) and len(ours) == 4
    for name in ours:
        assert _read(whole, ours[name]) == _read(topic, theirs[name])
        assert ours[name].CRC == theirs[name].CRC and ours[name].compress_size == theirs[name].compress_size


def test_a_cached_image_is_not_prepared_again(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = built / "guide" / "img" / "wide.png"
    first = MediaStore(cache=built / "dist" / CACHE_FOLDER).get(path)
    monkeypatch.setattr(media_module, "prepare", lambda *_: pytest.fail("prepared again"))
    again = MediaStore(cache=built / "dist" / CACHE_FOLDER).get(path)
    assert first is not None and again is not None and again.read() == first.read()
    assert again.name == first.name


def test_a_broken_cache_entry_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(_png(2000, 40, alpha=True))
    made = MediaStore(cache=tmp_path / "cache").get(path)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(b"not an image")
    again = MediaStore(cache=tmp_path / "cache").get(path)
    assert made is not None and again is not None and again.read() == made.read()


def test_a_linked_cache_entry_is_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(_png(2000, 40, alpha=True))
    made = MediaStore(cache=tmp_path / "cache").get(path)
    (entry,) = (tmp_path / "cache").iterdir()
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes(_png(100, 10, alpha=True, seed=2))
    entry.unlink()
    entry.symlink_to(elsewhere)
    again = MediaStore(cache=tmp_path / "cache").get(path)
    assert made is not None and again is not None and again.read() == made.read()


def test_a_huge_image_is_shipped_without_being_decoded(tmp_path: Path) -> None:
    """A PNG that announces 10,000 x 6,000 pixels: only its header is looked at."""
    path = tmp_path / "huge.png"
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    media = MediaStore().get(path)
    assert media is not None and media.read() == path.read_bytes()


def test_max_side_zero_ships_images_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(_png(2000, 40, alpha=True))
    media = MediaStore(max_side=0).get(path)
    assert media is not None and media.read() == path.read_bytes()


def test_images_prepared_in_the_background_are_those_made_on_demand(tmp_path: Path) -> None:
    """The deck starts preparing its images while it makes notes; a note waits for its own."""
    paths = []
    for i, (w, h, alpha) in enumerate([(300, 120, False), (90, 260, True), (40, 40, False)]):
        paths.append(tmp_path / f"{i}.png")
        paths[-1].write_bytes(_png(w, h, alpha=alpha, seed=i))
    with MediaStore(max_side=64) as store:
        store.start(paths + [tmp_path / "missing.png", paths[0]], workers=2)
        background = [store.get(p) for p in reversed(paths)][::-1]
        assert store.get(tmp_path / "missing.png") is None
    on_demand = [MediaStore(max_side=64).get(p) for p in paths]
    assert background == on_demand and all(m is not None for m in background)
    for media in background:
        assert media is not None and max(Image.open(io.BytesIO(media.read())).size) <= 64
        assert media.read() == next(m for m in on_demand if m == media).read()  # type: ignore[union-attr]


def test_closing_the_store_drops_images_not_started(tmp_path: Path) -> None:
    paths = []
    for i in range(10):
        paths.append(tmp_path / f"{i}.png")
        paths[-1].write_bytes(_png(700, 700, seed=i))
    store = MediaStore(max_side=64)
    store.start(paths, workers=1)
    store.close()  # a build that failed while making notes: no thread is left running
    assert store._pool is None
    done = [p for p in paths if store._pending[p].done() and not store._pending[p].cancelled()]
    assert len(done) < len(paths)  # some were never started (one worker, ten images)
    dropped = next(p for p in paths if store._pending[p].cancelled())
    assert store.get(dropped) == MediaStore(max_side=64).get(dropped)  # asked later: made then


def test_topic_packages_hold_the_whole_exam_rows_filtered(built: Path, tmp_path: Path) -> None:
    def rows(apkg: Path, name: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        db_path = tmp_path / f"{name}.anki2"
        with zipfile.ZipFile(apkg) as zf:
            db_path.write_bytes(zf.read("collection.anki2"))
        with sqlite3.connect(db_path) as db:
            return (db.execute("SELECT * FROM notes ORDER BY id").fetchall(),
                    db.execute("SELECT * FROM cards ORDER BY id").fetchall())

    folder = built / "dist" / "anki"
    notes, cards = rows(folder / "lpic-3-305.apkg", "whole")
    seen = 0
    for topic in ("352", "353"):
        topic_notes, topic_cards = rows(folder / f"lpic-3-305-{topic}.apkg", topic)
        ids = {n[0] for n in topic_notes}
        assert topic_notes and topic_notes == [n for n in notes if n[0] in ids]
        assert topic_cards == [c for c in cards if c[1] in ids]
        seen += len(topic_notes)
    assert seen == len(notes)


def test_anki_imports_a_package_with_stored_media(built: Path, tmp_path: Path) -> None:
    apkg = built / "dist" / "anki" / "lpic-3-305-352.apkg"
    with collection(tmp_path / "col", apkg) as col:
        files = set(os.listdir(col.media.dir()))
        assert set(_media(apkg)) <= files
        check = col.media.check()
        assert not check.missing and not check.unused
        jpeg = next(name for name in files if name.endswith(".jpg"))
        with Image.open(Path(col.media.dir()) / jpeg) as im:
            assert im.format == "JPEG" and im.size == (300, 200)


@pytest.mark.parametrize(("argv", "absent"), [
    (["--version"], ("weasyprint", "genanki", "jinja2", "markdown_it", "PIL", "builder.pipeline")),
    (["check", "GUIDE"], ("weasyprint", "genanki", "jinja2", "PIL", "builder.writers.anki")),
])
def test_the_command_line_imports_only_what_it_uses(argv: list[str], absent: tuple[str, ...]) -> None:
    argv = [str(GUIDE) if a == "GUIDE" else a for a in argv]
    code = ("import sys\nfrom builder.cli import main\nsys.argv = ['cheatdeck', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('\\nMODULES', ' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent)
    loaded = set(done.stdout.rsplit("MODULES", 1)[1].split())
    assert "builder.cli" in loaded and "click" in loaded
    assert not {m for m in loaded if m.split(".")[0] in absent or m in absent}
    if argv[0] == "check":
        assert "builder.commands.check" in loaded and "builder.commands.build" not in loaded
