"""The room's copy of Streamlit's static files (serving/static_assets.py): scripts and styles compressed once at level 9,
fonts left as they are, every file readable by nginx's unprivileged worker, built once and reused."""

import gzip
import stat

from serving import static_assets


def _source(tmp_path):
    source = tmp_path / "source"
    (source / "static" / "js").mkdir(parents=True)
    (source / "static" / "media").mkdir()
    (source / "static" / "js" / "main.abc123.js").write_text("function hello() { return 'hello'; }\n" * 500)
    (source / "static" / "media" / "font.abc123.woff2").write_bytes(b"\x00woff2" * 100)
    (source / "static" / "js").chmod(0o700)  # as a package folder may be: nginx's worker still reads the copy
    return source


def test_scripts_are_compressed_at_the_best_level_and_fonts_are_left_as_they_are(tmp_path):
    copy = static_assets.built(_source(tmp_path), tmp_path / "cache")
    script = copy / "static" / "js" / "main.abc123.js"
    packed = (copy / "static" / "js" / "main.abc123.js.gz").read_bytes()
    assert gzip.decompress(packed) == script.read_bytes()
    assert len(packed) == len(gzip.compress(script.read_bytes(), 9)), "level 9, not nginx's level 1 on every answer"
    assert not (copy / "static" / "media" / "font.abc123.woff2.gz").exists()
    for path in [copy, *copy.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o004, f"{path} is readable by nginx's worker"


def test_the_copy_is_built_once_per_streamlit_version_and_reused(tmp_path):
    source, cache = _source(tmp_path), tmp_path / "cache"
    first = static_assets.built(source, cache)
    (source / "static" / "js" / "main.abc123.js").write_text("changed")  # a rebuild would pick this up
    assert static_assets.built(source, cache) == first
    assert (first / "static" / "js" / "main.abc123.js").read_text() != "changed"
    assert [p.name for p in cache.iterdir()] == [first.name], "no half-built folder left behind"


def test_a_room_gets_the_copy_and_the_apps_components_compressed_in_its_own_folder(tmp_path):
    copy = static_assets.built(_source(tmp_path), tmp_path / "cache")
    components = tmp_path / "components"
    (components / "light_chart" / "frontend").mkdir(parents=True)
    (components / "light_chart" / "frontend" / "chart.js").write_text("draw();\n" * 200)
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    folder = static_assets.install(run / "static", copy, components)
    assert (folder / "static" / "js" / "main.abc123.js.gz").read_bytes() == (copy / "static" / "js" / "main.abc123.js.gz").read_bytes()
    bundle = folder / "component" / "ui.components.light_chart.light_chart" / "chart.js"
    assert gzip.decompress(bundle.with_name("chart.js.gz").read_bytes()) == bundle.read_bytes()
    assert stat.S_IMODE(run.stat().st_mode) & 0o001, "nginx's worker may pass through the run folder"


def test_the_icon_font_is_cut_to_the_names_given_and_still_draws_each_of_them(tmp_path):
    from fontTools.ttLib import TTFont

    from serving import icon_font

    original = next((static_assets.streamlit_static() / "static" / "media").glob("MaterialSymbols-*.woff2"))
    font = tmp_path / original.name
    font.write_bytes(original.read_bytes())
    names = frozenset({"how_to_vote", "tune", "expand_more", "access_time"})  # access_time: another name for the schedule icon
    icon_font.cut(font, names)
    assert icon_font.spelled(TTFont(font)) == names
    assert font.stat().st_size < original.stat().st_size / 20


def test_the_icons_named_are_the_apps_and_streamlits_own():
    from serving import icon_font

    names = icon_font.used([*icon_font.app_sources(), *(static_assets.streamlit_static() / "static" / "js").glob("*.js")])
    assert {"how_to_vote", "tune", "ballot"} <= names, "the menu's icons (app.py)"
    assert {"expand_more", "chevron_right"} <= names, "Streamlit's own interface"


def test_an_icon_font_that_cannot_be_cut_is_sent_whole(tmp_path, capsys):
    source = _source(tmp_path)
    (source / "static" / "media" / "MaterialSymbols-Rounded.abc123.woff2").write_bytes(b"not a font")
    copy = static_assets.built(source, tmp_path / "cache", frozenset({"tune"}))
    assert (copy / "static" / "media" / "MaterialSymbols-Rounded.abc123.woff2").read_bytes() == b"not a font"
    assert "is sent whole" in capsys.readouterr().err
