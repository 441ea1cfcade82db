"""Descriptions for rows that lack a usable one, grounded in what the scene really does.

The `describe` stage of the build (before combining, so generated descriptions take part in
deduplication and the split) and `manimflat describe FILE --scene Foo`. Per row:

1. `unusable(description, scene, origin)` says why a description cannot be used: shorter than
   a sentence, a placeholder (`PLACEHOLDERS`), the class name or the file name.
2. With `when = "missing"` (default) only such rows are described; with `"always"` every row;
   with `"never"` none.
   The row's own text goes to `original_description`; `description_source` says where the
   final one came from: `table` or `docstring` (the source's own), `narration`/`storyboard`
   (the storyboard describer, with or without the scene's voice-over), `http:<model>`,
   `command` or `callable`.
3. A describer gets the code and its storyboard (`manimflat/verify/storyboard.py`, a sandboxed
   exec run recording the timeline):
   - `storyboard` (default, offline, deterministic): `storyboard_description`; every string it
     quotes occurs in the code (texts and formulas shown that are not literals are never quoted).
   - `http`: an OpenAI-compatible `/chat/completions` endpoint (vLLM, llama.cpp, Ollama, hosted
     APIs), with retries and backoff, a concurrency limit and a cache by content hash.
   - `command` / `callable`: the judge's interfaces (judge.py), answering a description.
   A plug's answer that is not usable falls back to the storyboard describer (MF523); a plug
   that fails (an endpoint down after its retries, a crashing command) stops with MF522.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from .config import DatasetConfig, DatasetError, DescribeConfig
from .judge import load_plug, run_command_plug

Storyboard = dict[str, Any]
OWN_SOURCES = ("table", "docstring")  # descriptions the source brought; the rest are generated

# ---------------------------------------------------------------- usable descriptions

# Texts that stand in for a description without being one (matched case-insensitively against
# the whole stripped description unless the pattern says otherwise). Documented in
# docs/dataset.md; add to it, never special-case a row.
PLACEHOLDERS = (
    r"\[\s*pending[_ ]description\s*\]",  # anywhere in the text
    r"(todo|tbd|tba|fixme|xxx|placeholder|none|null|nil|nan|n/?a|-+|\?+|\.+)[.!]*",
    r"(no|missing|empty|add( a)?|insert( a)?)?\s*description( here| goes here| pending)?[.!]*",
    r"(\[|<|\{\{)\s*[\w -]*\s*(\]|>|\}\})",  # [DESCRIPTION], <description>, {{prompt}}
    r"lorem ipsum.*",
    (r"(create|make|write|generate|render)\s+(an?\s+)?manim\s+(animation|scene|video)"
     r"(\s+(that|for|of|from|in|called|named)\s+\S+)?[.!]*"),  # "... that scene.py"
    r"(an?\s+|the\s+)?(manim\s+)?(animation|scene|video|example|demo|test)\s*\d*[.!]*",
)
_PLACEHOLDER = [re.compile(p if p.startswith(r"\[") else rf"^\s*(?:{p})\s*$", re.IGNORECASE)
                for p in PLACEHOLDERS]
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS, MIN_LETTERS = 2, 10  # "at least a sentence": "Draws a circle." passes, "A circle." not


def _words(name: str) -> list[str]:
    """`CircleToSquare2` or `circle_to_square` -> ["circle", "to", "square", "2"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)",
                    " ", name)
    return [w.lower() for w in re.split(r"[\W_]+", spaced) if w]


def unusable(description: str | None, scene: str | None = None,
             origin: str | None = None) -> str | None:
    """Why `description` cannot serve as a row's description, or None when it can."""
    text = (description or "").strip()
    if not text:
        return "empty"
    for pattern in _PLACEHOLDER:
        if pattern.search(text):
            return f"a placeholder ({text[:60]!r})"
    words = _words(text)
    if scene and words == _words(scene):
        return "only the class name"
    if origin:
        file = origin.rsplit(":", 1)[0].split("#")[0]
        stem = Path(file).name
        if words in (_words(stem), _words(Path(stem).stem)):
            return "only the file name"
    letters = _WORD.findall(text)
    if len(letters) < MIN_WORDS or sum(map(len, letters)) < MIN_LETTERS:
        return "shorter than a sentence"
    return None


# ---------------------------------------------------------------- the storyboard describer

