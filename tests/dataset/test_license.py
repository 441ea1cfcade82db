"""The SPDX license detector: license files, package metadata, expressions and the filter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manimflat.dataset.license import (
    NOASSERTION,
    allowed,
    detect_license,
    license_of_name,
    license_of_text,
    valid_expression,
)

MIT = """MIT License

Copyright (c) 2024 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
"""
BSD = """Copyright (c) 2025, A

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
1. Redistributions of source code must retain the above copyright notice.
2. Redistributions in binary form must reproduce the above copyright notice.
"""
# The GPL's own text names the Affero and Lesser GPLs; the title decides.
GPL3 = """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007
 ...
  13. Use with the GNU Affero General Public License.
 ... use the GNU Lesser General Public License instead of this License.
"""


@pytest.mark.parametrize(("text", "spdx"), [
    (MIT, "MIT"),
    # MIT-0 grants the same permission with no conditions at all.
    (MIT.split(", subject to")[0] + ".\n", "MIT-0"),
    (BSD, "BSD-2-Clause"),
    (BSD + "3. Neither the name of the copyright holder nor the names of its contributors "
           "may be used to endorse or promote products.\n", "BSD-3-Clause"),
    (GPL3, "GPL-3.0-only"),
    ("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007\n", "AGPL-3.0-only"),
    ("# GNU Lesser General Public License\n\n_Version 3, 29 June 2007_\n", "LGPL-3.0-only"),
    ("\n                                 Apache License\n                           "
     "Version 2.0, January 2004\n", "Apache-2.0"),
    ("Attribution-NonCommercial-ShareAlike 4.0 International\n\n=====\nCreative Commons",
     "CC-BY-NC-SA-4.0"),
    ("This is free and unencumbered software released into the public domain.\n",
     "Unlicense"),
    ("SPDX-License-Identifier: MIT OR Apache-2.0\n\nsee the two files", "MIT OR Apache-2.0"),
    ("MIT License\n", "MIT"),
    ("Apache 2.0", "Apache-2.0"),
    ("All rights reserved. Do not copy.", NOASSERTION),
    ("", NOASSERTION),
])
def test_license_texts(text: str, spdx: str) -> None:
    assert license_of_text(text) == spdx


@pytest.mark.parametrize(("name", "spdx"), [
    ("MIT", "MIT"), ("MIT License", "MIT"), ("The MIT License", "MIT"),
    ("License :: OSI Approved :: MIT License", "MIT"),
    ("License :: OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    ("License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
     "GPL-3.0-or-later"),
    ("License :: OSI Approved :: Apache Software License", "Apache-2.0"),
    ("BSD", "BSD-3-Clause"), ("apache-2.0", "Apache-2.0"), ("GPL-3.0-or-later",
                                                           "GPL-3.0-or-later"),
    ("MIT OR Apache-2.0", "MIT OR Apache-2.0"), ("LicenseRef-Proprietary",
                                                 "LicenseRef-Proprietary"),
    ("Proprietary", NOASSERTION), ("see LICENSE", NOASSERTION),
])
def test_license_names(name: str, spdx: str) -> None:
    assert license_of_name(name) == spdx


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(("files", "spdx"), [
    ({"LICENSE": MIT}, "MIT"),
    ({"LICENSE.md": BSD}, "BSD-2-Clause"),
    ({"COPYING": GPL3}, "GPL-3.0-only"),
    ({"licence.txt": MIT}, "MIT"),
    # Two license files: both apply.
    ({"LICENSE": MIT, "LICENSE-CONTENT": "Creative Commons\nAttribution 4.0 International"},
     "MIT AND CC-BY-4.0"),
    # The license text wins over the metadata; unreadable license text falls back to it.
    ({"LICENSE": MIT, "pyproject.toml": '[project]\nlicense = "Apache-2.0"\n'}, "MIT"),
    ({"LICENSE": "ask me", "pyproject.toml": '[project]\nlicense = "Apache-2.0"\n'},
     "Apache-2.0"),
    ({"pyproject.toml": '[project]\nlicense = {text = "MIT"}\n'}, "MIT"),
    ({"pyproject.toml": '[project]\nclassifiers = ["License :: OSI Approved :: BSD License"]\n'},
     "BSD-3-Clause"),
    ({"pyproject.toml": '[tool.poetry]\nlicense = "GPL-3.0-or-later"\n'}, "GPL-3.0-or-later"),
    ({"pyproject.toml": "not = toml = at all"}, NOASSERTION),
    ({"setup.cfg": "[metadata]\nname = x\nlicense = MIT License\n"}, "MIT"),
    ({"setup.py": "from setuptools import setup\nsetup(name='x', license='Apache 2.0')\n"},
     "Apache-2.0"),
    ({"README.md": "MIT licensed, honest"}, NOASSERTION),
    ({}, NOASSERTION),
])
def test_detect_license_in_a_checkout(tmp_path: Path, files: dict[str, str], spdx: str) -> None:
    assert detect_license(_tree(tmp_path, files)) == spdx


def test_setup_py_is_parsed_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    _tree(tmp_path / "repo", {"setup.py": f"open({str(marker)!r}, 'w')\n"
                                          "from setuptools import setup\nsetup(license='MIT')\n"})
    assert detect_license(tmp_path / "repo") == "MIT"
    assert not marker.exists()


def test_license_files_outside_the_checkout_are_not_read(tmp_path: Path) -> None:
    _tree(tmp_path, {"outside/LICENSE": MIT})
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(tmp_path / "outside" / "LICENSE", repo / "LICENSE")
    assert detect_license(repo) == NOASSERTION
    (repo / "LICENSES").mkdir()  # a folder named like a license file is no license text
    assert detect_license(repo) == NOASSERTION


def test_expressions_and_the_filter() -> None:
    assert valid_expression("MIT") and valid_expression("(MIT OR Apache-2.0) AND CC-BY-4.0")
    assert valid_expression("GPL-2.0-or-later WITH Classpath-exception-2.0")
    assert not valid_expression("MIT License") and not valid_expression("MIT OR")
    assert not valid_expression("(MIT") and not valid_expression("")
    ok = frozenset({"MIT", "Apache-2.0"})
    assert allowed("MIT", ok) and allowed("GPL-3.0-only OR MIT", ok)
    assert allowed("MIT AND Apache-2.0", ok) and allowed("(MIT)", ok)
    assert not allowed("MIT AND CC-BY-4.0", ok) and not allowed(NOASSERTION, ok)
    assert allowed(NOASSERTION, ok | {NOASSERTION})
