"""models.dataclass builds the same classes as dataclasses.dataclass(frozen=True), faster.

Each model class is compared with a reference made by the standard library from the same fields:
constructor (positional, keyword, defaults and default factories), repr, equality, hashing
(hash=False fields left out), immutability, and dataclasses.replace / fields / asdict.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest

from crisisnav import models

CLASSES = [
    obj
    for _name, obj in inspect.getmembers(models, inspect.isclass)
    if obj.__module__ == models.__name__ and dataclasses.is_dataclass(obj)
]


def _reference(cls: type) -> type:
    specs = []
    for f in dataclasses.fields(cls):
        kw: dict[str, Any] = {"hash": f.hash, "compare": f.compare, "repr": f.repr}
        if f.default is not dataclasses.MISSING:
            kw["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            kw["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**kw)))
    ref = dataclasses.make_dataclass(cls.__name__, specs, frozen=True)
    ref.__qualname__ = cls.__qualname__
    return ref


def _required(cls: type) -> dict[str, Any]:
    return {
        f.name: f"v-{f.name}"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


def _hash(obj: Any) -> Any:
    try:
        return hash(obj)
    except TypeError as e:  # a dict field that takes part in the hash: unhashable in both
        return type(e)


def test_every_model_class_is_covered() -> None:
    names = {c.__name__ for c in CLASSES}
    assert {"Contact", "Resource", "Place", "Resolution", "LookupResult", "Notice"} <= names
    assert len(CLASSES) == 13


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_same_behaviour_as_the_standard_dataclass(cls: type) -> None:
    ref = _reference(cls)
    args = _required(cls)
    ours, theirs = cls(**args), ref(**args)
    assert repr(ours) == repr(theirs)
    assert _hash(ours) == _hash(theirs)
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(ref)]
    positional = list(args.values())
    assert cls(*positional) == ours  # required fields come first, in order
    assert ours == cls(**args) and ours != theirs  # equal only to its own class
    for f in dataclasses.fields(cls):
        other = dataclasses.replace(ours, **{f.name: "changed"})
        mirror = dataclasses.replace(theirs, **{f.name: "changed"})
        assert repr(other) == repr(mirror)
        assert (other == ours) == (mirror == theirs), f.name  # compare=... respected
        assert (_hash(other) == _hash(ours)) == (_hash(mirror) == _hash(theirs)), f.name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ours, f.name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(ours, f.name)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and params.eq and params.init and params.repr


def test_default_factories_give_fresh_values() -> None:
    a, b = models.Notice(kind="x"), models.Notice(kind="x")
    assert a.fields == {} and a.fields is not b.fields
    assert a == b and hash(a) == hash(b)