# Animation class -> verb; matched on the class name, most specific first.
_VERBS = (
    ("Unwrite", "erase"), ("Uncreate", "erase"), ("Write", "write"), ("AddText", "write"),
    ("TypeWithCursor", "write"), ("DrawBorderThenFill", "draw"), ("ShowCreation", "draw"),
    ("Create", "draw"), ("FadeTransform", "transform"), ("Transform", "transform"),
    ("FadeIn", "fade in"), ("FadeOut", "fade out"), ("GrowArrow", "grow"), ("Grow", "grow"),
    ("SpinInFromNothing", "grow"), ("ShrinkToCenter", "shrink"), ("Rotat", "rotate"),
    ("Indicate", "highlight"), ("Circumscribe", "highlight"), ("Flash", "highlight"),
    ("FocusOn", "highlight"), ("Wiggle", "highlight"), ("Wave", "highlight"),
    ("MoveAlongPath", "move along a path"), ("Homotopy", "deform"), ("ApplyMatrix", "deform"),
    ("ApplyPointwise", "deform"), ("ApplyFunction", "deform"), ("ChangeDecimal", "count"),
    ("Broadcast", "highlight"), ("Restore", "restore"), ("Swap", "swap"), ("CyclicReplace", "swap"),
)
_METHOD_VERBS = (("shift", "move"), ("move_to", "move"), ("next_to", "move"), ("to_edge", "move"),
                 ("to_corner", "move"), ("align_to", "move"), ("scale", "scale"),
                 ("rotate", "rotate"), ("set_color", "recolour"), ("set_fill", "recolour"),
                 ("set_value", "change"), ("become", "transform"))
_GENERIC_TITLE = {"scene", "demo", "test", "main", "example", "my", "new", "animation", "the",
                  "a", "class", "tmp", "untitled", "video", "manim"}
_GENERIC_FOLDER = {"", ".", "src", "scenes", "scene", "code", "examples", "manim", "python"}
_NOUNS = {"ImageMobject": "image", "SVGMobject": "SVG image", "VGroup": "group", "Group": "group",
          "VMobject": "shape", "ValueTracker": "value tracker", "DecimalNumber": "number",
          "Integer": "number", "MathTable": "table", "NumberPlane": "number plane",
          "VMobjectFromSVGPath": "SVG shape"}
MAX_STEPS = 8
MAX_QUOTE = 80


def _quote(text: str, code: str) -> str | None:
    """`"text"` when the code holds it verbatim (first line, cut at a word: a prefix of a
    string in the code is in the code too); None when it would not be grounded."""
    first = text.strip().split("\n")[0].strip()
    if len(first) > MAX_QUOTE:
        cut = first[:MAX_QUOTE].rsplit(" ", 1)[0]
        first = cut if len(cut) > 20 else first[:MAX_QUOTE]
    if not first or '"' in first or first not in code:
        return None
    return f'"{first}"' + ("…" if first != text.strip() else "")


def _colour(info: dict[str, Any]) -> str:
    name = str(info.get("color_name") or "")
    base = name.split("_")[-1 if name.startswith("PURE_") else 0].lower()
    return "" if base in ("", "white", "black") else base


