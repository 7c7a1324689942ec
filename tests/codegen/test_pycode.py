"""The printer and the constant names: literals that read back, lines that fit, valid names."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from sgplan.codegen.names import constant_names
from sgplan.codegen.pycode import Atom, call, list_of, py_str, statement, width


@given(st.text())
def test_string_literals_read_back_exactly(text):
    literal = py_str(text)
    assert ast.literal_eval(literal) == text
    assert "\n" not in literal and literal.isprintable()


def test_quotes_follow_ruff_preference():
    assert py_str("plain") == '"plain"'
    assert py_str('say "hi"') == "'say \"hi\"'"
    assert py_str('it\'s "x" y') == "'it\\'s \"x\" y'"
    assert py_str("a 'b' \"c\"") == '"a \'b\' \\"c\\""'
    assert py_str("压测 tab\t") == '"压测 tab\\t"'


def test_width_counts_wide_characters_twice():
    assert width("abc") == 3
    assert width("压测") == 4


def test_flat_when_it_fits_else_one_item_per_line_with_trailing_commas():
    short = call("ingress", Atom("svc.SSH"), from_=Atom("X"), policy=None)
    assert statement(short) == "ingress(svc.SSH, from_=X)\n"
    long = call("f", *(Atom(f"argument_{n}") for n in range(12)))
    lines = statement(long, "x = ").splitlines()
    assert lines[0] == "x = f(" and lines[-1] == ")"
    assert all(line.startswith("    argument_") and line.endswith(",") for line in lines[1:-1])
    forced = list_of([Atom("a")], explode=True)
    assert statement(forced) == "[\n    a,\n]\n"


def test_constants_are_short_unique_identifiers():
    names = [
        "prod-shop-web-sg", "prod-shop-app-sg", "prod-mysql-db-sg", "staging-web-sg",
        "ftp-temp-sg", "prod-web-1", "生产", "2fa-sg", "o",
    ]  # fmt: skip
    consts = constant_names(
        [(n, "sg-bp1xyz", ("sg",)) for n in names], stack_name="prod", reserved=["REGION"]
    )
    assert consts == [
        "SHOP_WEB", "APP", "DB", "STAGING_WEB", "FTP_TEMP", "WEB_1", "SG_BP1XYZ", "N_2FA", "O_2",
    ]  # fmt: skip
    assert all(c.isidentifier() for c in consts) and len(set(consts)) == len(consts)


def test_reserved_names_are_never_taken():
    assert constant_names([("region", "", ())], stack_name="prod", reserved=["REGION"]) == [
        "REGION_2"
    ]
