"""Static values of the names a piece of libcst code reads, without running it.

Values come from `analyses.paths.evaluate` (the one evaluator) applied to: module constants
(in order; a reassignment to something unknown forgets the name), lists whose elements are
static (module-level, or assigned once in a function), class constants (`self.X`, `cls.X`,
`Class.X`), names assigned once in a function (flow-insensitive, so only single assignments
count), loop variables over such lists or `range` with literal bounds (one value per iteration), and the values a parameter takes at
the call sites of its function by name.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from .chains import code, dotted
from .paths import Value, entry, evaluate

MAX_LOOP_VALUES = 64
Evaluate = Callable[[str, dict[str, Value]], "Value | None"]


def module_constants(node: cst.BaseStatement, names: dict[str, Value],
                     lists: dict[str, list[Value]], *, file: str, root: str) -> None:
    """Record the constants one module-level statement assigns into `names` (and literal
    lists into `lists`)."""
    if not isinstance(node, cst.SimpleStatementLine):
        return
    for stmt in node.body:
        if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0].target, stmt.value
        elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        name = dotted(target)
        if name is None:
            continue
        literal = static_list(value, lambda text, known: evaluate(
            f"({text})", file=file, cwd=root, names=known), names)
        if literal is not None and isinstance(target, cst.Name):
            lists[name] = literal
            continue
        if entry(name, None) in names:  # a dict's entries go with any reassignment
            for stale in [k for k in names if k.startswith(entry(name, None)[:-1])]:
                del names[stale]
        if isinstance(value, cst.Dict) and _dict_entries(value, name, names, file, root):
            continue
        result = evaluate(f"({code(value)})", file=file, cwd=root, names=names)
        if result is not None:
            names[name] = result
        else:
            names.pop(name, None)  # reassigned to something unknown


def _dict_entries(node: cst.Dict, name: str, names: dict[str, Value], file: str,
                  root: str) -> bool:
    """A dict with literal keys: each static value is recorded under `entry(name, key)`
    (`FILES = {"a": "a.svg"}` then `FILES["a"]`, `FILES.get(k)`). False when a key is not a
    literal or `**` merges another mapping: the dict is then unknown."""
    found: dict[str, Value] = {entry(name, None): 0}
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            return False
        try:
            key = ast.literal_eval(code(element.key))
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            return False
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            return False
        value = evaluate(f"({code(element.value)})", file=file, cwd=root, names=names)
        if value is not None:
            found[entry(name, key)] = value
    names.update(found)
    return True


def literal_list(node: cst.BaseExpression) -> list[Value] | None:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    try:
        value = ast.literal_eval(code(node))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return None
    if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return list(value)
    return None


def static_list(node: cst.BaseExpression, evaluate_in: Evaluate, names: dict[str, Value]
                ) -> list[Value] | None:
    """A list or tuple display whose every element has a static value (`["a.svg", "b.svg"]`,
    `[f"{DIR}/a.svg", f"{DIR}/b.svg"]`); None otherwise."""
    literal = literal_list(node)
    if literal is not None or not isinstance(node, (cst.List, cst.Tuple)) or \
            not 0 < len(node.elements) <= MAX_LOOP_VALUES:
        return literal
    values: list[Value] = []
    for element in node.elements:
        if not isinstance(element, cst.Element):
            return None  # a starred element
        value = evaluate_in(code(element.value), names)
        if value is None or isinstance(value, bool):
            return None
        values.append(value)
    return values


def local_lists(node: cst.FunctionDef, names: dict[str, Value], evaluate_in: Evaluate
                ) -> dict[str, list[Value]]:
    """The lists a function assigns exactly once (not a parameter) whose elements are static,
    for the loops over them."""
    counts = Counter(name for name, _ in simple_assigns(node.body.body, shallow=False))
    parameters = params(node)
    found: dict[str, list[Value]] = {}
    for name, value in simple_assigns(node.body.body, shallow=False):
        if counts[name] == 1 and name not in parameters:
            values = static_list(value, evaluate_in, names)
            if values is not None:
                found[name] = values
    return found


def class_constants(node: cst.ClassDef, names: dict[str, Value], evaluate_in: Evaluate
                    ) -> dict[str, Value]:
    """The class body's constants, as `self.X`, `cls.X` and `Class.X`."""
    consts: dict[str, Value] = {}
    for name, value in simple_assigns(node.body.body, shallow=True):
        result = evaluate_in(code(value), names)
        if result is not None:
            for prefix in ("self.", "cls.", node.name.value + "."):
                consts[prefix + name] = result
    return consts


