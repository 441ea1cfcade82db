"""rewrite-assets on hand-built Flats: what is found, how it is replaced, what is reported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from asset_flat import codes, make_flat, png, run, svg

from manimflat.passes.inline_data_files import InlineDataFiles
from manimflat.passes.rewrite_assets import RewriteAssets


def rewrite(tmp_path: Path, source: str, **kwargs: object) -> tuple[str, object]:
    flat = make_flat(tmp_path, source, **kwargs)  # type: ignore[arg-type]
    out = run(flat, RewriteAssets())
    ast.parse(out)
    return out, flat


def test_svg_literal_keeps_default_height_and_aspect(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        from manim import *
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("icons/factory.svg").scale(0.5))
        """, files={"icons/factory.svg": svg(120, 80)})
    assert "factory_icon(width=3, height=2).scale(0.5)" in out
    assert out.index("def factory_icon(") < out.index("class S(")
    assert "SVGMobject" not in out
    assert codes(flat) == ["MF301"]
    record = flat.assets[0]  # type: ignore[attr-defined]
    assert (record.path, record.kind, record.action) == ("icons/factory.svg", "icon", "replaced")


def test_svg_width_wins_over_height(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("car.svg", width=4, height=3))
        """, files={"car.svg": svg(100, 50)})
    assert "car_icon(width=4, height=2)" in out


def test_image_default_height_follows_pixels_and_frame(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                img = ImageMobject("dog")
                img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
                print(img.pixel_array.shape)
                self.add(img)
        """, files={"photos/dog.jpg": png(540, 270)})
    # Found by name (extension added, in a sub-folder), sized like ImageMobject would be.
    assert "width=config.frame_height * 540 / 1080, height=config.frame_height * 270 / 1080" in out
    assert "set_resampling_algorithm" not in out
    assert "np.zeros((270, 540, 4), dtype=np.uint8).shape" in out
    assert "import numpy as np" in flat.header  # type: ignore[attr-defined]
    assert codes(flat).count("MF307") == 2


def test_scale_to_resolution_is_honoured(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(ImageMobject("logo_acme.png", scale_to_resolution=540))
        """, files={"logo_acme.png": png(100, 100)})
    assert "logo_badge(width=config.frame_height * 100 / 540" in out
    assert 'label="Ac"' in out


def test_math_symbol_gets_raw_latex(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("symbols/leq.svg"))
        """, files={"symbols/leq.svg": svg(50, 50)})
    assert r'label=r"\leq"' in out
    assert "def math_symbol(width, height, label):" in out


def test_loop_over_literal_list_dispatches_per_value(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                for name in ["car", "cloud"]:
                    self.add(SVGMobject(f"icons/{name}.svg", height=1))
        """, files={"icons/car.svg": svg(100, 50), "icons/cloud.svg": svg(100, 100)})
    assert ('{"car": lambda: car_icon(width=2, height=1), '
            '"cloud": lambda: cloud_icon(width=1, height=1)}[name]()') in out
    assert [a.path for a in flat.assets] == ["icons/car.svg", "icons/cloud.svg"]  # type: ignore


def test_file_relative_constant_from_another_piece(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        import os
        ICONS = os.path.join(os.path.dirname(__file__), "assets")
        class S(Scene):
            def construct(self):
                self.add(SVGMobject(os.path.join(ICONS, "server.svg")))
        """, module="scenes/main.py", files={"scenes/assets/server.svg": svg(60, 80)})
    assert "server_icon(width=1.5, height=2)" in out
    assert "ICONS" not in out  # the constant only built the path: dropped with it
    assert flat.assets[0].path == "scenes/assets/server.svg"  # type: ignore[attr-defined]


