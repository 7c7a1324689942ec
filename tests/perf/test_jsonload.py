"""JSON parsing through orjson gives exactly the standard library's results and errors."""

from __future__ import annotations

import json
import math

import pytest

from sgplan import jsonload


def test_same_values_as_the_standard_library():
    text = '{"a": [1, 2.5, "x\\u00e9"], "b": null, "c": true, "big": 123456789012345678901234}'
    assert jsonload.loads(text) == json.loads(text)
    assert math.isnan(jsonload.loads('{"n": NaN}')["n"])  # orjson refuses; json accepts


def test_errors_carry_the_standard_library_message_and_line():
    with pytest.raises(json.JSONDecodeError) as exc:
        jsonload.loads('{\n  "a": 1,\n  oops\n}')
    assert exc.value.lineno == 3
    assert exc.value.msg == "Expecting property name enclosed in double quotes"