def function_constants(node: cst.FunctionDef, names: dict[str, Value],
                       loops: dict[str, list[Value]], evaluate_in: Evaluate
                       ) -> tuple[dict[str, Value], dict[str, str]]:
    """The names a function assigns exactly once (not parameters, not loop variables): their
    static values, and the source of every such assignment's value."""
    consts: dict[str, Value] = {}
    sources: dict[str, str] = {}
    counts: dict[str, int] = {}
    exprs: dict[str, cst.BaseExpression] = {}
    for name, value in simple_assigns(node.body.body, shallow=False):
        counts[name] = counts.get(name, 0) + 1
        exprs[name] = value
    for name in loops:
        counts[name] = counts.get(name, 0) + 1
    parameters = params(node)
    for name, value in exprs.items():  # single assignments only: flow-insensitive
        if counts[name] == 1 and name not in parameters:
            sources[name] = code(value)
            result = evaluate_in(code(value), {**names, **consts})
            if result is not None:
                consts[name] = result
    return consts, sources


def simple_assigns(body: Sequence[cst.CSTNode], *, shallow: bool
                   ) -> Iterator[tuple[str, cst.BaseExpression]]:
    """`name = value` statements in a body (and in nested blocks unless `shallow`; never in
    nested functions or classes, which have their own frames)."""
    found: list[tuple[str, cst.BaseExpression]] = []

    class _V(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
            return not shallow

        def visit_Assign(self, node: cst.Assign) -> None:
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                found.append((node.targets[0].target.value, node.value))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if node.value is not None and isinstance(node.target, cst.Name):
                found.append((node.target.value, node.value))

    for stmt in body:
        stmt.visit(_V())
    return iter(found)


def params(node: cst.FunctionDef) -> set[str]:
    p = node.params
    names = {x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)}
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


