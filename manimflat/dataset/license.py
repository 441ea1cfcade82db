"""Which license a checkout is under, as an SPDX identifier, read from its files (never run).

`detect_license(root)` looks, in this order, at:
1. the license files at the root (`LICENSE`, `LICENCE`, `COPYING`, `UNLICENSE`, with or
   without a suffix such as `.md`/`.txt`/`-MIT`): an `SPDX-License-Identifier:` line, else the
   text matched against the phrases that identify each license below (whitespace, case and
   markdown emphasis ignored), else a file that only names a license (`MIT License`);
2. the package metadata: `pyproject.toml` (`[project] license`, a PEP 639 string or
   `{text = ...}`, its `License ::` classifiers, `[tool.poetry] license`), `setup.cfg`
   (`[metadata] license_expression` / `license`), and a literal `license=` keyword of the
   `setup(...)` call in `setup.py` (parsed, not executed).
The first step that names a license wins; `NOASSERTION` (SPDX's "no information") otherwise.
Several license files naming different licenses give `A AND B`: every one of them applies.

The GNU license texts do not say whether "only" or "or later" is meant (that is declared in
the source headers), so they map to `-only`: distributing under that version is allowed
either way. Files are read only inside `root` (symlinks leaving it are ignored), 256 KiB at most.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from pathlib import Path

NOASSERTION = "NOASSERTION"
_MAX_BYTES = 256 * 1024
_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|unlicense)([._-].*)?$", re.IGNORECASE)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+() -]+?)\s*(?:\*/|-->|$)",
                        re.MULTILINE)

# (SPDX id, phrases that must all occur) on normalized text; the first
# match wins, so more specific licenses come before the ones whose phrases they contain.
_TEXTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The titles, not mere mentions: the GPL's text itself names the Affero and Lesser GPLs.
    ("AGPL-3.0-only", ("gnu affero general public license version 3",)),
    ("LGPL-3.0-only", ("gnu lesser general public license version 3",)),
    ("LGPL-2.1-only", ("gnu lesser general public license version 2.1",)),
    ("LGPL-2.0-only", ("gnu library general public license version 2",)),
    ("GPL-3.0-only", ("gnu general public license version 3",)),
    ("GPL-2.0-only", ("gnu general public license version 2",)),
    ("Apache-2.0", ("apache license version 2.0",)),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("EPL-2.0", ("eclipse public license", "2.0")),
    ("BSL-1.0", ("boost software license", "version 1.0")),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("CC-BY-NC-SA-4.0", ("attribution-noncommercial-sharealike 4.0 international",)),
    ("CC-BY-NC-4.0", ("attribution-noncommercial 4.0 international",)),
    ("CC-BY-SA-4.0", ("attribution-sharealike 4.0 international",)),
    ("CC-BY-4.0", ("creative commons", "attribution 4.0 international")),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("WTFPL", ("do what the fuck you want to public license",)),
    ("MIT", ("permission is hereby granted, free of charge, to any person obtaining a copy",
             "subject to the following conditions")),  # MIT-0 sets none
    ("MIT-0", ("permission is hereby granted, free of charge, to any person obtaining a copy",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms",
                      "neither the name")),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms",
                      "may not be used to endorse or promote")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",
             "provided that the above copyright notice and this permission notice appear")),
    ("0BSD", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("Zlib", ("altered source versions must be plainly marked as such",)),
)

# Names people write in metadata, classifiers and one-line license files (normalized: lower
# case, spaces collapsed, "the " and " license" dropped), mapped to SPDX ids.
_NAMES = {
    "mit": "MIT", "expat": "MIT", "mit-0": "MIT-0", "apache-2.0": "Apache-2.0",
    "apache 2.0": "Apache-2.0", "apache 2": "Apache-2.0", "apache2": "Apache-2.0",
    "apache software": "Apache-2.0", "apache, version 2.0": "Apache-2.0",
    "apache version 2.0": "Apache-2.0", "bsd": "BSD-3-Clause", "bsd-3-clause": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause", "bsd 3-clause": "BSD-3-Clause", "bsd-2-clause": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause", "bsd 2-clause": "BSD-2-Clause", "isc": "ISC",
    "0bsd": "0BSD", "gpl": "GPL-3.0-only", "gplv3": "GPL-3.0-only", "gpl-3.0": "GPL-3.0-only",
    "gpl v3": "GPL-3.0-only", "gpl3": "GPL-3.0-only", "gnu general public v3 (gplv3)":
    "GPL-3.0-only", "gnu general public v3 or later (gplv3+)": "GPL-3.0-or-later",
    "gplv3+": "GPL-3.0-or-later", "gplv2": "GPL-2.0-only", "gpl-2.0": "GPL-2.0-only",
    "gnu general public v2 (gplv2)": "GPL-2.0-only", "gnu general public v2 or later (gplv2+)":
    "GPL-2.0-or-later", "lgpl-3.0": "LGPL-3.0-only", "lgplv3": "LGPL-3.0-only",
    "gnu lesser general public v3 (lgplv3)": "LGPL-3.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "agpl-3.0": "AGPL-3.0-only", "agplv3": "AGPL-3.0-only",
    "gnu affero general public v3": "AGPL-3.0-only", "mpl-2.0": "MPL-2.0",
    "mozilla public 2.0 (mpl 2.0)": "MPL-2.0", "unlicense": "Unlicense", "cc0": "CC0-1.0",
    "cc0-1.0": "CC0-1.0", "cc0 1.0 universal (cc0 1.0) public domain dedication": "CC0-1.0",
    "cc-by-4.0": "CC-BY-4.0", "cc by 4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc by-sa 4.0": "CC-BY-SA-4.0", "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "wtfpl": "WTFPL", "zlib": "Zlib",
    "zlib/libpng": "Zlib", "boost software 1.0 (bsl-1.0)": "BSL-1.0", "bsl-1.0": "BSL-1.0",
    "epl-2.0": "EPL-2.0", "eclipse public 2.0 (epl-2.0)": "EPL-2.0",
}
KNOWN = frozenset({spdx for spdx, _ in _TEXTS} | set(_NAMES.values())
                  | {"GPL-2.0-or-later", "GPL-3.0-or-later", "LGPL-2.1-or-later",
                     "LGPL-3.0-or-later", "AGPL-3.0-or-later"})
_BY_LOWER = {spdx.lower(): spdx for spdx in KNOWN}
_IDSTRING = re.compile(r"^(LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.-]+\+?)$")


def detect_license(root: Path) -> str:
    """The SPDX identifier (or expression) the checkout at `root` is licensed under."""
    found: list[str] = []
    for path in _license_files(root):
        spdx = license_of_text(_read(path) or "")
        if spdx != NOASSERTION and spdx not in found:
            found.append(spdx)
    if found:
        return " AND ".join(found)
    return _from_metadata(root)


def license_of_text(text: str) -> str:
    """The SPDX id of a license file's text, or NOASSERTION."""
    declared = _SPDX_LINE.search(text)
    if declared and valid_expression(declared.group(1).strip()):
        return declared.group(1).strip()
    plain = _normalize(text)
    for spdx, needed in _TEXTS:
        if all(p in plain for p in needed):
            return spdx
    if len(plain) <= 80:  # a file that only names its license: "MIT License", "Apache 2.0"
        return license_of_name(plain)
    return NOASSERTION


