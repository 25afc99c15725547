"""Streamlit's static files for nginx to send itself, each script and style sheet compressed once at gzip's best level (issue 18).

Through the Streamlit processes, every first load made Python read 3 to 7 MB of files and nginx compress them at level 1 (its
CPU on every load). Compressed here once, at level 9, nginx sends the ready `.gz` beside each file (`gzip_static`): smaller
than level 1, no compression CPU per load, and no Python in the way. Streamlit's package folder is read-only package data,
so the compressed copy is built once per Streamlit version under var/static/ (a few seconds) and linked into each room's
run folder, readable by nginx's worker (which runs as an unprivileged user when nginx is started as root); a run folder
the worker cannot reach gets its copy in a fresh folder of the system's temporary folder instead. The copy's icon font is
cut to the icons the app uses (serving/icon_font.py), so the copy is keyed by those names too.
"""

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import streamlit

from serving import icon_font

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "static"
COMPONENTS = ROOT / "ui" / "components"  # each `name/frontend` is served by Streamlit at /component/ui.components.name.name/
COMPRESSED = frozenset({".js", ".css", ".json", ".svg", ".html", ".map", ".txt"})  # fonts and images are compressed already
LEVEL = 9
RECIPE = 2  # raise when the build below changes, so an older copy is not reused
ICON_FONTS = "static/media/MaterialSymbols-*.woff2"


def streamlit_static() -> Path:
    """The installed Streamlit's folder of static files (index.html and static/js, static/css, static/media)."""
    return Path(streamlit.__file__).parent / "static"


def _compress(folder: Path) -> None:
    """Write `name.gz` beside every compressible file of `folder`, readable by everyone (the files are public)."""
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
            continue
        path.chmod(0o644)
        if path.suffix in COMPRESSED:
            packed = path.with_name(path.name + ".gz")
            packed.write_bytes(gzip.compress(path.read_bytes(), LEVEL, mtime=0))
            packed.chmod(0o644)
    folder.chmod(0o755)


def built(source: Path | None = None, cache: Path = CACHE, icons: frozenset[str] | None = None) -> Path:
    """The compressed copy of `source` (default: Streamlit's static folder), its icon font cut to `icons` (default: the names
    in the app's code and Streamlit's JavaScript), built once per Streamlit version and set of icons, and reused.

    Built in a temporary folder and renamed into place, so rooms starting at once never see half a copy."""
    source = source or streamlit_static()
    if icons is None:
        icons = icon_font.used([*icon_font.app_sources(), *(source / "static" / "js").glob("*.js")])
    key = hashlib.sha256(" ".join(sorted(icons)).encode()).hexdigest()[:12]
    target = cache / f"streamlit-{streamlit.__version__}-{RECIPE}-{key}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    try:
        shutil.copytree(source, building / "copy")
        for font in (building / "copy").glob(ICON_FONTS):
            try:
                icon_font.cut(font, icons)
            except Exception as error:  # a font this fontTools cannot cut (another Streamlit's) is sent whole, never a room that fails to start
                sys.stderr.write(f"The icon font {font.name} is sent whole: it could not be cut ({error}).\n")
        _compress(building / "copy")
        try:
            (building / "copy").rename(target)
        except OSError:  # another room built it first
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for older in cache.glob("streamlit-*"):  # another version's or icon set's: rooms running keep their links
        if older != target:
            shutil.rmtree(older, ignore_errors=True)
    return target


def reachable(folder: Path) -> bool:
    """Whether nginx's worker can reach files in `folder`: nginx started as root serves files as an unprivileged user, who
    needs every folder above to be open to others (a run folder inside a private folder is not)."""
    return os.geteuid() != 0 or all(parent.stat().st_mode & 0o001 for parent in folder.resolve().parents)


def install(folder: Path, copy: Path | None = None, components: Path = COMPONENTS) -> Path:
    """Link the compressed copy (default: built()) into `folder` (a plain copy across file systems) and add the app's components' files,
    compressed too, for nginx's `root`; the folder above becomes traversable (not listable) by nginx's worker."""
    if folder.exists():
        shutil.rmtree(folder)  # a run folder kept from an earlier room (RUN_DIR) may hold another version's copy

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(copy or built(), folder, copy_function=link)
    for frontend in components.glob("*/frontend"):  # the repository's own: small, compressed on each start
        name = frontend.parent.name
        shutil.copytree(frontend, folder / "component" / f"ui.components.{name}.{name}")
    if (folder / "component").exists():
        _compress(folder / "component")
    folder.parent.chmod(folder.parent.stat().st_mode | 0o111)
    return folder