def test_manim_cfg_assets_dir(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject(f"{config.assets_dir}/house.svg"))
                self.add(SVGMobject("globe"))
        """, files={"manim.cfg": "[CLI]\nassets_dir = media/assets\n",
                    "media/assets/house.svg": svg(10, 10), "media/assets/globe.svg": svg(10, 10)})
    assert "house_icon(width=2, height=2)" in out and "globe_icon(" in out
    assert codes(flat) == ["MF301", "MF301"]


def test_missing_file_is_replaced_from_its_name(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("lightbulb.svg", height=1.5))
        """)
    assert "lightbulb_icon(width=1.5, height=1.5)" in out
    assert codes(flat) == ["MF302"]
    assert flat.assets[0].action == "missing"  # type: ignore[attr-defined]


def test_path_leaving_the_repo_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_text(svg(300, 100), encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    out, flat = rewrite(repo, f"""
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("../outside.svg"))
                self.add(SVGMobject("{outside}"))
        """)
    assert codes(flat) == ["MF308", "MF308"]
    assert "width=2, height=2" in out  # the outside file's 3:1 aspect was never read


def test_unresolved_path_is_replaced_and_reported(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        def icon(path):
            return SVGMobject(path)
        """)
    assert "SVGMobject" not in out
    assert codes(flat) == ["MF303"]


def test_pixel_arrays_are_not_assets(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        import numpy as np
        class S(Scene):
            def construct(self):
                pixels = np.zeros((4, 4, 3), dtype=np.uint8)
                self.add(ImageMobject(pixels), ImageMobject(np.ones((2, 2))))
        """)
    assert out.count("ImageMobject(") == 2 and flat.diagnostics == []  # type: ignore


def test_pil_open_becomes_blank_image_of_same_size(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        from PIL import Image
        class S(Scene):
            def construct(self):
                self.add(ImageMobject(np.asarray(Image.open("assets/photo.png"))))
        """, files={"assets/photo.png": png(64, 32, (10, 20, 200))})
    assert 'Image.new("RGB", (64, 32), "#0a14c8")' in out
    assert codes(flat) == ["MF301"]


def test_sound_statement_dropped_and_empty_block_kept_valid(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                if True:
                    self.add_sound("ping.wav", gain=-3)
                self.wait()
        """, files={"ping.wav": b"RIFF"})
    assert "add_sound" not in out and "if True:\n            pass" in out
    assert codes(flat) == ["MF306"]
    assert flat.assets[0].action == "dropped"  # type: ignore[attr-defined]


def test_register_font_block_is_unwrapped_and_font_keyword_dropped(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                with register_font("fonts/Acme-Regular.ttf"):
                    t = Text("hi", font="Acme")
                self.add(t)
        """, files={"fonts/Acme-Regular.ttf": b"\0"})
    assert "register_font" not in out and 'Text("hi")' in out
    assert "        t = Text" in out  # dedented into construct's body
    assert codes(flat) == ["MF311", "MF311"]


def test_keep_policy_points_at_copied_files(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("icons/car.svg"), SVGMobject("gone.svg"))
        """, files={"icons/car.svg": svg(10, 10)}, assets="keep")
    assert 'SVGMobject("assets/icons/car.svg")' in out
    assert flat.files == {"assets/icons/car.svg": str(tmp_path / "icons/car.svg")}  # type: ignore
    assert "SVGMobject(\"gone.svg\")" not in out  # a missing file cannot be kept: replaced
    assert codes(flat) == ["MF309", "MF302"]


def test_reject_policy_reports_and_changes_nothing(tmp_path: Path) -> None:
    source = """
        class S(Scene):
            def construct(self):
                self.add(SVGMobject("icons/car.svg"))
        """
    out, flat = rewrite(tmp_path, source, files={"icons/car.svg": svg(10, 10)}, assets="reject")
    assert 'SVGMobject("icons/car.svg")' in out
    assert codes(flat) == ["MF304"] and not flat.ok  # type: ignore[attr-defined]


def test_builder_name_taken_by_the_scene_is_renamed(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        def car_icon():
            return Square()
        class S(Scene):
            def construct(self):
                self.add(car_icon(), SVGMobject("car.svg"))
        """, files={"car.svg": svg(10, 10)})
    assert "def car_icon_asset(width, height):" in out
    assert "self.add(car_icon(), car_icon_asset(width=2, height=2))" in out


@pytest.mark.parametrize("stem,kind,builder", [
    ("factory", "icon", "factory_icon"), ("my_house", "icon", "house_icon"),
    ("laptop", "icon", "computer_icon"), ("iphone", "icon", "phone_icon"),
    ("report_pdf", "icon", "document_icon"), ("textbook", "icon", "book_icon"),
    ("cloud", "icon", "cloud_icon"), ("server", "icon", "server_icon"),
    ("database", "icon", "database_icon"), ("idea_bulb", "icon", "lightbulb_icon"),
    ("clock", "icon", "clock_icon"), ("globe", "icon", "globe_icon"),
    ("gold_star", "icon", "star_icon"), ("heart", "icon", "heart_icon"),
    ("tree", "icon", "tree_icon"), ("gear", "icon", "gear_icon"),
    ("email", "icon", "envelope_icon"), ("padlock", "icon", "lock_icon"),
    ("thought", "icon", "thought_bubble"), ("camera", "icon", "camera_icon"),
    ("bee", "icon", "bug_icon"), ("teacher", "character", "stick_figure"),
    ("patreon_logo", "logo", "logo_badge"), ("integral", "math", "math_symbol"),
    ("zoom_in", "unknown", "labelled_box"), ("bg_space", "background", "background_fill"),
])
def test_classification_by_name(stem: str, kind: str, builder: str) -> None:
    from manimflat.assets.classify import classify

    result = classify(f"assets/{stem}.svg", None)
    assert (result.kind, result.builder) == (kind, builder)


def test_loop_over_range_with_arithmetic(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                kids = [SVGMobject(f"kids/{i + 1}.svg") for i in range(2)]
        """, files={"kids/1.svg": svg(10, 20), "kids/2.svg": svg(20, 10)})
    assert "}[i]()" in out and "width=1, height=2" in out and "width=4, height=2" in out
    assert [a.path for a in flat.assets] == ["kids/1.svg", "kids/2.svg"]  # type: ignore


def test_svg_subclass_is_rebased_onto_its_replacement(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class Bulb(SVGMobject):
            def __init__(self, **kwargs):
                super().__init__("bulb.svg", height=3, **kwargs)
                self.set_color(YELLOW)
        """, files={"bulb.svg": svg(20, 10)})
    assert "class Bulb(VGroup):" in out
    assert "super().__init__(lightbulb_icon(width=6, height=3))" in out
    assert "self.set_color(YELLOW)" in out
    assert codes(flat) == ["MF301", "MF315"]
    assert "**kwargs no longer passed on" in flat.diagnostics[1].message  # type: ignore
    assert flat.assets[0].action == "replaced"  # type: ignore[attr-defined]


def test_image_subclass_is_classified_by_its_class_and_docstring(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class Julia(ImageMobject):
            \"\"\" A character `ImageMobject` \"\"\"

            def __init__(self):
                super().__init__("./assets/julia.png")
                self.scale(0.8)
        """, files={"assets/julia.png": png(300, 600)})
    assert "class Julia(VGroup):" in out
    assert ("super().__init__(stick_figure(width=config.frame_height * 300 / 1080, "
            "height=config.frame_height * 600 / 1080))") in out
    assert "julia.png" not in out
    assert "in the code around it" in flat.diagnostics[0].message  # type: ignore


def test_explicit_base_init_and_class_attribute_path(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class Cloud(SVGMobject):
            file_name = "shapes/cloud.svg"

            def __init__(self, **kwargs):
                SVGMobject.__init__(self, self.file_name, **kwargs)
        """, files={"shapes/cloud.svg": svg(10, 10)})
    assert "class Cloud(VGroup):" in out
    assert "VGroup.__init__(self, cloud_icon(width=2, height=2))" in out
    assert 'file_name = "cloud"' in out


def test_subclass_path_through_a_keyword_parameter(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class Icon(SVGMobject):
            def __init__(self, file_name="icons/gear.svg", **kwargs):
                super().__init__(file_name=file_name, **kwargs)
        class S(Scene):
            def construct(self):
                self.add(Icon(), Icon("icons/car.svg"))
        """, files={"icons/gear.svg": svg(10, 10), "icons/car.svg": svg(20, 10)})
    assert 'def __init__(self, file_name="gear", **kwargs):' in out
    assert 'Icon(), Icon("car")' in out
    assert ('super().__init__({"gear": lambda: gear_icon(width=2, height=2), '
            '"car": lambda: car_icon(width=4, height=2)}[file_name]())') in out


def test_function_parameter_takes_its_callers_values(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        def create_logo(scale=1.0, logo_path="../assets/website_logo.svg"):
            try:
                return SVGMobject(logo_path).scale(scale)
            except Exception as e:
                print(f"Could not load {logo_path}: {e}")
        def Sticker(size, img):
            return ImageMobject(img).scale(size)
        class S(Scene):
            def construct(self):
                self.add(create_logo(scale=0.2), Sticker(0.8, "./assets/010.png"),
                         Sticker(1, "./assets/011.png"))
        """, files={"assets/website_logo.svg": svg(30, 10), "assets/010.png": png(10, 10),
                    "assets/011.png": png(20, 10)}, module="videos/scene.py")
    assert 'logo_path="website_logo"' in out
    assert "logo_badge(width=6, height=2" in out
    assert 'Sticker(0.8, "010")' in out and 'Sticker(1, "011")' in out
    assert '"010": lambda:' in out and "}[img]()" in out
    assert ".png" not in out and ".svg" not in out
    assert "MF303" not in codes(flat)


def test_parameter_passed_something_unknown_stays_unresolved(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        def sticker(img):
            return ImageMobject(img)
        class S(Scene):
            def construct(self):
                for name in os.listdir("x"):
                    self.add(sticker(name), sticker("cat.png"))
        """, files={"cat.png": png(10, 10)})
    assert "MF303" in codes(flat)
    assert 'sticker("cat")' in out  # the one known name is still neutralised


def test_image_replacement_carries_pixels_when_code_reads_them(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        def patches(image):
            return image.pixel_array[:2]
        class S(Scene):
            def construct(self):
                patches(ImageMobject("cat.png"))
        """, files={"cat.png": png(30, 20)})
    assert ".set(pixel_array=np.zeros((20, 30, 4), dtype=np.uint8)))" in out


def test_dropped_image_method_keeps_the_parentheses_of_a_split_chain(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class S(Scene):
            def construct(self):
                img = (
                    ImageMobject("images/digit.png")
                    .scale(6)
                    .set_resampling_algorithm(RESAMPLING_ALGORITHMS["none"])
                )
                self.add(img)
        """, files={"images/digit.png": png(28, 28, (0, 0, 0))})
    assert "set_resampling_algorithm" not in out and ".scale(6)\n" in out
    assert codes(flat) == ["MF301", "MF307"]
def test_existence_check_of_a_repo_file_takes_the_repos_answer(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        from pathlib import Path
        ROOT = Path(__file__).resolve().parent
        BALL = ROOT / "image" / "ball.png"
        GONE = ROOT / "image" / "gone.png"
        def ball(width=1):
            path = Path(BALL)
            if not path.exists():
                return Circle(radius=width / 2)
            image = ImageMobject(str(path))
            image.set_width(width)
            return image
        def other():
            return ImageMobject(GONE) if os.path.isfile(GONE) else Square()
        """, files={"image/ball.png": png(20, 20)})
    assert "exists" not in out and "isfile" not in out
    assert "if not" not in out and "return Circle" not in out
    assert "path = " not in out and "__file__" not in out and "ROOT" not in out
    assert "return Square()" in out
    assert codes(flat).count("MF316") == 2


def test_sound_existence_is_false_and_the_rest_of_the_function_goes(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        import wave
        from pathlib import Path
        SCENE_DIR = Path(__file__).resolve().parent
        VOICE = SCENE_DIR / "assets" / "voice"
        class S(Scene):
            def start(self, scene_id):
                audio_path = VOICE / f"{scene_id}.wav"
                start = self.time
                if not audio_path.exists():
                    return start, None
                self.add_sound(str(audio_path))
                with wave.open(str(audio_path), "rb") as audio:
                    return start, audio.getnframes()
        """, files={"assets/voice/a.wav": b"RIFF"})
    assert "return start, None" in out
    assert "wave.open" not in out and "audio_path" not in out
    assert "__file__" not in out and "VOICE" not in out
    assert "MF316" in codes(flat)


def test_unused_file_derived_constants_and_their_prints_go(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        from pathlib import Path
        ROOT_DIR = Path(__file__).parents[2]
        _root = Path(__file__).absolute().parents[2]
        print(f"Tests root path: {_root}")
        KEEP = Path(__file__).parent
        class S(Scene):
            def construct(self):
                self.add(Text(str(KEEP)))
        """)
    assert "ROOT_DIR" not in out and "_root" not in out and "print" not in out
    assert "KEEP = Path(__file__).parent" in out
    # the last pass that rewrites paths (inline-data-files) says what is still used
    assert [d.code for d in flat.diagnostics] == []  # type: ignore[attr-defined]
    run(flat, InlineDataFiles())
    assert [d.code for d in flat.diagnostics] == ["MF317"]  # type: ignore[attr-defined]


def test_existence_of_an_unknown_non_asset_path_is_left(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        def f(p):
            return os.path.exists(p)
        """)
    assert "os.path.exists(p)" in out and codes(flat) == []


def test_media_names_left_in_lists_and_callers_become_plain_names(tmp_path: Path) -> None:
    out, flat = rewrite(tmp_path, """
        class Tree(VGroup):
            def __init__(self, paths):
                super().__init__(*[ImageMobject(p) for p in paths])
        class S(Scene):
            def construct(self):
                self.add(Tree(["flowers/setosa.jpeg", "flowers/virginica.jpeg"]))
                self.add(Text("setosa.jpeg"))
                frames = plt.imread("frame.png")
        """)
    assert 'Tree(["setosa", "virginica"])' in out
    assert 'Text("setosa.jpeg")' in out  # a label, not a reference
    assert 'plt.imread("frame.png")' in out
    errors = [d for d in flat.diagnostics if d.code == "MF317"]  # type: ignore[attr-defined]
    assert [d.severity.value for d in errors] == ["error"] and errors[0].line > 6


def test_same_constant_name_in_two_modules_is_judged_per_module(tmp_path: Path) -> None:
    """`ASSETS` of badges.py only built an SVG path: it goes once the SVG is replaced, though
    notes.py's own `ASSETS` (a folder it still prints in a Text) stays and is MF317."""
    import manimflat

    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "star.svg").write_text(svg(100, 100), encoding="utf-8")
    (tmp_path / "badges.py").write_text(
        "from pathlib import Path\nfrom manim import *\n"
        "ASSETS = Path(__file__).parent / 'icons'\n"
        "def badge():\n    return SVGMobject(str(ASSETS / 'star.svg'))\n", encoding="utf-8")
    (tmp_path / "notes.py").write_text(
        "from pathlib import Path\n"
        "ASSETS = Path(__file__).parent / 'notes'\n"
        "def where():\n    return str(ASSETS)\n", encoding="utf-8")
    (tmp_path / "scene.py").write_text(
        "from manim import *\nfrom badges import badge\nfrom notes import where\n"
        "class S(Scene):\n    def construct(self):\n"
        "        self.add(badge(), Text(where()))\n", encoding="utf-8")
    result = manimflat.flatten(tmp_path, "scene.py:S", root=str(tmp_path))
    stale = [d for d in result.diagnostics if d.code == "MF317"]
    assert [d.path for d in stale] == ["notes.py"], [d.to_json() for d in stale]
    assert result.code is not None and result.code.count("Path(__file__)") == 1


