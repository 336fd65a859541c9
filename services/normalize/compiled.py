"""The normaliser's analysis (dates, places, actors) compiled to C extension modules with mypyc.

The same sources run as plain Python where no C compiler is found; compiled, they analyse an item about 1.5 times
as fast, with the same output (`make bench`, `make eval`). `make run`, `make test`, `make eval`, `make bench` and
`make replay` first build the modules next to their sources when one of them (or a schema) has changed or anything
is stale; `make compile` builds them in any case, `make pure` removes them. Python imports a module's compiled file
before its source, so a compiled file older than its source would run the old code: a failed build removes them all,
and neither the test suite nor the normaliser starts while one is stale.

    python -m services.normalize.compiled build|remove|check
"""

from __future__ import annotations

import os
import sys
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services/normalize/temporal", "services/normalize/places", "services/normalize/actors")
# Left as Python: the gazetteer pickles its PlaceTable into the index cache, and mypyc's classes do not unpickle as
# plain ones do (a lookup is a dictionary read, which compiling would not speed up); sources runs once per index
# build, on third-party records.
LEFT_PURE = frozenset({"services/normalize/places/gazetteer.py", "services/normalize/places/sources.py"})
# The compiled modules' shared runtime: services/normalize/native__mypyc*.so, inside a package, so that it is found
# wherever the packages are (the editable install puts the packages, not the tree, on the import path).
GROUP = "services.normalize.native"
BUILD_DIR = "build/mypyc"  # the generated C and the build's objects, relative to the root
# Python code whose types the compiled modules were checked against (and check at run time): a change makes them stale.
COMPILED_AGAINST = ("schemas/__init__.py", "schemas/normalized.py", "services/normalize/places/gazetteer.py")


def sources(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (root / package).glob("*.py")
        if path.relative_to(root).as_posix() not in LEFT_PURE
    )


def _module_name(path: Path) -> str | None:
    """The module this interpreter would import from the file, if it is an extension module of its own kind (not,
    say, one built for another Python, which it never imports)."""
    for suffix in EXTENSION_SUFFIXES:
        stem = path.name[: -len(suffix)]
        if path.name.endswith(suffix) and stem.isidentifier():
            return stem
    return None


def built_files(root: Path = ROOT) -> list[Path]:
    """Every compiled file of ours in the tree this interpreter would import: the group's runtime and every
    compiled module in the packages, including those of sources since deleted or left as Python."""
    runtime = root.joinpath(*GROUP.split("."))
    found = [runtime.with_name(f"{runtime.name}__mypyc{suffix}") for suffix in EXTENSION_SUFFIXES]
    found += [path for package in PACKAGES if (root / package).is_dir()
              for path in (root / package).iterdir() if _module_name(path)]
    return sorted({path for path in found if path.exists()})


def compiled_module(source: Path) -> Path | None:
    return next((c for s in EXTENSION_SUFFIXES if (c := source.with_name(source.stem + s)).exists()), None)


def stale(root: Path = ROOT) -> list[Path]:
    """What makes the compiled modules out of date, when there are any: sources newer than their module or
    without one, compiled modules of no compiled source (deleted, or left as Python since), and the code they were
    compiled against when newer than the oldest compiled file."""
    built = built_files(root)
    if not built:
        return []
    out = []
    compiled_sources = sources(root)
    for source in compiled_sources:
        module = compiled_module(source)
        if module is None or module.stat().st_mtime < source.stat().st_mtime:
            out.append(source)
    out += [path for path in built if path.parent != runtime_dir(root)
            and path.with_name(f"{_module_name(path)}.py") not in compiled_sources]
    oldest = min(path.stat().st_mtime for path in built)
    against = (root / name for name in COMPILED_AGAINST)
    out += [path for path in against if path.exists() and path.stat().st_mtime > oldest]
    return out


def runtime_dir(root: Path = ROOT) -> Path:
    return root.joinpath(*GROUP.split(".")[:-1])


class StaleModules(RuntimeError):
    pass


def ensure_fresh(root: Path = ROOT) -> None:
    """Raises StaleModules when the compiled modules would run older code than the sources say."""
    if old := stale(root):
        names = ", ".join(str(path.relative_to(root)) for path in old[:5])
        raise StaleModules(f"the compiled normaliser is out of date ({names} changed since it was compiled, or "
                           "left over): run make compile, or make pure to run the sources as plain Python")


def is_compiled(module: str) -> bool:
    """Whether this (imported) module runs compiled: caches of pickled objects are kept apart for each kind."""
    file = getattr(sys.modules[module], "__file__", None) or ""
    return file.endswith(tuple(EXTENSION_SUFFIXES))


def remove(root: Path = ROOT) -> int:
    files = built_files(root)
    for path in files:
        path.unlink()
    return len(files)


def build(root: Path = ROOT) -> None:
    """Compiles every source in place (build files under build/mypyc); raises when mypyc or the C compiler fails."""
    from mypyc.build import mypycify
    from setuptools import setup

    remove(root)
    started = time.time()
    paths = [str(path.relative_to(root)) for path in sources(root)]
    here = Path.cwd()
    os.chdir(root)
    try:
        extensions = mypycify(
            # Third-party packages are read as untyped: a compiled module checks at run time the types its
            # annotations name, and a package's hints may promise more than its data holds.
            ["--no-site-packages", "--ignore-missing-imports", "--follow-imports=silent", *paths],
            group_name=GROUP,
            multi_file=True,
            target_dir=BUILD_DIR,
        )
        # mypyc writes a dotted group's headers in the group's package folder but looks for them in the top one.
        extensions[0].include_dirs.append(str(Path(BUILD_DIR).joinpath(*GROUP.split(".")[:-1])))
        setup(
            name="wirelog-normalize-compiled",
            ext_modules=extensions,
            script_args=["build_ext", "--inplace", "--build-temp", f"{BUILD_DIR}/temp",
                         "--build-lib", f"{BUILD_DIR}/lib", "--parallel", str(os.cpu_count() or 1)],
        )
    finally:
        os.chdir(here)
    # An unchanged module is copied from the build directory with its old time: it is as new as the sources it
    # was built from, which are those of the build's start (a source edited meanwhile is newer, hence stale).
    for path in built_files(root):
        os.utime(path, (started, started))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "remove":
        print(f"removed {remove()} compiled files; the normaliser runs as plain Python")
        return 0
    if command == "check":
        old = stale()
        for path in old:
            print(f"stale: {path.relative_to(ROOT)} (changed since the normaliser was compiled, or left over): "
                  "make compile")
        return 1 if old else 0
    if command != "build":
        print(__doc__)
        return 2
    try:
        build()
    except KeyboardInterrupt:
        remove()  # never leave an older compiled module in front of a newer source
        print("compiling the normaliser was interrupted; it runs as plain Python", file=sys.stderr)
        return 130
    except (Exception, SystemExit) as exc:  # setup() exits with SystemExit on a compiler error
        remove()
        print(f"compiling the normaliser failed ({type(exc).__name__}: {exc}); it runs as plain Python",
              file=sys.stderr)
        return 1
    print(f"compiled {len(sources())} modules of the normaliser")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
