"""The reference pages are generated from the code and committed; they must not drift."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from manimflat.diagnostics import CODES
from manimflat.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_code_has_an_example_in_its_own_format() -> None:
    catalog = (ROOT / "docs" / "diagnostics.md").read_text()
    for code in CODES:
        assert f"\n### {code}\n" in catalog, code
        # The example is a line as the CLI prints it: `where: severity CODE message`.
        assert re.search(rf"^\S+: (error|warning|fixed|info) {code} \S", catalog, re.MULTILINE), code


def test_configuration_page_documents_every_setting() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    for name in Settings.__dataclass_fields__:
        if name != "extra":
            assert f"| `{name.replace('_', '-')}` |" in page, name