def test_an_unresolved_path_name_keeps_its_letters_in_the_label(tmp_path: Path) -> None:
    # A wrapper whose path is its parameter: the name is all the label has to say, and only
    # a string literal's prefix and quotes are not part of it (`f` and `r` are letters here).
    out, flat = rewrite(tmp_path, """
        from manim import *
        class Picture:
            def __new__(cls, filename_or_buffer, **kwargs):
                return ImageMobject(filename_or_buffer, **kwargs)
        class S(Scene):
            def construct(self):
                self.add(ImageMobject(f"{name}_zorb.png"))
        """)
    assert 'label="filename or buffer"' in out
    assert 'label="name zorb"' in out


def test_local_list_of_folder_fstrings_dispatches_per_file(tmp_path: Path) -> None:
    """`files = [f"{FOLDER}/a.svg", ...]` walked by two comprehensions over one variable name:
    each comprehension has its own variable, the list's elements are static, and the list
    keeps only the names the dispatch looks up."""
    out, flat = rewrite(tmp_path, """
        FOLDER = "icons"
        class S(Scene):
            def construct(self):
                files = [f"{FOLDER}/car.svg", f"{FOLDER}/cloud.svg"]
                more = [f"{FOLDER}/cloud.svg"]
                self.add(VGroup(*[SVGMobject(file, height=1) for file in files]))
                self.add(VGroup(*[SVGMobject(file, height=2) for file in more]))
        """, files={"icons/car.svg": svg(100, 50), "icons/cloud.svg": svg(100, 100)})
    assert 'files = ["car", "cloud"]' in out and 'more = ["cloud"]' in out
    assert ('{"car": lambda: car_icon(width=2, height=1), '
            '"cloud": lambda: cloud_icon(width=1, height=1)}[file]()') in out
    assert "cloud_icon(width=2, height=2) for file in more" in out
    assert "MF303" not in codes(flat)


