"""Diagnostics are values: a stable code, a severity, a position and the pass that made them.

Passes never print; they append `Diagnostic`s to the `Flat` they work on. Every code lives in
`CODES` with a one-line meaning and the fix a user should apply, so the catalog in
`docs/diagnostics.md` is generated from here and cannot drift.

Code ranges: MF1xx resolution, MF2xx inlining, MF3xx assets, MF4xx verification, MF5xx dataset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    FIXED = "fixed"
    INFO = "info"


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    fix: str


def _catalog(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


CODES: dict[str, Code] = _catalog(
    # MF1xx: reading the repository and resolving names
    Code("MF101", "import cannot be resolved in the repository or the environment",
         "add the missing module to the repository, or to `allowed_imports` if it is a package"),
    Code("MF102", "file has a syntax error and was skipped",
         "fix the syntax error; files that no scene needs are ignored"),
    Code("MF103", "name is used but defined nowhere the scene can see",
         "define the name, or import it from the module that defines it"),
    Code("MF104", "file skipped: binary, too large, not UTF-8, or a symlink leaving the repository",
         "keep scene code in ordinary text files inside the repository"),
    Code("MF105", "scene is written for another Manim dialect and was skipped",
         "port the scene to Manim Community Edition (`from manim import *`)"),
    Code("MF106", "third-party import outside the allow-list",
         "add the package to `allowed_imports` in [tool.manimflat] or drop the import"),
    Code("MF107", "sys.path edit removed after resolving it statically",
         "nothing to do: the folder it added was used as an import root"),
    Code("MF108", "import cycle between repository modules",
         "nothing to do when the output runs; otherwise break the cycle"),
    Code("MF109", "scene name is ambiguous",
         "pass `path/to/file.py:Name` to --scene"),
    Code("MF110", "scene not found",
         "run `manimflat REPO --list` to see the scenes"),
    Code("MF111", "dynamic import cannot be resolved statically",
         "import the module with a literal name"),
    Code("MF112", "manim.cfg setting carried into the output as a `config` statement",
         "nothing to do"),
    Code("MF113", "setting in the scanned repository's pyproject.toml ignored",
         "the repository may set only how its code is read (see docs/configuration.md); "
         "pass the rest as flags, keyword arguments or in your own pyproject.toml"),
    Code("MF114", "output path would leave the output folder and was not written",
         "use scene, module and asset names that stay inside the output folder, and no "
         "symlinks there that point outside it"),
    Code("MF115", "manim.cfg cannot be read and was ignored",
         "fix the line named in the message; manim itself would not read the file either"),
    Code("MF116", "manim.cfg setting not carried into the output: its value is not usable",
         "give the setting a finite number or a plain value (no `%` interpolation)"),
    Code("MF117", "file nested too deeply to be parsed and was skipped",
         "split the long expression named in the message; files no scene needs are ignored"),
    Code("MF118", "base scene (no `construct`) skipped: the scenes that subclass it include it",
         "nothing to do; flatten a scene that subclasses it"),
    Code("MF119", "import resolved as a sibling of the importing file (the author's PYTHONPATH)",
         "nothing to do; a relative import (`from .constants import *`) says it in the repository"),
    Code("MF120", "import names no file; resolved to the one file whose path ends like it",
         "nothing to do; update the import to the file's current path in the repository"),
    Code("MF121", "import could mean two repository files",
         "import the intended file by its full path (the message names both)"),
    Code("MF128", "import names no file; resolved to the one nearest file whose name differs "
         "by case, `_` or one letter", "nothing to do; update the import to the file's name"),
    # MF2xx: building the closure and inlining it
    Code("MF135", "which manim.cfg the scene reads (the one in the folder manim is run from)",
         "nothing to do; the output carries what it draws"),
    Code("MF136", "the scene's folder and the repository root hold manim.cfg files that draw "
         "differently", "run the scene from the folder named in the message (the output follows "
         "that one), or make the two files agree"),
    Code("MF137", "manim.cfg names a tex_template_file that cannot be carried into the output",
         "put the template file in the repository (beside the manim.cfg that names it) or "
         "set `config.tex_template` in the scene's code"),
    Code("MF138", "the scene draws a mobject only the OpenGL renderer draws: the output sets "
         "`config.renderer = \"opengl\"`", "nothing to do"),
    Code("MF130", "a substring MathTex isolates ends in `^` or `_`: today's MathTex puts a group "
         "marker between the script sign and its argument, which LaTeX rejects (the Manim CE "
         "the scene was written for compiled it)", "isolate the letter without the sign (`F` "
         "for `F_`) where it occurs only before the sign, or write the script in braces"),
    Code("MF131", "BarChart called with the parameters of the BarChart Manim CE replaced in v0.15 "
         "(a VGroup built from `height`, `width`, `max_value`, `n_ticks`): today's BarChart "
         "is built on Axes and refuses them", "rewrite the call (or the repository's BarChart "
         "subclass) on today's BarChart: `x_length`, `y_length`, `y_range=[0, max, step]`"),
    Code("MF201", "definition renamed to avoid a name collision",
         "nothing to do; rename one of the definitions in the repository to avoid it"),
    Code("MF202", "module object used as a value cannot be inlined",
         "use `from module import name` instead of passing the module around"),
    Code("MF203", "`if __name__ == '__main__':` block dropped", "nothing to do"),
    Code("MF204", "local base classes merged into the scene", "nothing to do"),
    Code("MF205", "base classes not merged",
         "the reason is in the message; the bases are emitted as separate classes"),
    Code("MF206", "definitions cannot be ordered so that each exists before it is used",
         "break the definition-time cycle between the named statements"),
    Code("MF207", "`__file__` or `__name__` used in inlined code",
         "avoid paths relative to the source file; they do not exist in a flattened file"),
    Code("MF208", "`if TYPE_CHECKING:` block dropped", "nothing to do"),
    Code("MF209", "unreachable code that used an undefined name removed",
         "delete the dead code after `raise`/`return` in the repository"),
    Code("MF210", "invalid escape sequence in a string literal repaired (raw string or doubled "
         "backslash, same value)", "nothing to do; write LaTeX in raw strings (r\"...\")"),
    Code("MF211", "LaTeX string holds a valid escape that changes its text (`\\t` of `\\theta` "
         "is a tab)", "write the literal the message gives (a raw string); the dataset driver "
         "repairs it with repair-warnings{latex_escapes=true}"),
    Code("MF212", "removed Manim CE API that cannot be upgraded automatically",
         "rewrite the call as the message says (Manim CE's changelog names the replacement)"),
    Code("MF216", "plugin code lowered to plain Manim CE", "nothing to do"),
    Code("MF230", "ManimGL or old manimlib scene upgraded to Manim CE (the message lists what)",
         "nothing to do; --no-upgrade skips such scenes instead"),
    Code("MF231", "name of ManimGL or old manimlib with no Manim CE equivalent",
         "rewrite it with Manim CE's API (the message names a replacement when there is one)"),
    Code("MF232", "ManimGL or old manimlib construct that cannot be upgraded to Manim CE",
         "rewrite it as the message says"),
    Code("MF233", "interactive or shader-only ManimGL call dropped in the Manim CE upgrade",
         "nothing to do, unless the look mattered: Manim CE's cairo renderer has no shaders"),
    Code("MF240", "keyword of an old manimlib call that Manim CE's class does not take, dropped "
         "in the upgrade (old manimlib kept it as an unused attribute)",
         "nothing to do, unless the keyword mattered: then write it with Manim CE's API"),
    Code("MF217", "plugin name with no lowering to plain Manim CE",
         "rewrite it with manim's own API, or allow the plugin"),
    Code("MF222", "Manim plugin rejected: not installed, not pure Python, or its policy",
         "install the package the message names to inline it, or set its policy to allow"),
    Code("MF223", "manim_themes theme the repository does not ship",
         "add the theme's .itermcolors file to the repository"),
    Code("MF224", "installed Manim plugin's code inlined", "nothing to do"),
    Code("MF225", "optional import of an absent plugin replaced by its fallback",
         "nothing to do"),
    Code("MF213", "name undefined in the output though the original defines it",
         "a flattening bug: report it with the scene; the message names where the original "
         "uses the name"),
    Code("MF214", "name undefined in the output that no original statement uses",
         "a flattening bug: report it with the scene"),
    Code("MF215", "name undefined in the original as in the output",
         "define or import the name in the repository"),
    Code("MF227", "method nothing calls removed with the disallowed import only it used",
         "nothing to do"),
    Code("MF226", "value a loop carries from its previous pass bound to None before the loop",
         "nothing to do; bind the name before the loop in the repository to silence checkers"),
    # MF3xx: custom assets
    Code("MF301", "asset replaced by Manim primitives", "nothing to do"),
    Code("MF302", "asset file is missing from the repository; replaced from its name",
         "add the file, or accept the replacement"),
    Code("MF303", "asset path cannot be resolved statically",
         "use a literal path or a path built from constants"),
    Code("MF304", "asset rejected by the `reject` policy", "use --assets replace or keep"),
    Code("MF305", "data file inlined as a literal", "nothing to do"),
    Code("MF306", "sound dropped", "nothing to do: sounds have no visual effect"),
    Code("MF307", "image-only method rewritten for the replacement", "nothing to do"),
    Code("MF308", "asset path leaves the repository and was not read",
         "keep assets inside the repository"),
    Code("MF309", "asset files copied beside the output (`keep` policy)", "nothing to do"),
    Code("MF310", "data file cannot be inlined (too large, not text, or opened for writing)",
         "read smaller text files, or generate the data in code"),
    Code("MF311", "custom font file dropped; the text uses the default font", "nothing to do"),
    Code("MF312", "literal built from a data file gives a different mobject than the file",
         "see the message: the submobject counts differ, so `Write` timing may change"),
    Code("MF313", "data read through a library replaced by a literal of the loaded value",
         "nothing to do"),
    Code("MF314", "data read through a library cannot become a literal; its text is inlined",
         "the message says why (arguments not literal, a value with no literal form)"),
    Code("MF315", "asset subclass rewritten: the class derives from VGroup and builds the "
         "replacement", "nothing to do"),
    Code("MF316", "file check or path left over from a replaced asset folded away",
         "nothing to do: the output ships no asset file, so the check takes the repository's "
         "answer (or the sound-less branch)"),
    Code("MF317", "the output still needs or names an asset file it does not ship",
         "replace the file access at the named line by Manim objects, or pass the data inline"),
    # MF4xx: verification
    Code("MF401", "output does not parse or compile", "report a bug with the input scene"),
    Code("MF402", "invalid escape sequence left in the output (a SyntaxWarning)",
         "write the string as a raw string (r\"...\"); repair-warnings repairs the ones it "
         "can prove the value of"),
    Code("MF403", "undefined name in the output", "see the message for the name"),
    Code("MF404", "output imports a module that is not allowed", "see MF106"),
    Code("MF405", "output references a file or sys.path/__file__", "see MF3xx"),
    Code("MF406", "output does not define exactly the target scene with a construct",
         "report a bug with the input scene"),
    Code("MF407", "scene raised an exception while running", "see the message"),
    Code("MF408", "scene exceeded the time limit and was killed", "raise --timeout or simplify"),
    Code("MF409", "scene exceeded the memory limit and was killed", "raise --memory or simplify"),
    Code("MF410", "render failed", "see the message"),
    Code("MF411", "rendered frame differs from the original", "see the message for the difference"),
    Code("MF412", "environment problem: a tool manim needs is missing",
         "install what the message names (LaTeX, dvisvgm, ffmpeg)"),
    Code("MF413", "name or call Manim CE removed or renamed upgraded to today's API",
         "nothing to do"),
    Code("MF414", "scene had no animation; `self.wait()` added", "nothing to do"),
    Code("MF415", "scene tried to write outside its temporary working folder",
         "write files only under the working folder (media go to manim's media_dir)"),
    Code("MF416", "compiling the output emits a SyntaxWarning", "fix the construct it names"),
    Code("MF417", "original scene does not render in its repository; frames not compared",
         "make the original render (see the message) to check equivalence"),
    Code("MF418", "validation runs in the weaker sandbox: bubblewrap cannot run here",
         "install bubblewrap (`apt install bubblewrap`) and allow user namespaces"),
    Code("MF419", "validation run ended without the runner's result, or broke the process limit",
         "do not exit the process or imitate manimflat's output; start fewer processes"),
    Code("MF424", "LaTeX cannot typeset non-Latin text with the template in use: an "
         "environment problem, not the scene", "give Tex a template with fonts for the script "
         "(e.g. `tex_template=TexTemplateLibrary.ctex` and xelatex), or set tex_template_file "
         "in manim.cfg; the original fails the same way without one"),
    Code("MF425", "manim.cfg holds a setting manim cannot convert (an empty or misspelt "
         "boolean or number): manim refuses the file, so the original does not run from its "
         "folder", "fix or delete the line the message names; the output does not read the file"),
    # MF5xx: dataset
    Code("MF501", "row has no code", "fix the source row"),
    Code("MF502", "row's code does not parse", "fix the source row"),
    Code("MF503", "row is a duplicate", "nothing to do"),
    Code("MF504", "row is a near duplicate", "nothing to do"),
    Code("MF505", "row matches a held-out reference set", "nothing to do"),
    Code("MF506", "row has no scene", "fix the source row"),
    Code("MF507", "row failed verification", "see the verification diagnostic"),
    Code("MF508", "row crashed the cleaner", "report a bug with the row"),
    Code("MF509", "description rejected by the judge", "write a better description"),
    Code("MF510", "scene has no description", "add a docstring to the scene class"),
    Code("MF511", "markdown fences or prose removed from the code", "nothing to do"),
    Code("MF512", "source cannot be read", "see the message: a missing file, column or bad format"),
    Code("MF513", "scene could not be flattened", "see the flattener's diagnostic in the message"),
    Code("MF514", "scene skipped by the flattener (a base class or another dialect)",
         "nothing to do"),
    Code("MF515", "duplicate whose own split differs from its cluster's split",
         "nothing to do: a cluster must stay on one side of the split"),
    Code("MF516", "dataset source yields no rows",
         "check the source's path and kind: an empty table, or a repo or notebooks without "
         "scenes"),
    Code("MF517", "malformed CSV record (an unclosed quote, or a wrong number of fields)",
         "quote fields holding commas, quotes or newlines; the message names the line"),
    Code("MF518", "text is not UTF-8 (or holds a lone surrogate)",
         "re-encode the file as UTF-8; the message names the line and byte offset"),
    Code("MF519", "dataset check: an exact or near duplicate is left among the kept rows",
         "rebuild with --force; if it persists, report a bug with both rows"),
    Code("MF520", "dataset check: a leak (a cluster, description or near-duplicate pair in "
         "two splits, or a kept row matching a reference row)",
         "rebuild with --force; if it persists, report a bug with the rows named"),
    Code("MF521", "dataset check: an input item is not accounted for (missing or repeated in "
         "dataset.parquet + rejects.parquet, or the summary's counts do not balance)",
         "rebuild with --force; the message names the item or source"),
    Code("MF532", "row's license is not in [dataset] licenses",
         "nothing to do, or list the license (or set the source's `license`)"),
    Code("MF533", "the dataset cannot be exported (no data/ shards, or no such split)",
         "run `manimflat dataset build` again, or name a split the dataset has"),
    Code("MF522", "the describer failed (an endpoint down after its retries, a command or "
         "callable that crashed or answered badly); the build stops",
         "fix the [describe] plug the message names; answers already cached are kept"),
    Code("MF523", "a plug's description is not usable (a placeholder, too short, the class "
         "or file name); the storyboard describer wrote the row's description",
         "nothing to do; check the plug's prompt if it happens often"),
    Code("MF524", "the row's own description is not usable (empty, a placeholder, the class "
         "or file name); it was replaced and kept in `original_description`",
         "nothing to do; fix the source's description if it should stay"),
    Code("MF525", "the storyboard run stopped (the scene raised, or a limit); the description "
         "uses the timeline up to there and what the code names",
         "run the scene with `manimflat describe FILE --scene S --json` to see the error"),
    # MF9xx: internal
    Code("MF901", "internal error in a pass", "report a bug with the input"),
)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None
    pass_name: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        parts = [self.path or "<repo>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def format(self) -> str:
        """`file:line:col: severity MFxxx message (pass)` like pyflakes and black."""
        where = f" [{self.pass_name}]" if self.pass_name else ""
        return f"{self.location()}: {self.severity.value} {self.code} {self.message}{where}"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["pass"] = data.pop("pass_name")
        return data


def diag(code: str, message: str, *, severity: Severity | str = Severity.ERROR,
         path: str | None = None, line: int | None = None, col: int | None = None,
         pass_name: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity(severity), message, path, line, col, pass_name)
