"""The inner loop of the OCDS merge: one compiled or versioned release in the making.

:mod:`spiral.ocds.merge` derives the merge rules from the release schema, orders the releases
and hands them here. This module holds only the walk over the nested releases, written so that
mypyc can compile it to a C extension (``make install`` builds it when a C compiler is
present; see ``docs/performance.md``). Compiled or not, it gives the same output: the compiled
build and this source are tested against each other and against the reference implementation.

Subtrees of the releases are adopted as they are (not copied) when nothing in them needs
changing, and copied only when a later release changes them, so the releases given are never
changed. A subtree equal to the one already compiled, down to the types of its values, is
skipped. A field that changes type between releases raises :class:`Conflict`, and
:mod:`spiral.ocds.merge` hands that process to the reference implementation.
"""

from __future__ import annotations

from math import copysign
from types import FunctionType
from typing import Any, Final

import orjson

#: A merge rule: the field is dropped from merged releases.
OMIT: Final = "omitWhenMerged"
#: A merge rule: the array (or value) is replaced whole, never merged item by item.
WHOLE: Final = "wholeListMerge"

RuleTree = dict[str, tuple[str | None, "RuleTree"]]

_EMPTY: Final[RuleTree] = {}


def _probe() -> None:
    """Nothing: a Python function object only where this module runs as Python."""


#: Whether mypyc compiled this module (at install, by ``setup.py``).
COMPILED: Final = not isinstance(_probe, FunctionType)


class _Missing:
    """Placeholder for a field that is not there."""

    __slots__ = ()