def test_media_fstring_of_unknown_value_keeps_only_the_file_name(tmp_path: Path) -> None:
    out, _ = rewrite(tmp_path, """
        class S(Scene):
            def construct(self, folder, n):
                names = [f"{folder}/car.svg", f"assets/die{n}.png", f"{folder}/{n}.svg"]
                self.add(SVGMobject(names[0]))
        """)
    assert 'names = ["car", f"die{n}", f"{n}"]' in out


def test_path_helper_call_is_resolved_and_the_helper_goes(tmp_path: Path) -> None:
    """`ImageMobject(in_assets("dog.png"))`: the helper's returned path, evaluated with its
    parameter bound, names the file; once the call is replaced the helper and its folder
    constant are dead. A helper of unknown value still makes its argument a path."""
    out, flat = rewrite(tmp_path, """
        ASSETS = "assets"
        def in_assets(name):
            return f"{ASSETS}/{name}"
        def lookup(name):
            return TABLE[name]
        class S(Scene):
            def construct(self):
                self.add(ImageMobject(in_assets("dog.png")), ImageMobject(lookup("cat.png")))
        """, files={"assets/dog.png": png(40, 20)})
    assert "in_assets" not in out and "ASSETS" not in out
    assert [(a.path, a.action) for a in flat.assets] == [  # type: ignore[attr-defined]
        ("assets/dog.png", "replaced"), ('lookup("cat.png")', "missing")]