def license_of_name(name: str) -> str:
    """An SPDX id for a license as people name it in metadata ("MIT License", "Apache 2.0",
    a trove classifier), or NOASSERTION."""
    key = _normalize(name.split("::")[-1])
    key = re.sub(r"^the |\blicen[cs]e\b|\bversion\b ?", "", key).strip(" .,")
    key = re.sub(r"\s+", " ", key)
    if key in _NAMES:
        return _NAMES[key]
    if key in _BY_LOWER:
        return _BY_LOWER[key]
    original = name.strip()
    return original if valid_expression(original) and _known_ids(original) else NOASSERTION


def valid_expression(text: str) -> bool:
    """Whether `text` is an SPDX license expression: ids joined by AND/OR/WITH, parentheses."""
    tokens = text.replace("(", " ( ").replace(")", " ) ").split()
    if not tokens:
        return False
    expect_id, depth = True, 0
    for token in tokens:
        if token == "(" and expect_id:
            depth += 1
        elif token == ")" and not expect_id and depth:
            depth -= 1
        elif token in ("AND", "OR", "WITH") and not expect_id:
            expect_id = True
        elif expect_id and _IDSTRING.match(token):
            expect_id = False
        else:
            return False
    return not expect_id and depth == 0


def allowed(expression: str, licenses: frozenset[str]) -> bool:
    """Whether a row under `expression` may be kept when only `licenses` are: listed as is,
    or an OR with an allowed alternative, or an AND whose every part is allowed."""
    expression = expression.strip()
    if expression in licenses:
        return True
    bare = expression[1:-1].strip() if expression.startswith("(") and expression.endswith(")") \
        else expression
    if bare != expression:
        return allowed(bare, licenses)
    if " OR " in expression:
        return any(allowed(part, licenses) for part in expression.split(" OR "))
    if " AND " in expression:
        return all(allowed(part, licenses) for part in expression.split(" AND "))
    return False