class _Null:
    """Placeholder for a field set to ``null``: keeps the field's place until output."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"


_MISSING: Final = _Missing()
_NULL: Final = _Null()


class Conflict(Exception):  # noqa: N818 - an internal signal, not an error shown to anyone
    """A field changed type between releases: merge this process with the reference code."""


def same(compiled: Any, new: Any) -> bool:  # noqa: PLR0911 - an answer per JSON type
    """Whether two values are the same in JSON: equal, and of the same types throughout.

    Python holds ``1 == 1.0 == True``; JSON and ocds-merge do not. Key order is not compared:
    merging into an object keeps the order of its fields.

    Examples
    --------
    >>> same({"a": [1, "x"]}, {"a": [1, "x"]}), same({"a": 1}, {"a": 1.0}), same([True], [1])
    (True, False, False)
    >>> same(0.0, -0.0)
    False
    """
    if compiled is new:
        return True
    if not COMPILED:
        # Run as Python, comparisons made in C beat walking the values: equal, and written
        # alike in JSON (which also compares key order: that can only make the merge do work
        # it might have skipped).
        if compiled != new:
            return False
        try:
            return bool(orjson.dumps(compiled) == orjson.dumps(new))
        except TypeError:  # a number orjson cannot write, or a null placeholder
            return False
    kind = type(compiled)
    if kind is not type(new):
        return False
    if kind is str:
        text: str = compiled
        other_text: str = new
        return text == other_text
    if kind is dict:
        mine: dict[str, Any] = compiled
        theirs: dict[str, Any] = new
        if len(mine) != len(theirs):
            return False
        # A key missing from ``theirs`` gives ``_MISSING``, of another type than any value.
        return all(same(value, theirs.get(key, _MISSING)) for key, value in mine.items())
    if kind is list:
        first: list[Any] = compiled
        second: list[Any] = new
        if len(first) != len(second):
            return False
        return all(same(first[position], second[position]) for position in range(len(first)))
    if kind is float:
        number: float = compiled
        other_number: float = new
        # 0.0 == -0.0, but JSON writes them apart.
        return number == other_number and copysign(1.0, number) == copysign(1.0, other_number)
    return bool(compiled == new)


def _is_items(value: Any) -> bool:
    """Whether a compiled value is an array merged item by item (a list of objects only)."""
    if type(value) is not list:
        return False
    items: list[Any] = value
    if not items:
        return False
    return all(type(item) is dict for item in items)


def _id_first(element: dict[str, Any], identifier: Any) -> dict[str, Any]:
    """An array item as ocds-merge writes it: ``id`` first, then the other fields in order."""
    for key in element:
        if key == "id":
            return element
        break
    return {"id": identifier, **element}


class Compiler:
    """One compiled release in the making.

    Subtrees of the releases are adopted as they are, not copied, whenever nothing in them needs
    changing (no ``null``, no empty object or array, no omitted field, array items with a unique
    ``id`` written first). Adopted containers are shared with the releases and never changed:
    a container that a later release changes is copied first (copy on write), and the copies are
    the containers owned here. The releases given are thus left exactly as they were.
    """

    __slots__ = ("idless", "nulls", "owned")

    def __init__(self) -> None:
        # The containers made here (by identity): the only ones changed in place.
        self.owned: set[int] = set()
        self.idless = False  # an array item without ``id`` was added: no shortcut by equality
        self.nulls = False  # a field was set to null: strip the placeholders at the end

    def own(self, base: dict[str, Any], key: str, current: Any) -> Any:
        """Replace an adopted container by a shallow copy that may be changed."""
        copied = current.copy()
        self.owned.add(id(copied))
        base[key] = copied
        return copied

    def merge_object(self, base: dict[str, Any], new: dict[str, Any], rules: RuleTree) -> None:
        """Merge an object of a release into an owned object of the compiled release."""
        if not rules:
            self.merge_plain(base, new)
            return
        for key, value in new.items():
            rule = rules.get(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind is not None:
                    if kind == WHOLE:
                        self.set_leaf(base, key, value, whole=True)
                    continue  # omitted, or replaced whole
            kind_of_value = type(value)
            if kind_of_value is dict or kind_of_value is list or value is None:
                self.merge_field(base, key, value, sub)
                continue
            # The common case, inlined: a string, number or boolean replaces what was there.
            current = base.get(key)
            if current is not None:
                kind_of_current = type(current)
                if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                    raise Conflict
            base[key] = value

    def merge_field(self, base: dict[str, Any], key: str, value: Any, rules: RuleTree) -> None:
        """Merge one field's value (with no rule of its own) into an owned object."""
        kind_of_value = type(value)
        if kind_of_value is dict:
            if value:
                self.merge_child(base, key, value, rules)
        elif kind_of_value is list:
            if value:
                self.merge_list(base, key, value, rules)
        elif value is None:
            self.set_leaf(base, key, value, whole=False)
        else:
            # A string, number or boolean replaces what was there.
            current = base.get(key)
            if current is not None:
                kind_of_current = type(current)
                if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                    raise Conflict
            base[key] = value

    def merge_plain(self, base: dict[str, Any], new: dict[str, Any]) -> None:
        """:meth:`merge_object` where no merge rule applies (most objects): fewer look-ups."""
        value: Any
        for key, value in new.items():
            kind_of_value = type(value)
            if kind_of_value is dict:
                if value:
                    self.merge_child(base, key, value, _EMPTY)
            elif kind_of_value is list:
                if value:
                    self.merge_list(base, key, value, _EMPTY)
            elif value is None:
                self.set_leaf(base, key, value, whole=False)
            else:
                current = base.get(key)
                if current is not None:
                    kind_of_current = type(current)
                    if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                        raise Conflict
                base[key] = value

    def merge_child(
        self, base: dict[str, Any], key: str, value: dict[str, Any], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            child = self.fresh_object(value, rules)
            if child:
                base[key] = child
        elif type(current) is dict:
            if self.idless or not same(current, value):
                if id(current) not in self.owned:
                    current = self.own(base, key, current)
                self.merge_object(current, value, rules)
        else:
            raise Conflict

    def merge_list(self, base: dict[str, Any], key: str, value: list[Any], rules: RuleTree) -> None:
        for item in value:
            if type(item) is not dict:
                self.set_leaf(base, key, value, whole=False)
                return
        current = base.get(key, _MISSING)
        if current is _MISSING:
            items = self.fresh_items(value, rules)
            if items:
                base[key] = items
        elif type(current) is list:
            if not self.idless and same(current, value):
                return
            if not _is_items(current):
                raise Conflict
            if id(current) not in self.owned:
                current = self.own(base, key, current)
            self.merge_items(current, value, rules)
        else:
            raise Conflict

    def fresh_object(self, new: dict[str, Any], rules: RuleTree) -> dict[str, Any]:
        """Merge an object into nothing: the object itself when nothing in it needs changing,
        otherwise a copy made from the first field that does."""
        if not rules or rules.keys().isdisjoint(new):
            return self.fresh_plain(new)
        out: dict[str, Any] | None = None
        for key, value in new.items():
            rule = rules.get(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind == OMIT:
                    kept: Any = _MISSING
                elif kind == WHOLE:
                    kept = self.leaf(value)
                else:
                    kept = self.fresh_value(value, sub)
                if kept is not value or out is not None:
                    out = self.changed(new, key, kept, out)
                continue
            kind_of_value = type(value)
            if kind_of_value is dict or kind_of_value is list or value is None:
                kept = self.fresh_value(value, sub)
                if kept is not value or out is not None:
                    out = self.changed(new, key, kept, out)
            elif out is not None:
                out[key] = value
        return new if out is None else out

    def fresh_plain(self, new: dict[str, Any]) -> dict[str, Any]:
        """:meth:`fresh_object` where no merge rule applies (most objects): fewer look-ups."""
        out: dict[str, Any] | None = None
        for key, value in new.items():
            kind_of_value = type(value)
            if kind_of_value is str:
                if out is not None:
                    out[key] = value
                continue
            if kind_of_value is dict:
                kept: Any = self.fresh_plain(value) if value else _MISSING
                if not kept:
                    kept = _MISSING
            elif kind_of_value is list or value is None:
                kept = self.fresh_value(value, _EMPTY)
            else:
                if out is not None:
                    out[key] = value
                continue
            if kept is not value or out is not None:
                out = self.changed(new, key, kept, out)
        return new if out is None else out

    def fresh_value(self, value: Any, rules: RuleTree) -> Any:
        """A value merged into nothing (``_MISSING``: it leaves no field)."""
        kind_of_value = type(value)
        if kind_of_value is dict:
            if not value:
                return _MISSING
            child = self.fresh_object(value, rules)
            return child if child else _MISSING
        if kind_of_value is list:
            if not value:
                return _MISSING
            for item in value:
                if type(item) is not dict:
                    return value  # an array of anything but objects is a value, kept whole
            items = self.fresh_items(value, rules)
            return items if items else _MISSING
        return self.leaf(value)

    @staticmethod
    def changed(
        new: dict[str, Any], key: str, kept: Any, out: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Start (or go on with) the copy of an object that cannot be adopted as it is."""
        if out is None:
            out = {}
            for earlier, value in new.items():
                if earlier is key:
                    break
                out[earlier] = value
        if kept is not _MISSING:
            out[key] = kept
        return out

    def fresh_items(self, new: list[dict[str, Any]], rules: RuleTree) -> list[Any]:
        """Merge an array of objects into nothing: the array itself when every item has a
        distinct ``id``, written first, and needs no change."""
        seen: set[Any] = set()
        elements: list[Any] | None = None
        for position, value in enumerate(new):
            identifier = value.get("id", _MISSING)
            kind_of_id = type(identifier)
            if kind_of_id is not str and (
                identifier is _MISSING or identifier is None or kind_of_id in (dict, list)
            ):
                return self.build_items(new, rules)
            key = identifier if kind_of_id is str else str(identifier)
            if key in seen:
                return self.build_items(new, rules)  # items with the same id merge
            seen.add(key)
            element = _id_first(self.fresh_object(value, rules), identifier)
            if element is not value and elements is None:
                elements = new[:position]
            if elements is not None:
                elements.append(element)
        return new if elements is None else elements

    def build_items(self, new: list[dict[str, Any]], rules: RuleTree) -> list[Any]:
        """Merge an array of objects into nothing, item by item (items with the same id merge)."""
        items: list[Any] = []
        owned = self.owned
        owned.add(id(items))
        index: dict[str, dict[str, Any]] = {}
        for value in new:
            if "id" not in value:
                self.idless = True
                element = self.fresh_object(value, rules)
                if element:
                    items.append(element)
                continue
            identifier = value["id"]
            if identifier is None or type(identifier) in (dict, list):
                raise Conflict
            key = str(identifier)
            found = index.get(key)
            if found is None:
                element = {"id": identifier}
                element.update(self.fresh_object(value, rules))
                owned.add(id(element))
                index[key] = element
                items.append(element)
            elif type(found["id"]) is not type(identifier):
                raise Conflict
            else:
                self.merge_object(found, value, rules)
        return items

    def leaf(self, value: Any) -> Any:
        """A value as stored: ``null`` becomes the placeholder that keeps its place."""
        if value is None:
            self.nulls = True
            return _NULL
        return value

    def set_leaf(self, base: dict[str, Any], key: str, value: Any, *, whole: bool) -> None:
        current = base.get(key)
        if type(current) is dict or (not whole and _is_items(current)):
            raise Conflict
        if value is None:
            value = _NULL
            self.nulls = True
        base[key] = value

    def merge_items(self, items: list[Any], new: list[dict[str, Any]], rules: RuleTree) -> None:
        owned = self.owned
        index: dict[str, int] = {
            str(item["id"]): position for position, item in enumerate(items) if "id" in item
        }
        for value in new:
            if "id" in value:
                identifier = value["id"]
                if identifier is None or type(identifier) in (dict, list):
                    raise Conflict
                key = str(identifier)
                position = index.get(key)
                if position is None:
                    element = _id_first(self.fresh_object(value, rules), identifier)
                    index[key] = len(items)
                    items.append(element)
                    continue
                element = items[position]
                if type(element["id"]) is not type(identifier):
                    raise Conflict
                if self.idless or not same(element, value):
                    if id(element) not in owned:
                        element = element.copy()
                        owned.add(id(element))
                        items[position] = element
                    self.merge_object(element, value, rules)
            else:
                self.idless = True
                element = self.fresh_object(value, rules)
                if element:
                    items.append(element)


def strip_nulls(value: Any) -> Any:
    if type(value) is dict:
        return {k: strip_nulls(v) for k, v in value.items() if v is not _NULL}
    if type(value) is list:
        return [strip_nulls(v) for v in value]
    return value


class Versioner:
    """One versioned release in the making."""

    __slots__ = ("added", "histories", "item_lists", "meta")

    def __init__(self) -> None:
        self.meta: tuple[Any, Any, Any] = (None, None, None)
        self.added: dict[int, bool] = {}  # histories given an entry by the current release
        # The lists made here (by identity): a field's history, or an array merged by ``id``.
        self.histories: set[int] = set()
        self.item_lists: set[int] = set()

    def merge_object(
        self, base: dict[str, Any], new: dict[str, Any], rules: RuleTree, *, skip_id: bool
    ) -> None:
        for key, value in new.items():
            if skip_id and key == "id":
                continue
            rule = rules.get(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind == OMIT:
                    continue
                if kind == WHOLE:
                    self.set_leaf(base, key, value)
                    continue
            kind_of_value = type(value)
            if kind_of_value is dict:
                if value:
                    self.merge_child(base, key, value, sub)
            elif kind_of_value is list and value and all(type(item) is dict for item in value):
                self.merge_list(base, key, value, sub)
            elif kind_of_value is not list or value:
                self.set_leaf(base, key, value)

    def merge_child(
        self, base: dict[str, Any], key: str, value: dict[str, Any], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            child: dict[str, Any] = {}
            self.merge_object(child, value, rules, skip_id=False)
            if child:
                base[key] = child
        elif type(current) is dict:
            self.merge_object(current, value, rules, skip_id=False)
        else:
            raise Conflict

    def merge_list(
        self, base: dict[str, Any], key: str, value: list[dict[str, Any]], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            items: list[Any] = []
            self.item_lists.add(id(items))
            self.merge_items(items, value, rules)
            if items:
                base[key] = items
        elif type(current) is list and id(current) in self.item_lists:
            self.merge_items(current, value, rules)
        else:
            raise Conflict

    def set_leaf(self, base: dict[str, Any], key: str, value: Any) -> None:
        current = base.get(key)
        if current is None:
            current = base[key] = []
            self.histories.add(id(current))
        elif id(current) not in self.histories:
            raise Conflict
        elif self.added.get(id(current)):
            # A second value for the same field in the same release (two array items with the
            # same id): within a release the later value wins, as if the first never was.
            current.pop()
            self.added[id(current)] = False
        if not current or value != current[-1]["value"]:
            release_id, date, tag = self.meta
            current.append(
                {"releaseID": release_id, "releaseDate": date, "releaseTag": tag, "value": value}
            )
            self.added[id(current)] = True

    def merge_items(self, items: list[Any], new: list[dict[str, Any]], rules: RuleTree) -> None:
        index: dict[str, dict[str, Any]] = {str(item["id"]): item for item in items if "id" in item}
        for value in new:
            if "id" in value:
                identifier = value["id"]
                if identifier is None or type(identifier) in (dict, list):
                    raise Conflict
                key = str(identifier)
                element = index.get(key)
                if element is None:
                    element = {"id": identifier}
                    index[key] = element
                    items.append(element)
                elif type(element["id"]) is not type(identifier):
                    raise Conflict
                self.merge_object(element, value, rules, skip_id=True)
            else:
                element = {}
                self.merge_object(element, value, rules, skip_id=False)
                if element:
                    items.append(element)


def compile_ordered(ordered: list[dict[str, Any]], tree: RuleTree) -> dict[str, Any]:
    """Merge releases, already in date order, into a compiled release.

    Raises :class:`Conflict` when a field changes type between releases.

    Examples
    --------
    >>> releases = [{"ocid": "o", "id": "1", "date": "1", "tender": {"a": 1, "b": 2}},
    ...             {"ocid": "o", "id": "2", "date": "2", "tender": {"b": None}}]
    >>> compile_ordered(releases, {})
    {'tag': ['compiled'], 'id': 'o-2', 'date': '2', 'ocid': 'o', 'tender': {'a': 1}}
    """
    last = ordered[-1]
    ocid, date = last.get("ocid"), last.get("date")
    compiled: dict[str, Any] = {"tag": ["compiled"], "id": None, "date": None, "ocid": None}
    compiler = Compiler()
    for release in ordered:
        compiler.merge_object(compiled, release, tree)  # ``tag`` is omitted by the rules
    compiled["id"] = f"{ocid}-{date}"
    compiled["date"] = date
    compiled["ocid"] = ocid
    if compiler.nulls:
        stripped: dict[str, Any] = strip_nulls(compiled)
        return stripped
    return compiled


def version_ordered(ordered: list[dict[str, Any]], tree: RuleTree) -> dict[str, Any]:
    """Merge releases, already in date order, into a versioned release.

    Raises :class:`Conflict` when a field changes type between releases.

    Examples
    --------
    >>> releases = [{"ocid": "o", "id": "1", "date": "1", "tag": ["tender"], "status": "a"},
    ...             {"ocid": "o", "id": "2", "date": "2", "tag": ["award"], "status": "a"}]
    >>> version_ordered(releases, {})["status"]
    [{'releaseID': '1', 'releaseDate': '1', 'releaseTag': ['tender'], 'value': 'a'}]
    """
    result: dict[str, Any] = {"ocid": None}
    versioner = Versioner()
    for release in ordered:
        result["ocid"] = release.get("ocid")
        versioner.meta = (release.get("id"), release.get("date"), release.get("tag"))
        versioner.added = {}
        body = {k: v for k, v in release.items() if k not in ("tag", "ocid")}
        versioner.merge_object(result, body, tree, skip_id=False)
    return result
