"""The normaliser compiled with mypyc: same output as its Python sources, and never older than them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from services.normalize import compiled
from services.normalize.batch import analyze_lines
from services.normalize.normalizer import Normalizer
from tests.conftest import FIXTURES, IN_CI

TAGGER = "services.normalize.temporal.tagger"


def _records() -> list[dict]:
    """Every gold actor text, and each line of the fixture bulletins (dated by their first line)."""
    records = [
        {"id": gold["id"], "text": gold["text"], "reference_date": "2022-03-31"}
        for gold in map(json.loads, (FIXTURES / "actors" / "gold.jsonl").read_text(encoding="utf-8").splitlines())
    ]
    for path in sorted((FIXTURES / "bulletins").glob("*.txt")):
        day = path.stem.removeprefix("bulletin-")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                records.append({"id": f"{path.stem}:{n}", "text": line.lstrip("- "), "reference_date": day})
    return records


def test_ci_runs_the_compiled_normaliser() -> None:
    """CI builds with a C compiler at hand: the suite must exercise the code that `make run` runs there."""
    if not IN_CI:
        pytest.skip("outside CI the normaliser may run as plain Python (no C compiler)")
    import services.normalize.temporal.tagger  # noqa: F401

    assert compiled.is_compiled(TAGGER)
    assert not compiled.stale()


def test_compiled_output_is_the_python_output(tmp_path: Path) -> None:
    import services.normalize.temporal.tagger  # noqa: F401

    if not compiled.is_compiled(TAGGER):
        pytest.skip("the normaliser is not compiled here (make compile): nothing to compare")
    records = _records()
    lines = [json.dumps(record) for record in records]
    here = [json.dumps(result) for result in analyze_lines(lines, Normalizer())]

    # The same sources without their compiled modules, in a fresh interpreter.
    for package in ("schemas", "services"):
        shutil.copytree(compiled.ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    code = "import sys; from services.normalize.batch import run; sys.exit(run(sys.stdin, sys.stdout))"
    done = subprocess.run(
        [sys.executable, "-c", code], input="\n".join(lines), capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "compiled" not in done.stderr
    pure = done.stdout.splitlines()
    assert len(pure) == len(records) > 60
    assert sum(bool(json.loads(line)["places"]) for line in pure) > 30  # the texts exercise every part
    differences = [
        (was["id"], key, was[key], now[key])
        for was, now in zip(map(json.loads, pure), map(json.loads, here), strict=True)
        for key in was
        if was[key] != now.get(key)
    ]
    assert differences == []  # (record, field, as Python, compiled)


def _tree(root: Path, compiled_files: dict[str, float]) -> None:
    """A source tree with the normaliser's packages; compiled_files: module path -> age of its .so (s, + = newer)."""
    for package in compiled.PACKAGES:
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        (root / package / "mod.py").write_text("x = 1\n")
    left_as_python = root / "services/normalize/places/gazetteer.py"
    left_as_python.write_text("")
    os.utime(left_as_python, (1e9, 1e9))  # older than every compiled file
    suffix = EXTENSION_SUFFIXES[0]
    for module, offset in compiled_files.items():
        source = root / module
        built = source.with_name(source.stem + suffix)
        built.write_bytes(b"")
        mtime = source.stat().st_mtime + offset
        os.utime(built, (mtime, mtime))


def test_stale_names_each_source_newer_than_its_compiled_module_or_without_one(tmp_path: Path) -> None:
    _tree(tmp_path, {})
    assert compiled.stale(tmp_path) == []  # nothing compiled: plain Python, nothing stale
    modules = [str(path.relative_to(tmp_path)) for path in compiled.sources(tmp_path)]
    assert "services/normalize/places/gazetteer.py" not in modules  # left as Python
    shutil.rmtree(tmp_path / "services")
    _tree(tmp_path, {module: 10.0 for module in modules})
    assert compiled.stale(tmp_path) == []

    shutil.rmtree(tmp_path / "services")
    ages = {module: 10.0 for module in modules if module != "services/normalize/actors/mod.py"}
    _tree(tmp_path, ages | {"services/normalize/temporal/mod.py": -10.0})
    assert compiled.stale(tmp_path) == [tmp_path / "services/normalize/actors/mod.py",
                                        tmp_path / "services/normalize/temporal/mod.py"]


def test_stale_names_compiled_modules_without_a_source_and_newer_code_they_were_built_against(tmp_path: Path) -> None:
    _tree(tmp_path, {f"{package}/{name}": 10.0 for package in compiled.PACKAGES for name in ("__init__.py", "mod.py")})
    # The source of a compiled module deleted: its code would still run, from the group's runtime.
    (tmp_path / "services/normalize/actors/mod.py").unlink()
    orphan = tmp_path / f"services/normalize/actors/mod{EXTENSION_SUFFIXES[0]}"
    assert compiled.stale(tmp_path) == [orphan]
    orphan.unlink()
    assert compiled.stale(tmp_path) == []
    # One built for another Python is never imported here; one of a module left as Python would shadow it.
    (tmp_path / "services/normalize/actors/mod.cpython-312-x86_64-linux-gnu.so").write_bytes(b"")
    assert compiled.stale(tmp_path) == []
    shadow = tmp_path / f"services/normalize/places/gazetteer{EXTENSION_SUFFIXES[0]}"
    shadow.write_bytes(b"")
    assert compiled.stale(tmp_path) == [shadow]
    shadow.unlink()
    # A schema the compiled code reads, changed since the build.
    (tmp_path / "schemas").mkdir()
    schema = tmp_path / "schemas/normalized.py"
    schema.write_text("")
    later = max(path.stat().st_mtime for path in compiled.built_files(tmp_path)) + 60
    os.utime(schema, (later, later))
    assert compiled.stale(tmp_path) == [schema]
    with pytest.raises(compiled.StaleModules, match="make compile"):
        compiled.ensure_fresh(tmp_path)


def test_removing_takes_every_compiled_file_and_the_runtime(tmp_path: Path) -> None:
    modules = {"services/normalize/temporal/mod.py": 1.0, "services/normalize/places/gazetteer.py": 1.0}
    _tree(tmp_path, modules)
    runtime = tmp_path / f"services/normalize/native__mypyc{EXTENSION_SUFFIXES[0]}"
    runtime.write_bytes(b"")
    (tmp_path / f"services/normalize/places/gone{EXTENSION_SUFFIXES[0]}").write_bytes(b"")  # its source deleted
    assert compiled.remove(tmp_path) == 4  # a module left as Python now may have been compiled before
    assert not list(tmp_path.rglob("*.so")) and compiled.built_files(tmp_path) == []
