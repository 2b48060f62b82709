"""The "peers" table of `make bench`: cheatdeck deck-only and ankdown on the upstream guide with its images.

The guide is ../shared/upstream/README.md (or --upstream). Its images are copied from beside it when
they are there (a checkout of the upstream repository), else made with Pillow at the real files'
pixel sizes and byte sizes (IMAGES). ankdown is installed in the bench's own venv (.venv-bench);
when it cannot be, its rows say why. Every run is a whole process; the median of --runs is kept.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT.parent / "shared" / "upstream" / "README.md"
PEER_VENV = ROOT / ".venv-bench"
ANKDOWN = "ankdown==0.7.1"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
FIRST = "cheatdeck -f anki, first build (no cache at all)"
COLD = "cheatdeck -f anki, fresh output (machine cache)"
AS_IS = "cheatdeck -f anki --image-max-side 0, fresh output"
# The local images the upstream guide shows: path as written, width, height and bytes of the real
# file (its repository, images/). Made at these sizes when the real ones are not beside the guide.
IMAGES = [
    ("images/lpic3-305-300.jpg", 557, 314, 119025), ("images/infrastructure-topic-351.png", 388, 726, 108091),
    ("images/virtualization-351.png", 1087, 425, 95800), ("images/xen-architecture.png", 690, 510, 227359),
    ("images/xen-architecture2.png", 677, 485, 261776), ("images/xen-panda.png", 191, 204, 43602),
    ("images/xen-networking2.png", 2052, 1024, 88579), ("images/xen-networking1.png", 1687, 1287, 257934),
    ("/images/xen-kvm-qemu.png", 668, 308, 148431), ("images/libvirt.png", 1926, 1083, 169802),
    ("images/libvirt-default-network.jpg", 702, 513, 77903),
    ("images/virtual-machine-disk.png", 1536, 1024, 1717113),
    ("images/virtualization-container.png", 1536, 1024, 1777747),
    ("images/containers1.png", 1024, 1024, 1193590), ("images/chroot.png", 1275, 895, 136713),
    ("images/linux-namespaces2.png", 1024, 1024, 1454385), ("images/linux-namespaces.png", 1024, 1024, 1527606),
    ("images/cgroups1.png", 1237, 1009, 80085), ("images/docker.png", 891, 469, 252645),
    ("images/docker-containerd.png", 931, 658, 277119), ("images/docker-images.png", 809, 664, 183303),
    ("images/docker-image-layers-01.png", 2649, 312, 213171),
    ("images/docker-image-layers-02.png", 2736, 270, 93963),
    ("images/docker-image-layers-03.png", 2520, 423, 350603),
    ("images/docker-image-layers-04.png", 2673, 366, 128778), ("images/docker-image-cow.png", 976, 295, 67488),
    ("images/docker-shim.png", 1097, 684, 139086), ("images/swarm-nodes.png", 1638, 615, 538061),
    ("images/swarm-services.png", 1811, 1504, 900857), ("images/k8s-components.png", 1818, 1164, 82354),
    ("/images/openstack-landscape.png", 2410, 1358, 223792),
]


# -- the guide and its images -------------------------------------------------------------------

def guide_with_images(readme: Path, target: Path) -> str:
    """README.md and its images in `target` (a git top folder, for root-relative images);
    returns where the images came from."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(readme, target / "README.md")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(target)], check=True)
    else:
        (target / ".git").mkdir(exist_ok=True)
    real = 0
    for ref, width, height, size in IMAGES:
        path = target / ref.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        source = readme.parent / ref.lstrip("/")
        if source.is_file():
            shutil.copyfile(source, path)
            real += 1
        else:
            path.write_bytes(make_image(width, height, size, ref))
    return f"{real} real, {len(IMAGES) - real} made at the real sizes"