def _known_ids(expression: str) -> bool:
    ids = [t for t in expression.replace("(", " ").replace(")", " ").split()
           if t not in ("AND", "OR", "WITH")]
    return all(t in KNOWN or t.startswith("LicenseRef-") for t in ids)


def _normalize(text: str) -> str:
    text = re.sub(r"[*_`#>]+", " ", text)
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return " ".join(text.lower().split())


def _inside(root: Path, path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve()) and path.resolve().is_file()
    except OSError:
        return False


def _read(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return handle.read(_MAX_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def _license_files(root: Path) -> list[Path]:
    try:
        names = sorted(p for p in root.iterdir() if _LICENSE_FILE.match(p.name))
    except OSError:
        return []
    return [p for p in names if _inside(root, p)]


def _from_metadata(root: Path) -> str:
    for name, reader in (("pyproject.toml", _pyproject), ("setup.cfg", _setup_cfg),
                         ("setup.py", _setup_py)):
        path = root / name
        if not _inside(root, path):
            continue
        text = _read(path)
        if text is None:
            continue
        spdx = reader(text)
        if spdx != NOASSERTION:
            return spdx
    return NOASSERTION


def _pyproject(text: str) -> str:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return NOASSERTION
    project = data["project"] if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    for value in (project.get("license"), poetry.get("license") if isinstance(poetry, dict)
                  else None):
        if isinstance(value, dict):
            value = value.get("text")
        if isinstance(value, str) and (spdx := license_of_name(value)) != NOASSERTION:
            return spdx
    classifiers = project.get("classifiers") or []
    for item in classifiers if isinstance(classifiers, list) else []:
        if isinstance(item, str) and item.startswith("License ::") \
                and (spdx := license_of_name(item)) != NOASSERTION:
            return spdx
    return NOASSERTION


def _setup_cfg(text: str) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return NOASSERTION
    for key in ("license_expression", "license"):
        value = parser.get("metadata", key, fallback="")
        if value and (spdx := license_of_name(value)) != NOASSERTION:
            return spdx
    for line in parser.get("metadata", "classifiers", fallback="").splitlines():
        if line.strip().startswith("License ::") \
                and (spdx := license_of_name(line.strip())) != NOASSERTION:
            return spdx
    return NOASSERTION


def _setup_py(text: str) -> str:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return NOASSERTION
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr",
                                                                             None)) == "setup":
            for keyword in node.keywords:
                if keyword.arg == "license" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    return license_of_name(keyword.value.value)
    return NOASSERTION
