"""Unit tests of the pure helpers: durations, JSONPath, selectors, patches, schema validation."""
from __future__ import annotations

import pytest

from localkube.crdschema import prune_and_default, validate
from localkube.errors import ApiError
from localkube.patch import json_patch, merge_patch, strategic_merge
from localkube.podfs import PathMap
from localkube.selectors import format_label_selector, label_matcher
from localkube.tables import human_duration, json_path


@pytest.mark.parametrize("seconds, text", [(-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"),
                                           (120, "2m"), (150, "2m30s"), (600, "10m"), (3 * 3600, "3h"),
                                           (3 * 3600 + 600, "3h10m"), (30 * 3600, "30h"), (50 * 3600, "2d2h"),
                                           (10 * 86400, "10d"), (800 * 86400, "2y70d"), (3000 * 86400, "8y")])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_json_path():
    obj = {"status": {"items": [{"name": "a"}], "x.y": 1}, "spec": {"n": 0}}
    assert json_path(obj, ".status.items[0].name") == "a"
    assert json_path(obj, ".status['x.y']") == 1
    assert json_path(obj, ".spec.n") == 0 and json_path(obj, ".spec.missing") is None


def test_label_selectors():
    obj = {"metadata": {"labels": {"a": "1", "b": "x", "n": "5"}}}
    for selector, expected in (("a=1", True), ("a==2", False), ("a!=2", True), ("a in (1, 2)", True),
                               ("b notin (x)", False), ("c", False), ("!c", True), ("n>3", True),
                               ("n<3", False), ("a=1,b in (x,y),!c", True)):
        assert label_matcher(selector)(obj) is expected, selector
    assert format_label_selector({"matchLabels": {"b": "2", "a": "1"},
                                  "matchExpressions": [{"key": "c", "operator": "In", "values": ["x", "y"]},
                                                       {"key": "d", "operator": "DoesNotExist"}]}) == \
        "a=1,b=2,c in (x,y),!d"


def test_json_patch_operations():
    doc = {"a": {"b": [1, 2]}, "c": "x"}
    out = json_patch(doc, [{"op": "add", "path": "/a/b/-", "value": 3}, {"op": "add", "path": "/a/b/0", "value": 0},
                           {"op": "copy", "from": "/c", "path": "/d"}, {"op": "move", "from": "/c", "path": "/e"},
                           {"op": "remove", "path": "/a/b/1"}, {"op": "replace", "path": "/d", "value": "y"},
                           {"op": "test", "path": "/e", "value": "x"}])
    assert out == {"a": {"b": [0, 2, 3]}, "d": "y", "e": "x"} and doc["c"] == "x"
    with pytest.raises(ApiError) as err:
        json_patch(doc, [{"op": "replace", "path": "/missing", "value": 1}])
    assert err.value.code == 422
    assert merge_patch({"a": 1, "b": {"c": 2}}, {"a": None, "b": {"d": 3}}) == {"b": {"c": 2, "d": 3}}


def test_strategic_merge_without_schema_and_replace_directive():
    assert strategic_merge({"a": [1], "m": {"x": 1}}, {"a": [2], "m": {"$patch": "replace", "y": 2}}, None) == \
        {"a": [2], "m": {"y": 2}}
    assert strategic_merge({"m": {"x": 1}, "k": 1}, {"m": {"$patch": "delete"}}, None) == {"k": 1}


def test_structural_schema():
    schema = {"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string", "enum": ["x", "y"], "default": "x"},
        "n": {"type": "integer", "minimum": 1, "maximum": 3, "nullable": True},
        "q": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}],
              "pattern": "^[0-9]+m?$"},
        "m": {"type": "object", "additionalProperties": {"type": "string"}},
        "l": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}},
              "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"]},
        "t": {"type": "string", "format": "date-time"},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
    unknown = []
    value = prune_and_default({"n": None, "zz": 1, "l": [{"k": "a", "junk": 1}], "free": {"any": {"thing": 1}}},
                              schema, "", unknown)
    assert value == {"n": None, "a": "x", "l": [{"k": "a"}], "free": {"any": {"thing": 1}}}
    assert unknown == ["zz", "l[0].junk"]
    assert validate(value, schema, "", []) == []
    bad = {"a": "z", "n": 5, "q": "12x", "m": {"k": 1}, "l": [{"k": "a"}, {"k": "a"}], "t": "yesterday"}
    fields = {c["field"]: c["reason"] for c in validate(bad, schema, "", [])}
    assert fields == {"a": "FieldValueNotSupported", "n": "FieldValueInvalid", "q": "FieldValueInvalid",
                      "m.k": "FieldValueTypeInvalid", "l[1]": "FieldValueDuplicate", "t": "FieldValueInvalid"}
    assert validate({"q": True, "a": "x"}, schema, "", [])[0]["message"].endswith(
        'must be of type integer,string: "boolean"')
    assert validate({}, schema, "", [])[0] == {"reason": "FieldValueRequired", "message": "Required value",
                                               "field": "a"}


def test_path_map_keeps_localkube_host_folders():
    """A pod with an emptyDir on /tmp maps container paths under /tmp into it, but never a path in localkube's shared
    folder, which is a host path already (even when the host keeps that folder under /tmp)."""
    paths = PathMap({"/tmp": "/pods/p/tmp-volume"}, {}, host_dirs=("/tmp/state/shared/",))
    assert paths.rewrite("/tmp/scratch/x") == "/pods/p/tmp-volume/scratch/x"
    assert paths.rewrite("/tmp/state/shared/out.txt") == "/tmp/state/shared/out.txt"
    assert paths.rewrite("file:///tmp/state/shared/savepoints") == "file:///tmp/state/shared/savepoints"
    assert paths.rewrite("--output=/tmp/state/shared") == "--output=/tmp/state/shared"
    assert paths.rewrite("/tmp/state/shared-other") == "/pods/p/tmp-volume/state/shared-other"
