"""Entries both dialects share: names of the manimlib that ManimGL and Manim CE forked from."""

from __future__ import annotations

from . import Rename

NAMES: dict[str, Rename] = {
    "TOP": Rename("config.frame_y_radius * UP"),
    "BOTTOM": Rename("config.frame_y_radius * DOWN"),
    "LEFT_SIDE": Rename("config.frame_x_radius * LEFT"),
    "RIGHT_SIDE": Rename("config.frame_x_radius * RIGHT"),
    "ASPECT_RATIO": Rename("config.aspect_ratio"),
    "SVGPathMobject": Rename("SVGMobject"),
    "GREEN_SCREEN": Rename("PURE_GREEN"),
    "digest_config": Rename("digest_config", note="shim"),  # see upgrade_dialect.SHIMS
}

UNSUPPORTED: dict[str, str] = {
    "ContinualAnimation": "an updater (`mob.add_updater(lambda m, dt: ...)`)",
    "ContinualUpdate": "an updater (`mob.add_updater(...)`)",
    "SampleSpaceScene": "a Scene drawing the sample space with Rectangle and Brace",
    "ReconfigurableScene": "a Scene with the transitions written out",
    "NumberLineScene": "a Scene with a NumberLine",
    "TexturedSurface": "a Surface with a fill colour (textures are ManimGL shaders)",
    "CameraFrame": "MovingCameraScene's `self.camera.frame`",
    "COLOR_MAP": "the colour constants themselves (RED, BLUE_E, ...)",
}