def make_image(width: int, height: int, size: int, seed: str) -> bytes:
    """A PNG or JPEG of these pixels whose file is about `size` bytes: noise rows (which do not
    compress) over a flat background, as many as the size needs."""
    from PIL import Image

    rng = random.Random(seed)
    im = Image.new("RGB", (width, height), (236, 240, 244))
    jpeg = seed.endswith(".jpg")
    rows = min(height, max(1, round(size / (width * (1.2 if jpeg else 3.0)))))
    noise = Image.frombytes("RGB", (width, rows), rng.randbytes(width * rows * 3))
    im.paste(noise, (0, (height - rows) // 2))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90) if jpeg else im.save(out, "PNG")
    return out.getvalue()


_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_SHOWN = {ref for ref, *_ in IMAGES}


def _local_image(m: re.Match[str]) -> str:
    """ankdown stops at an image it cannot copy: remote and missing ones are left out, as
    cheatdeck leaves them out; root-relative ones become relative."""
    return f"![{m.group(1)}]({m.group(2).lstrip('/')})" if m.group(2) in _SHOWN else ""


def ankdown_guide(text: str) -> str:
    """The guide hand-adapted the way ankdown reads cards: one card per heading, its title on
    the front and its section on the back (`%` between the sides, `---` between cards)."""
    cards, title, body = [], None, []
    for line in text.splitlines():
        heading = re.match(r"#{2,6}\s+(.*)", line)
        if heading:
            if title and any(b.strip() for b in body):
                cards.append(f"{title}\n\n%\n\n" + "\n".join(body).strip() + "\n")
            title, body = heading.group(1).strip(), []
        elif line.strip() not in ("---", "%"):  # ankdown's own separators
            body.append(_IMAGE.sub(_local_image, line))
    if title and any(b.strip() for b in body):
        cards.append(f"{title}\n\n%\n\n" + "\n".join(body).strip() + "\n")
    return "\n---\n\n".join(cards)


# -- the tools ----------------------------------------------------------------------------------

def ankdown_command() -> tuple[list[str] | None, str]:
    """ankdown in the bench's venv (installed on first use), or None and why not."""
    exe = PEER_VENV / "bin" / "ankdown"
    if not exe.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], capture_output=True, text=True)
        pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", ANKDOWN]
        done = made if made.returncode else subprocess.run(pip, capture_output=True, text=True)
        if done.returncode or not exe.exists():
            reason = (done.stderr.strip().splitlines() or ["no ankdown script"])[-1]
            return None, f"ankdown could not be installed: {reason}"
    return [str(exe)], ANKDOWN


def timed(command: list[str], cwd: Path, before=None, env=None) -> float:  # type: ignore[no-untyped-def]
    """Whole-process wall time of one run (after `before()`, which is not timed)."""
    if before:
        before()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **EPOCH, **(env or {})})
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def cards_in(apkg: Path) -> int:
    with zipfile.ZipFile(apkg) as zf:
        data = zf.read("collection.anki2")
    tmp = apkg.with_suffix(".anki2")
    tmp.write_bytes(data)
    try:
        with sqlite3.connect(tmp) as db:
            return int(db.execute("SELECT count() FROM cards").fetchone()[0])
    finally:
        tmp.unlink()


# -- the table ----------------------------------------------------------------------------------