class _LoopCollector(cst.CSTVisitor):
    def __init__(self, lists: dict[str, list[Value]]) -> None:
        super().__init__()
        self.lists = lists
        self.found: dict[str, list[Value] | None] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions have their own frame

    def _record(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        values = _iter_values(iterable, self.lists)
        if isinstance(target, cst.Tuple) and isinstance(iterable, cst.Call) and \
                dotted(iterable.func) == "enumerate" and len(target.elements) == 2:
            inner = iterable.args[0].value if iterable.args else None
            values = _iter_values(inner, self.lists) if inner is not None else None
            target = target.elements[1].value
        if not isinstance(target, cst.Name):
            return
        name = target.value
        if name in self.found and self.found[name] != values:
            self.found[name] = None  # two different loops over one name: unknown
        else:
            self.found[name] = values

    def visit_For(self, node: cst.For) -> None:
        self._record(node.target, node.iter)


def _iter_values(node: cst.BaseExpression, lists: dict[str, list[Value]]) -> list[Value] | None:
    if isinstance(node, cst.Name) and node.value in lists:
        return lists[node.value]
    if isinstance(node, cst.Call) and dotted(node.func) == "range" and 1 <= len(node.args) <= 3:
        try:  # range(3), range(1, 4): literal bounds only
            bounds = [int(ast.literal_eval(code(a.value))) for a in node.args]
        except (ValueError, SyntaxError, TypeError):
            return None
        values = range(*bounds)
        return list(values) if len(values) <= MAX_LOOP_VALUES else None
    return literal_list(node)


def loop_lists(node: cst.FunctionDef, lists: dict[str, list[Value]]) -> dict[str, list[Value]]:
    """The `for` variables of a function body with the static values they iterate over (a
    comprehension's variables are its own: `comprehension_loops`)."""
    collector = _LoopCollector(lists)
    node.body.visit(collector)
    return {k: v for k, v in collector.found.items() if v}


Comprehension = cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp


def comprehension_loops(node: Comprehension, lists: dict[str, list[Value]]
                        ) -> dict[str, list[Value] | None]:
    """The variables of one comprehension with the static values they iterate over (None:
    unknown, which hides a variable of the same name outside it)."""
    collector = _LoopCollector(lists)
    comp: cst.CompFor | None = node.for_in
    while comp is not None:
        collector._record(comp.target, comp.iter)
        comp = comp.inner_for_in
    return collector.found


@dataclass
class CallSites:
    """What one piece of code does with names, from one visit: its calls by callee name
    (`f(...)`, `x.f(...)` under "f"), how often each name occurs (as a name or attribute;
    `x.f` counts twice), and how often it is defined (`def f`, `class f`)."""

    calls: dict[str, list[cst.Call]] = field(default_factory=dict)
    uses: Counter[str] = field(default_factory=Counter)
    definitions: Counter[str] = field(default_factory=Counter)
    # id(call) -> the classes and functions around it, outermost first: the caller's scope
    frames: dict[int, tuple[cst.ClassDef | cst.FunctionDef, ...]] = field(default_factory=dict)


def call_sites(node: cst.CSTNode) -> CallSites:
    sites = CallSites()
    stack: list[cst.ClassDef | cst.FunctionDef] = []
    receivers: set[int] = set()  # `Name` of `Name.attr`: reading an attribute, not a use

    class _V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            sites.calls.setdefault((dotted(n.func) or "").rsplit(".", 1)[-1], []).append(n)
            sites.frames[id(n)] = tuple(stack)

        def visit_Name(self, n: cst.Name) -> None:
            if id(n) not in receivers:
                sites.uses[n.value] += 1

        def visit_Attribute(self, n: cst.Attribute) -> None:
            sites.uses[n.attr.value] += 1
            if isinstance(n.value, cst.Name):  # `Listing.style()` does not pass Listing on
                receivers.add(id(n.value))

        def visit_FunctionDef(self, n: cst.FunctionDef) -> None:
            sites.definitions[n.name.value] += 1
            stack.append(n)

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            stack.pop()

        def visit_ClassDef(self, n: cst.ClassDef) -> None:
            sites.definitions[n.name.value] += 1
            stack.append(n)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            stack.pop()

    node.visit(_V())
    return sites


@dataclass(frozen=True)
class Caller:
    """One call of a function by name: the call, its file, the scope around it, and where
    it is (the source text of its piece and its rank among that piece's calls of the name,
    which find the same call again in a rewritten copy of the piece)."""

    call: cst.Call
    file: str
    frames: tuple[cst.ClassDef | cst.FunctionDef, ...]
    text: str
    index: int


def calls_of(pieces: Iterable[tuple[str, str, Callable[[], CallSites]]], callee: str
             ) -> list[Caller] | None:
    """Every call of `callee` by name (`f(...)`, `x.f(...)`) in the pieces given as (source
    text, file, its call sites); None when the name is also used otherwise (passed around,
    rebound): then its callers are unknown."""
    word = re.compile(r"\b" + re.escape(callee) + r"\b")
    found: list[Caller] = []
    for text, file, sites_of in pieces:
        if not word.search(text):
            continue
        sites = sites_of()
        calls = sites.calls.get(callee, [])
        if sites.uses[callee] > len(calls) + sites.definitions[callee]:
            return None
        found += [Caller(call, file, sites.frames.get(id(call), ()), text, i)
                  for i, call in enumerate(calls)]
    return found
