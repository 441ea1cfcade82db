"""The catalogue of calls that read a file, and where each takes its path.

`SVGMobject(path)`, `ImageMobject(path)`, `OpenGLImageMobject(path)`, `add_sound(path)`,
`Code(path)` / `Code(file_name=...)` / `Code(code_file=...)`, `open(path)`,
`Path(...).read_text()` / `.read_bytes()`, `np.loadtxt` / `np.genfromtxt` / `np.load` / `np.fromfile`,
`pd.read_csv`, `register_font`, `Image.open`; and the existence checks of a path
(`p.exists()`, `os.path.isfile(p)`).
"""

from __future__ import annotations

import libcst as cst

from ..analyses.chains import dotted

# callee name -> (api, positional index of the path, keyword names of the path)
CALLS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "SVGMobject": ("svg", 0, ("file_name",)),
    "ImageMobject": ("image", 0, ("filename_or_array",)),
    "OpenGLImageMobject": ("opengl_image", 0, ("filename_or_array",)),
    "add_sound": ("sound", 0, ("sound_file",)),
    "Code": ("code", 0, ("code_file", "file_name")),
    "open": ("open", 0, ("file",)),
    "io.open": ("open", 0, ("file",)),
    "np.loadtxt": ("loadtxt", 0, ("fname",)),
    "numpy.loadtxt": ("loadtxt", 0, ("fname",)),
    "np.genfromtxt": ("loadtxt", 0, ("fname",)),
    "numpy.genfromtxt": ("loadtxt", 0, ("fname",)),
    "np.load": ("npload", 0, ("file",)),
    "numpy.load": ("npload", 0, ("file",)),
    "np.fromfile": ("npload", 0, ("file",)),
    "numpy.fromfile": ("npload", 0, ("file",)),
    "pd.read_csv": ("read_csv", 0, ("filepath_or_buffer",)),
    "pandas.read_csv": ("read_csv", 0, ("filepath_or_buffer",)),
    "register_font": ("font", 0, ("font_file",)),
    "Image.open": ("pil", 0, ("fp",)),
    "PIL.Image.open": ("pil", 0, ("fp",)),
}
RECEIVER_CALLS = {"read_text": "read_text", "read_bytes": "read_bytes"}
# Existence checks of a path: `p.exists()`, `os.path.isfile(p)` (api "exists").
EXISTS_METHODS = frozenset({"exists", "is_file", "is_dir"})
EXISTS_FUNCS = {"os.path.exists": "exists", "os.path.isfile": "is_file",
                "os.path.isdir": "is_dir", "path.exists": "exists", "path.isfile": "is_file",
                "path.isdir": "is_dir"}
ASSET_BASES = frozenset({"SVGMobject", "ImageMobject", "OpenGLImageMobject", "Code"})
VISUAL_APIS = frozenset({"svg", "image", "opengl_image", "pil"})
DATA_APIS = frozenset({"code", "open", "read_text", "read_bytes", "loadtxt", "npload",
                       "read_csv"})


def call_api(call: cst.Call) -> tuple[str, int, tuple[str, ...]] | None:
    name = dotted(call.func)
    if name is None:
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_sound":
            return CALLS["add_sound"]
        return None
    if name in CALLS:
        return CALLS[name]
    last = name.rsplit(".", 1)[-1]
    if last in ("SVGMobject", "ImageMobject", "OpenGLImageMobject", "add_sound", "Code",
                "register_font"):
        return CALLS[last]
    return None


def path_arg(call: cst.Call, index: int, keywords: tuple[str, ...]
             ) -> tuple[cst.BaseExpression | None, int | str | None]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value, arg.keyword.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) > index:
        return positional[index].value, index
    return None, None


def pathlike(node: cst.BaseExpression) -> bool:
    """`Path(...)`, `pathlib.Path(...)`, `x / "y"`, or a name: what `.read_text()` is read on."""
    if isinstance(node, cst.Call):
        return dotted(node.func) in ("Path", "pathlib.Path", "PurePath")
    return isinstance(node, (cst.BinaryOperation, cst.Name, cst.Attribute))


def existence_check(node: cst.Call) -> tuple[str, cst.BaseExpression, int | str] | None:
    """(`exists` / `is_file` / `is_dir`, the path, its slot) for an existence check."""
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in EXISTS_METHODS and \
            not node.args and pathlike(func.value):
        return func.attr.value, func.value, "receiver"
    name = dotted(func) or ""
    if name in EXISTS_FUNCS and len(node.args) == 1 and node.args[0].keyword is None:
        return EXISTS_FUNCS[name], node.args[0].value, 0
    return None


def is_code_string_call(node: cst.Call) -> bool:
    return any(a.keyword is not None and a.keyword.value in ("code_string", "code")
               for a in node.args)


def open_mode(node: cst.Call) -> str:
    positional = [a for a in node.args if a.keyword is None]
    mode_arg = next((a.value for a in node.args if a.keyword and a.keyword.value == "mode"),
                    positional[1].value if len(positional) > 1 else None)
    if mode_arg is None:
        return "r"
    if isinstance(mode_arg, cst.SimpleString):
        return str(mode_arg.evaluated_value)
    return "?"