def _plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    if noun.endswith(("s", "x", "sh", "ch")):
        return noun + "es"
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def _article(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


class _Writer:
    """Turns one storyboard into request-style sentences, quoting only what the code holds."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.seen: set[str] = set()

    def noun(self, info: dict[str, Any] | None) -> str:
        if not info:
            return "it"
        texts = info.get("texts") or []
        if texts:
            kind = texts[0]["kind"]
            what = {"text": "text", "tex": "text", "math": "formula", "code": "code listing"}[kind]
            if kind == "code":
                return "a code listing"
            quotes = [q for q in (_quote(t["value"], self.code) for t in texts[:6]) if q]
            key = f"{kind}:{quotes}"
            if quotes and key in self.seen:
                return f"the {what}"
            self.seen.add(key)
            if quotes:
                many = len(texts) > 1 and kind in ("text", "tex")
                return (f"the {_plural(what, 2) if many else what} " + ", ".join(quotes)
                        + (" …" if len(texts) > 6 else ""))
            return _article(what) if len(texts) == 1 else f"{len(texts)} {_plural(what, 2)}"
        cls = str(info.get("class", "Mobject"))
        noun = _NOUNS.get(cls) or _text_noun(cls) or " ".join(_words(cls)) or "shape"
        if noun == "group" and info.get("parts"):
            parts = info.get("part_classes") or []
            inner = _NOUNS.get(parts[0]) or " ".join(_words(parts[0])) if len(parts) == 1 else "shape"
            return f"{info['parts']} {_plural(inner or 'shape', int(info['parts']))}"
        colour = _colour(info)
        phrase = f"{colour} {noun}".strip()
        key = cls
        if key in self.seen:
            return f"the {noun}"
        self.seen.add(key)
        return noun if noun in ("axes",) else _article(phrase)

    def step(self, anim: dict[str, Any]) -> str | None:
        cls = str(anim.get("class", ""))
        if cls == "Wait":
            return None
        if anim.get("animations"):
            parts = [s for s in (self.step(a) for a in anim["animations"]) if s]
            return _join_same(parts)
        verb = next((v for k, v in _VERBS if k in cls), None)
        if verb is None and anim.get("methods"):
            verbs = [next((v for k, v in _METHOD_VERBS if m == k), "") for m in anim["methods"]]
            verbs = list(dict.fromkeys(v for v in verbs if v)) or ["animate"]
            verb = " and ".join(verbs[:2])
        verb = verb or "animate"
        if anim.get("camera"):
            return "move the camera"
        subject = self.noun(anim.get("mobject"))
        if verb == "transform" and anim.get("target"):
            target = self.noun(anim["target"])
            return f"reshape {subject}" if target == subject else f"transform {subject} into {target}"
        if verb == "move along a path":
            return f"move {subject} along a path"
        return f"{verb} {subject}"

    def event(self, event: dict[str, Any]) -> str | None:
        kind = event["kind"]
        if kind == "camera":
            method = str(event.get("method", ""))
            return {"set_camera_orientation": "set the camera angle",
                    "begin_ambient_camera_rotation": "rotate the camera around the scene",
                    "begin_3dillusion_camera_rotation": "rotate the camera around the scene",
                    "stop_ambient_camera_rotation": None}.get(method, "move the camera")
        if kind in ("add", "remove"):
            mobs = [m for m in event.get("mobjects") or [] if m.get("class") != "Mobject"]
            if not mobs:
                return None
            verb = "show" if kind == "add" else "remove"
            return f"{verb} " + _and([self.noun(m) for m in mobs[:4]])
        if kind == "play":
            return _join_same([s for s in (self.step(a) for a in event.get("animations") or [])
                               if s])
        return None


def _text_noun(cls: str) -> str | None:
    """A text class showing nothing the recorder could read (a part of one, a subclass)."""
    return "formula" if "MathTex" in cls else "text" if "Tex" in cls or "Text" in cls else None


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _join_same(steps: list[str]) -> str | None:
    """One play's steps: the same verb once with its objects, different verbs "at once":
    ["draw a line", "fade in the text", "fade in a dot"] ->
    "draw a line and fade in the text and a dot at once"."""
    if not steps:
        return None
    known = sorted({v for _, v in _VERBS + _METHOD_VERBS} | {"reshape", "show", "remove"},
                   key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    for step in _dedupe(steps):
        verb = next((v for v in known if step.startswith(v + " ") and " into " not in step
                     and not step.endswith(" along a path")), step)
        groups.setdefault(verb, []).append(step[len(verb) + 1:] if verb != step else "")
    phrases = [verb if objects == [""] else f"{verb} " + _and(_dedupe(objects)[:4])
               for verb, objects in groups.items()]
    return _and(phrases[:3]) + " at once" if len(phrases) > 1 else phrases[0]


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _title(scene: str, origin: str) -> str:
    words = _words(scene)
    if not words or all(w in _GENERIC_TITLE or w.isdigit() for w in words):
        return ""
    return " ".join(words)


def _folder(origin: str) -> str:
    file = origin.rsplit(":", 1)[0].split("#")[0]
    parent = Path(file).parent.name
    return "" if parent.lower() in _GENERIC_FOLDER else " ".join(_words(parent))


def _first_sentence(text: str) -> str:
    text = " ".join(text.split()).replace('"', "'")
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence[:200].rstrip(".!?") + "."


def storyboard_description(code: str, scene: str, origin: str, board: Storyboard | None,
                           docstring: str = "", narration: str = "") -> str:
    """A short request-style description from the timeline and the code's own words."""
    w = _Writer(code)
    title, folder = _title(scene, origin), _folder(origin)
    head = "Create a Manim animation" + (f" about {title}" if title else "")
    if folder and folder not in title:
        head += f" (from the {folder} folder)"
    sentences = [head + "."]
    if docstring and unusable(docstring, scene, origin) is None:
        sentences.append(_first_sentence(docstring))
    phrases = [p for p in (w.event(e) for e in (board or {}).get("events") or []) if p]
    steps = _repeats(phrases)
    if not steps:
        steps = _static_steps(code, scene, w)
    if steps:
        shown = steps[:MAX_STEPS]
        text = shown[0][0].upper() + shown[0][1:]
        for s in shown[1:-1]:
            text += f", then {s}"
        if len(shown) > 1:
            text += f", and finally {shown[-1]}" if len(steps) <= MAX_STEPS else f", then {shown[-1]}"
        if len(steps) > MAX_STEPS:
            text += f", and {len(steps) - MAX_STEPS} more steps"
        sentences.append(text + ".")
    if narration:
        quoted = _quote(narration, code)
        if quoted:
            sentences.append(f"The narration says {quoted}.")
    duration = float((board or {}).get("duration") or 0.0)
    if duration > 0 and not (board or {}).get("error"):  # a stopped run says nothing of it
        n = int((board or {}).get("n_animations") or 0)
        plays = f" with {n} animation{'s' if n != 1 else ''}" if n else ""
        sentences.append(f"The video lasts about {_seconds(duration)}{plays}.")
    return " ".join(sentences)


def _repeats(steps: list[str], longest: int = 4) -> list[str]:
    """A loop's steps once, with how often: [a, b, a, b, a, b] -> ["repeat 3 times: a then b"]."""
    out: list[str] = []
    i = 0
    while i < len(steps):
        best_k, best_n = 1, 1
        for k in range(1, longest + 1):
            n = 1
            while steps[i + n * k:i + (n + 1) * k] == steps[i:i + k] and i + (n + 1) * k <= len(steps):
                n += 1
            if n > 1 and n * k > best_n * best_k:
                best_k, best_n = k, n
        if best_n == 1:
            out.append(steps[i])
        elif best_k == 1:
            out.append(f"{steps[i]} ({best_n} times)")
        else:
            out.append(f"repeat {best_n} times: " + " then ".join(steps[i:i + best_k]))
        i += best_k * best_n
    return out


def _seconds(value: float) -> str:
    rounded = round(value, 1)
    text = f"{rounded:g}"
    return f"{text} second" + ("" if rounded == 1 else "s")


def _static_steps(code: str, scene: str, w: _Writer) -> list[str]:
    """When the scene could not run: what its code names (texts written, shapes, animations)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    texts: list[str] = []
    animations: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name = node.func.id
        if name in ("Text", "Tex", "MathTex", "MarkupText", "Title") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                q = _quote(arg.value, code)
                if q and q not in texts:
                    texts.append(q)
        verb = next((v.split(" along")[0] for k, v in _VERBS if k in name), None)
        if verb and name[:1].isupper() and verb not in animations:
            animations.append(verb)
    steps = []
    if animations:
        steps.append(_and(animations[:5]) + " its objects")
    if texts:
        steps.append("show " + _and(texts[:4]))
    return steps


# ---------------------------------------------------------------- the plugs

PROMPT = """Write a one-paragraph request (2 to 4 sentences) that a user could give to get \
exactly this Manim scene: what it shows, what is written or transformed, in what order. \
Quote texts and formulas only as they appear in the code. Answer with the request only.

Scene class: {scene}
Existing description (may be empty or wrong): {description}

Storyboard (what the scene did when it ran, JSON):
{storyboard}

Code:
```python
{code}
```"""
SYSTEM = "You describe Manim animations precisely and briefly."


class DescribeError(DatasetError):
    """A describer failed (MF522); the message says which and why."""


def _item_prompt(config: DescribeConfig, item: dict[str, Any]) -> str:
    board = json.dumps(_brief(item.get("storyboard") or {}), ensure_ascii=False)
    values = {"code": item["code"], "storyboard": board[:12000], "scene": item.get("scene") or "",
              "description": item.get("description") or ""}
    template = config.prompt or PROMPT
    # Only the known fields are substituted; other braces (LaTeX, dicts) stay as written.
    return re.sub(r"\{(code|storyboard|scene|description)\}", lambda m: values[m.group(1)],
                  template)


def _brief(board: Storyboard) -> Storyboard:
    return {k: board.get(k) for k in ("events", "texts", "duration", "n_animations", "error")}


def http_cache_dir(config: DescribeConfig) -> Path:
    if config.cache is not None:
        return config.cache
    root = os.environ.get("MANIMFLAT_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "manimflat") / "describe"


def _http_one(config: DescribeConfig, item: dict[str, Any]) -> str:
    body = {"model": config.model, "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": _item_prompt(config, item)}]}
    payload = json.dumps(body, sort_keys=True).encode()
    key = hashlib.sha256(f"{config.base_url}\0".encode() + payload).hexdigest()
    cached = http_cache_dir(config) / key[:2] / f"{key}.json"
    try:
        return str(json.loads(cached.read_text(encoding="utf-8"))["description"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    url = str(config.base_url).rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    secret = os.environ.get(config.api_key_env)
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    delay, last = config.backoff, ""
    for attempt in range(config.retries + 1):
        if attempt:
            time.sleep(delay)
            delay *= 2
        request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=config.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}: {exc.read()[:300].decode('utf-8', 'replace')}"
            if exc.code == 429 or exc.code >= 500:
                retry_after = exc.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 60.0))
                continue
            break  # a request the server refuses is not retried
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            last = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
            continue
        except (ValueError, UnicodeDecodeError) as exc:
            last = f"the answer is not JSON: {exc}"
            continue
        try:
            text = answer["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            text = None
        if not isinstance(text, str):
            raise DescribeError(f"MF522 describer http:{config.model}: the answer has no "
                                f"choices[0].message.content: {json.dumps(answer)[:300]}")
        text = text.strip()
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"description": text, "model": config.model}), "utf-8")
        os.replace(tmp, cached)
        return text
    raise DescribeError(f"MF522 describer http:{config.model} at {url} failed after "
                        f"{config.retries + 1} attempt(s): {last}; check base_url, the key in "
                        f"${config.api_key_env} and that the server runs")


def _http(config: DescribeConfig, items: list[dict[str, Any]]) -> dict[str, str]:
    with ThreadPoolExecutor(max_workers=config.concurrency) as pool:
        answers = list(pool.map(lambda item: _http_one(config, item), items))
    return {item["id"]: text for item, text in zip(items, answers)}


def _callable(target: str, items: list[dict[str, Any]]) -> dict[str, str]:
    function = load_plug(target, "MF522 describer", DescribeError)
    out = {}
    for item in items:
        try:
            answer = function(item["code"], item.get("storyboard") or {})
        except Exception as exc:  # noqa: BLE001 - the describer is user code
            raise DescribeError(f"MF522 describer {target!r} raised on {item['id']}: "
                                f"{type(exc).__name__}: {exc}") from None
        if not isinstance(answer, str):
            raise DescribeError(f"MF522 describer {target!r} answered {type(answer).__name__} "
                                f"for {item['id']}; expected a str")
        out[item["id"]] = answer
    return out


def _command(argv: list[str], items: list[dict[str, Any]], timeout: float) -> dict[str, str]:
    fields = ("id", "scene", "code", "description", "storyboard")
    return run_command_plug(argv, [{k: item.get(k) for k in fields} for item in items],
                            "MF522 describer command", '{"id", "description"}',
                            lambda answer, _: str(answer["description"]),
                            timeout=timeout * max(1, len(items)), error=DescribeError)


def plug_source(config: DescribeConfig) -> str:
    return f"http:{config.model}" if config.describer == "http" else config.describer


def run_describer(config: DescribeConfig, items: list[dict[str, Any]]) -> dict[str, str]:
    """Answers of the configured plug (not `storyboard`) for items `{"id", "scene", "code",
    "description", "storyboard"}`, keyed by id."""
    if not items:
        return {}
    if config.describer == "http":
        return _http(config, items)
    if config.describer == "callable":
        return _callable(str(config.callable), items)
    return _command(list(config.command), items, config.timeout)


# ---------------------------------------------------------------- one scene, many rows

def storyboard_of(code: str, scene: str, timeout: float = 60.0) -> Storyboard:
    from ..settings import Settings
    from ..verify.storyboard import record

    return record(code, scene, replace(Settings(), timeout=timeout))


def describe_one(code: str, scene: str, origin: str, config: DescribeConfig | None = None,
                 description: str = "", narration: str = "", docstring: str | None = None,
                 board: Storyboard | None = None) -> dict[str, Any]:
    """`{"description", "description_source", "storyboard", "notes"}` for one scene."""
    config = config or DescribeConfig()
    if board is None:
        board = storyboard_of(code, scene, config.timeout)
    if docstring is None:
        from .sources import scene_description

        docstring = scene_description(code, scene)
    notes: list[str] = []
    if board.get("error"):
        notes.append(f"MF525 the storyboard run stopped: {board['error'][:200]}")
    if config.describer != "storyboard":
        answer = run_describer(config, [{"id": "0", "scene": scene, "code": code,
                                         "description": description, "storyboard": board}])["0"]
        why = unusable(answer, scene, origin)
        if why is None:
            return {"description": answer.strip(), "description_source": plug_source(config),
                    "storyboard": board, "notes": notes}
        notes.append(f"MF523 the {plug_source(config)} description is not usable ({why}); "
                     "the storyboard describer wrote it")
    text = storyboard_description(code, scene, origin, board, docstring, narration)
    used_narration = bool(narration) and "The narration says" in text
    return {"description": text, "description_source": "narration" if used_narration
            else "storyboard", "storyboard": board, "notes": notes}


def describe_records(dataset: DatasetConfig, records: list[dict[str, Any]],
                     jobs: int | None = None) -> None:
    """The build's describe stage, in place on the cleaned records still alive (ok/fixed):
    storyboards recorded (for every row with `storyboard = "all"` or a judge, which checks
    descriptions against them), descriptions written where needed, `desc_hash` recomputed."""
    from .normalize import digest, normalize_description

    config = dataset.describe
    kinds = {s.name: s.kind for s in dataset.sources}
    alive = [r for r in records if r["status"] in ("ok", "fixed")]
    for r in records:
        r.setdefault("description_source", None)
        r.setdefault("original_description", None)
    todo = []
    for r in alive:
        own = "table" if kinds.get(r["source"]) == "table" else "docstring"
        why = unusable(r["description"], r["scene"], r["origin"])
        r["description_source"] = own if why is None else None
        if config.when == "always" or (why is not None and config.when == "missing"):
            todo.append((r, why))
    every = config.storyboard == "all" or dataset.judge.enabled
    wanted = alive if every else [r for r, _ in todo]
    boards = _storyboards([(r["code"], r["scene"]) for r in wanted], config.timeout, jobs)
    for r, board in zip(wanted, boards):
        r["storyboard"] = board
    plugged: dict[str, str] = {}
    if config.describer != "storyboard" and todo:
        items = [{"id": str(n), "scene": r["scene"], "code": r["code"],
                  "description": r["description"], "storyboard": r.get("storyboard")}
                 for n, (r, _) in enumerate(todo)]
        plugged = run_describer(config, items)
    for n, (r, why) in enumerate(todo):
        board = r.get("storyboard") or {}
        if board.get("error"):
            r["notes"] = [*r["notes"], f"MF525 the storyboard run stopped: {board['error'][:200]}"]
        answer = plugged.get(str(n))
        problem = unusable(answer, r["scene"], r["origin"]) if answer is not None else None
        if answer is not None and problem is None:
            text, source = answer.strip(), plug_source(config)
        else:
            if answer is not None:
                r["notes"] = [*r["notes"], (f"MF523 the {plug_source(config)} description is "
                                            f"not usable ({problem}); the storyboard "
                                            "describer wrote it")]
            docstring = r["description"] if why is None else ""
            text = storyboard_description(r["code"], r["scene"], r["origin"], board, docstring,
                                          r.get("narration") or "")
            source = ("narration" if r.get("narration") and "The narration says" in text
                      else "storyboard")
        if why is not None and r["description"]:
            r["notes"] = [*r["notes"], f"MF524 the description was replaced: {why}"]
        r["original_description"] = r["description"] or None
        r["description"], r["description_source"] = text, source
        r["desc_hash"] = digest(normalize_description(text))


def _storyboards(scenes: list[tuple[str, str]], timeout: float, jobs: int | None
                 ) -> list[Storyboard]:
    """One sandboxed run per scene (cached by content); threads, since each run is a process."""
    if not scenes:
        return []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(scenes)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda s: storyboard_of(s[0], s[1], timeout), scenes))


def quoted(description: str) -> list[str]:
    """The strings a description quotes (what must occur in the code)."""
    return re.findall(r'"([^"]*)"', description)


def ungrounded(description: str, code: str) -> list[str]:
    return [q for q in quoted(description) if q not in code]


def columns(record: dict[str, Any]) -> dict[str, Any]:
    """The describe stage's dataset columns of one record."""
    board = record.get("storyboard") or {}
    complete = bool(board) and not board.get("error")  # a stopped run is not the video's length
    return {"storyboard": json.dumps(board, ensure_ascii=False) if board else None,
            "duration_s": float(board["duration"]) if complete else None,
            "n_animations": int(board.get("n_animations") or 0) if complete else None,
            "original_description": record.get("original_description"),
            "description_source": record.get("description_source")}

