"""Actors: people, organisations and armed groups in item text, canonicalised against a curated dictionary."""

from services.normalize.actors.dictionary import SECTORS, ActorDictionary, ActorEntry
from services.normalize.actors.recognizer import find_actors

__all__ = ["SECTORS", "ActorDictionary", "ActorEntry", "find_actors"]
