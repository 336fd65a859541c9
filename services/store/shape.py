"""A structural check compiled from a pydantic model: true only for parsed JSON the model accepts as it stands.

The store reads events that were validated when they were logged. Checking their shape and taking the rows from
the parsed JSON is several times cheaper than building the models; whatever the check does not accept (an older
schema version, a value pydantic would coerce, a malformed event) goes through the model, which upcasts it or
rejects it. So the check may refuse what the model would take, never the reverse. A type, constraint or setting
it does not know makes it refuse everything: slower, never wrong.

The check is generated as Python source, one function per model with a plain test per field: a closure per
field cost as much as pydantic itself, as an event has some 150 fields.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge
from pydantic import BaseModel

Check = Callable[[Any], bool]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
_INT64 = (-(2**63), 2**63)  # what both SQL backends store; pydantic takes larger ints, the model path sees those
# Settings that change neither what validates nor the values; any other (strict, str_strip_whitespace, ...) may.
_PLAIN_CONFIG = {"frozen", "title", "extra", "json_schema_extra", "use_attribute_docstrings"}


class _Unknown(Exception):
    """A type or setting the check cannot vouch for."""


def is_date(value: Any) -> bool:
    """An ISO day as pydantic writes it ('2022-03-31'): such a string is its own `date.isoformat()`."""
    if type(value) is not str or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_datetime(value: Any) -> bool:
    """An ISO date and time as pydantic writes it ('2022-03-31T10:00:00Z', with or without a fraction)."""
    if type(value) is not str or not _DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


class _Source:
    """The generated functions, and the constants they refer to by name."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"_is_date": is_date, "_is_datetime": is_datetime, "_MISSING": object()}
        self.functions: dict[type, str] = {}
        self.lines: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def test(self, annotation: Any, metadata: list, var: str, depth: int) -> str:
        """A boolean expression that is true when `var` holds a value of `annotation` the model takes as is."""
        if annotation is int:
            low, high = _INT64
            for constraint in metadata:
                if not isinstance(constraint, Ge):
                    raise _Unknown(constraint)
                low = max(low, constraint.ge)
            return f"(type({var}) is int and {low} <= {var} < {high})"
        if metadata:
            raise _Unknown(metadata)
        origin = get_origin(annotation)
        if annotation is str:
            return f"type({var}) is str"
        if annotation is bool:
            return f"({var} is True or {var} is False)"
        if annotation is float:  # pydantic writes floats as floats; an int would be read back as a float
            return f"type({var}) is float"
        if annotation is type(None):
            return f"{var} is None"
        if annotation is date:
            return f"_is_date({var})"
        if annotation is datetime:
            return f"_is_datetime({var})"
        if origin is Literal:
            # typed pairs, so that true is not taken for 1; only str, int and bool are hashable JSON values
            choices = self.constant({(type(choice), choice) for choice in get_args(annotation)})
            return f"(type({var}) in (str, int, bool) and (type({var}), {var}) in {choices})"
        if origin in (Union, types.UnionType):
            return "(" + " or ".join(self.test(option, [], var, depth) for option in get_args(annotation)) + ")"
        if origin is list:
            element = f"e{depth}"
            inner = self.test(get_args(annotation)[0], [], element, depth + 1)
            return f"(type({var}) is list and all({inner} for {element} in {var}))"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return f"{self.function(annotation)}({var})"
        raise _Unknown(annotation)

    def function(self, model: type[BaseModel]) -> str:
        if model in self.functions:
            return self.functions[model]
        name = self.functions[model] = f"_check_{len(self.functions)}"
        config = model.model_config
        decorators = model.__pydantic_decorators__
        if decorators.validators or decorators.field_validators or decorators.model_validators:
            raise _Unknown(model)
        if set(config) - _PLAIN_CONFIG or config.get("extra") not in (None, "ignore"):
            raise _Unknown(config)
        body = [f"def {name}(v):", "    if type(v) is not dict:", "        return False", "    get = v.get", "    try:"]
        for field, info in model.model_fields.items():
            key = info.alias or field
            if info.validation_alias not in (None, key):
                raise _Unknown(info.validation_alias)
            test = self.test(info.annotation, info.metadata, "x", 0)
            if info.is_required():  # a missing one raises KeyError
                body += [f"        x = v[{key!r}]", f"        if not {test}:", "            return False"]
            else:
                body += [f"        x = get({key!r}, _MISSING)", f"        if x is not _MISSING and not {test}:"]
                body += ["            return False"]
        self.lines += body + ["    except KeyError:", "        return False", "    return True", ""]
        return name


def compile_check(model: type[BaseModel]) -> Check:
    """The check for `model`: a dict with every required field, and each field present of the declared type."""
    source = _Source()
    try:
        name = source.function(model)
    except _Unknown:
        return lambda _value: False
    namespace = dict(source.names)
    exec(compile("\n".join(source.lines), f"<shape of {model.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace[name]
