"""The fast paths of the cell parsers give what the full rules give (issue 3)."""
import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from stdnum.cn import ric

from app.services.identity import InvalidValue, parse_id_number
from app.services.ledgers import cells


def test_a_remembered_parser_tells_apart_values_that_compare_equal():
    seen = []

    def parse(value):
        seen.append(value)
        return (type(value).__name__, value)

    parse_remembered = cells.remembered(parse)
    values = ["1", 1, 1.0, True, "1", date(2024, 4, 8), datetime(2024, 4, 8), None, None, True, 1]
    assert [parse_remembered(v) for v in values] == [parse(v) for v in values]
    seen.clear()
    parse_remembered("1"), parse_remembered(date(2024, 4, 8)), parse_remembered(None)
    assert seen == [], "text, dates and blanks are remembered"
    parse_remembered(True), parse_remembered(1.0)
    assert seen == [True, 1.0], "numbers and flags are parsed each time (1 == 1.0 == True)"


def test_a_remembered_parser_raises_for_every_bad_cell():
    parse = cells.remembered(cells.yes_no)
    for _ in range(2):
        with pytest.raises(cells.CellError, match="不是是/否"):
            parse("可能")
    assert (parse("√"), parse("×"), parse(None), parse(1), parse(True)) == (True, False, False, True, True)


def _slow(value):
    try:
        return parse_id_number(value)
    except InvalidValue:
        return None


@pytest.mark.parametrize("birth", ["19800230", "18991231", "19801301", "20991231", "19800101"])
def test_id_numbers_with_any_birth_date_read_as_the_full_rules_read_them(birth):
    body = f"500114{birth}123"
    number = body + ric.calc_check_digit(body + "0")
    try:
        expected = parse_id_number(number)
    except InvalidValue as exc:
        with pytest.raises(cells.CellError, match=str(exc)):
            cells.id_number(number)
        assert cells._clean_id_number(number) is None
    else:
        assert cells.id_number(number) == expected
        assert cells._clean_id_number(number) == expected


def test_the_id_number_fast_path_agrees_with_the_full_rules():
    rng = random.Random(3)
    fast_count = 0
    for _ in range(20000):
        body = (f"{rng.choice(['50', '11', '99', '00'])}0114{rng.randint(1890, 2030):04d}"
                f"{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}{rng.randrange(1000):03d}")
        number = body + (ric.calc_check_digit(body + "0") if rng.random() < 0.8 else rng.choice("0123456789Xx"))
        fast = cells._clean_id_number(number)
        if fast is not None:
            fast_count += 1
            assert fast == _slow(number), number
        assert (cells.id_number(number) if _slow(number) else None) == _slow(number)
    assert fast_count > 1000


def test_money_keeps_telling_numbers_from_flags():
    parse = cells.optional_money(100000)
    assert parse(180) == Decimal("180.00") and parse(150.5) == Decimal("150.50") and parse("200") == Decimal("200.00")
    with pytest.raises(cells.CellError, match="应为数字"):
        parse(True)
