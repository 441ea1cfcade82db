"""`dataset export`: each training format round-trips to the dataset's (description, code)
rows, in curriculum order when asked, shuffled (seeded) otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from manimflat.dataset import build, load_config
from manimflat.dataset.cli import dataset
from manimflat.dataset.export import SYSTEM_PROMPT, record
from manimflat.markdown import strip_markdown

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dataset"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export")
    build(load_config(FIXTURES / "dataset.toml"), target, jobs=1, progress=False)
    return target


def _expected(out: Path, split: str) -> list[tuple[str, str]]:
    rows = pq.read_table(out / "dataset.parquet").to_pylist()
    rows = sorted((r for r in rows if r["split"] == split), key=lambda r: r["order"])
    return [(r["description"], r["code"]) for r in rows if r["description"].strip()]


def _back(fmt: str, line: dict) -> tuple[str, str]:
    """(description, code) from one exported record."""
    if fmt == "messages":
        turns = {t["role"]: t["content"] for t in line["messages"]}
        assert [t["role"] for t in line["messages"]] == ["system", "user", "assistant"]
        assert turns["system"] == SYSTEM_PROMPT
        prompt, answer = turns["user"], turns["assistant"]
    elif fmt == "alpaca":
        assert set(line) == {"instruction", "input", "output"} and line["input"] == ""
        prompt, answer = line["instruction"], line["output"]
    else:
        assert set(line) == {"prompt", "completion"}
        prompt, answer = line["prompt"], line["completion"]
    assert answer.startswith("```python\n") and answer.endswith("\n```\n")
    return prompt, strip_markdown(answer)


def _run(*args: str) -> str:
    done = CliRunner().invoke(dataset, ["export", *args])
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("fmt", ["messages", "alpaca", "completion"])
def test_each_format_round_trips_in_curriculum_order(out: Path, tmp_path: Path,
                                                     fmt: str) -> None:
    for split in ("train", "test"):
        target = tmp_path / f"{fmt}-{split}.jsonl"
        _run(str(out), "--format", fmt, "--split", split, "--order", "curriculum",
             "-o", str(target))
        lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
        assert [_back(fmt, line) for line in lines] == _expected(out, split)


def test_default_files_per_split_and_a_seeded_shuffle(out: Path) -> None:
    printed = _run(str(out), "--format", "completion", "--seed", "3")
    train = out / "export" / "completion-train.jsonl"
    assert str(train) in printed and (out / "export" / "completion-test.jsonl").is_file()
    first = train.read_text(encoding="utf-8")
    shuffled = [_back("completion", json.loads(x)) for x in first.splitlines()]
    assert sorted(shuffled) == sorted(_expected(out, "train"))
    _run(str(out), "--format", "completion", "--seed", "3")
    assert train.read_text(encoding="utf-8") == first  # the same seed, the same order
    orders = set()
    for seed in range(6):
        _run(str(out), "--format", "completion", "--seed", str(seed), "--split", "train")
        orders.add(train.read_text(encoding="utf-8"))
    assert len(orders) > 1


def test_stdout_system_prompt_and_undescribed_rows(tmp_path: Path) -> None:
    # The repo fixture's scenes take their descriptions from a docstring and a comment; with
    # the describe stage off, a scene without either has an empty description and is skipped
    # unless asked for.
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "repo", repo)
    (repo / "bare.py").write_text("from manim import *\n\n\nclass Bare(Scene):\n"
                                  "    def construct(self):\n        self.add(Dot())\n")
    config = tmp_path / "c.toml"
    config.write_text('[dataset]\ntest_fraction = 0.0\n[[source]]\nname = "v"\nkind = "repo"\n'
                      'path = "repo"\n[describe]\nwhen = "never"\n')
    out = tmp_path / "out"
    build(load_config(config), out, jobs=1, progress=False)
    done = CliRunner().invoke(dataset, ["export", str(out), "--format", "messages", "-o", "-",
                                        "--system", ""])
    assert done.exit_code == 0
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert all([t["role"] for t in x["messages"]] == ["user", "assistant"] for x in lines)
    assert "1 row(s) without a description skipped" in done.stderr
    kept = CliRunner().invoke(dataset, ["export", str(out), "--format", "alpaca", "-o", "-",
                                        "--include-undescribed"])
    assert len(kept.stdout.splitlines()) == len(lines) + 1
    assert any(json.loads(x)["instruction"] == "" for x in kept.stdout.splitlines())


def test_missing_shards_and_unknown_split_are_diagnosed(out: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(dataset, ["export", str(out), "--format", "alpaca",
                                        "--split", "validation"])
    assert done.exit_code == 1 and "MF533" in done.output and "test, train" in done.output
    done = CliRunner().invoke(dataset, ["export", str(tmp_path), "--format", "alpaca"])
    assert done.exit_code == 1 and "MF533" in done.output and "dataset build" in done.output


def test_record_shapes() -> None:
    row = {"description": "a dot", "text": "```python\nx = 1\n```"}
    assert record(row, "messages", "sys")["messages"][0] == {"role": "system", "content": "sys"}
    assert record(row, "alpaca") == {"instruction": "a dot", "input": "",
                                     "output": row["text"]}
    assert record(row, "completion") == {"prompt": "a dot", "completion": row["text"]}