def run_peers(work: Path, readme: Path, runs: int) -> dict[str, object]:
    """Each tool `runs` times in one run of the bench; the median wall time, cards and bytes."""
    if not readme.is_file():
        return {"skipped": f"{readme} is not there"}
    guide = work / "upstream"
    images = guide_with_images(readme, guide)
    cheatdeck = [str(Path(sys.executable).parent / "cheatdeck"), "-q", "build", "README.md", "-f", "anki"]

    def ours(out: Path, *extra: str) -> list[str]:
        return [*cheatdeck, "-o", str(out), "--ledger", str(out / "cheatdeck.lock"), *extra]

    def fresh(*folders: Path):  # type: ignore[no-untyped-def]
        return lambda: [shutil.rmtree(f, ignore_errors=True) for f in folders]

    # The machine cache (prepared images, kept across outputs) is the bench's own: "first build"
    # empties it before each run, "fresh output" keeps the one a build before this table filled.
    first, cold, as_is = work / "peers-first", work / "peers-cold", work / "peers-as-is"
    empty, machine = {"CHEATDECK_CACHE_DIR": str(work / "cache-first")}, {"CHEATDECK_CACHE_DIR": str(work / "cache")}
    tools: dict[str, tuple[list[str], object, Path, dict[str, str]]] = {
        FIRST: (ours(first), fresh(first, work / "cache-first"), first / "anki", empty),
        COLD: (ours(cold), fresh(cold), cold / "anki", machine),
        AS_IS: (ours(as_is, "--image-max-side", "0"), fresh(as_is), as_is / "anki", machine),
    }
    subprocess.run(ours(cold), cwd=guide, capture_output=True, env={**os.environ, **EPOCH, **machine})
    command, note = ankdown_command()
    rows: dict[str, dict[str, object]] = {}
    if command is None:
        rows["ankdown"] = {"skipped": note}
    else:
        deck = work / "ankdown"
        deck.mkdir()
        (deck / "guide.md").write_text(ankdown_guide(readme.read_text("utf-8")), "utf-8")
        shutil.copytree(guide / "images", deck / "images")
        tools[f"ankdown ({note})"] = ([*command, "-r", str(deck), "-p", str(work / "ankdown.apkg")], None,
                                      work, {})
    times: dict[str, list[float]] = {label: [] for label in tools}
    for _ in range(runs):  # interleaved, so a moment of load on the machine hits every tool alike
        for label, (argv, before, _, env) in tools.items():
            times[label].append(timed(argv, guide, before, env))
    for label, (_, _, folder, _) in tools.items():
        packages = sorted(folder.glob("*.apkg"))
        whole = min(packages, key=lambda p: len(p.name))
        rows[label] = {"seconds": statistics.median(times[label]), "cards": cards_in(whole),
                       "bytes": sum(p.stat().st_size for p in packages), "packages": len(packages)}
    return {"images": images, "runs": runs, "rows": rows}


def peers_table(peers: dict[str, object]) -> list[str]:
    if "skipped" in peers:
        return [f"peers: skipped ({peers['skipped']})"]
    lines = [f"peers: the upstream guide with its images ({peers['images']}), median of {peers['runs']}",
             f"{'tool':<52}{'cards':>7}{'wall s':>9}{'ms/card':>9}{'MB':>7}"]
    for label, row in peers["rows"].items():  # type: ignore[attr-defined]
        if "skipped" in row:
            lines.append(f"{label:<52}  skipped: {row['skipped']}")
            continue
        lines.append(f"{label:<52}{row['cards']:>7}{row['seconds']:>9.2f}"
                     f"{1000 * row['seconds'] / row['cards']:>9.2f}{row['bytes'] / 1e6:>7.1f}")
    return lines


def peer_verdicts(peers: dict[str, object]) -> list[tuple[str, str, bool]]:
    """The issue's targets on the peers table."""
    rows = peers.get("rows", {})
    ours = rows.get(COLD)  # type: ignore[union-attr]
    if not ours:
        return []
    first = rows.get(FIRST)  # type: ignore[union-attr]
    out = [("upstream deck-only with images, fresh output", f"{ours['seconds']:.2f} s (target <= 1.0)",
            ours["seconds"] <= 1.0),
           ("upstream deck-only, first build (no cache)", f"{first['seconds']:.2f} s (target <= 1.0)",
            first["seconds"] <= 1.0)]
    peer = next((r for label, r in rows.items() if label.startswith("ankdown") and "skipped" not in r), None)
    if peer:
        for label, row in (("fresh output", ours), ("first build", first)):
            ratio = row["seconds"] / row["cards"] / (peer["seconds"] / peer["cards"])
            out.append((f"cheatdeck per card / ankdown per card, {label}", f"{ratio:.2f} (target <= 0.8)",
                        ratio <= 0.8))
    as_is = rows.get(AS_IS)  # type: ignore[union-attr]
    share = ours["bytes"] / as_is["bytes"]
    out.append(("package bytes, images prepared / as they are", f"{share:.2f} (target <= 0.6)", share <= 0.6))
    return out
