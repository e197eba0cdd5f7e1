"""ID number, phone and credit-code rules (SPEC §3)."""
from datetime import date

import pytest
from stdnum.cn import ric

from app.services.identity import InvalidValue, normalize_credit_code, normalize_phone, parse_id_number
from app.services.masking import mask_id_number, mask_phone


def with_check_digit(body17):
    return body17 + ric.calc_check_digit(body17 + "0")


# A 黔江区 number of someone born in 1962: the district code is younger than the person,
# which python-stdnum's cn.ric.validate wrongly rejects.
OLD_QIANJIANG = with_check_digit("50011419620315202")


def test_valid_number_gives_gender_and_birth_date():
    parsed = parse_id_number(OLD_QIANJIANG)
    assert parsed.number == OLD_QIANJIANG
    assert parsed.birth_date == date(1962, 3, 15)
    assert parsed.gender == "女"  # 17th digit 2 is even
    assert not ric.is_valid(OLD_QIANJIANG), "stdnum would reject this real-world number"


def test_male_from_odd_sequence_digit():
    assert parse_id_number(with_check_digit("50011419900101123")).gender == "男"


def test_messy_input_is_normalised():
    number = with_check_digit("11010519491231002")  # ends in X
    assert number.endswith("X")
    messy = " ".join(number[i:i + 6] for i in range(0, 18, 6)).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in messy)
    assert parse_id_number(full_width).number == number


def test_fifteen_digit_number_is_upgraded():
    old = "500114620315201"  # 15 digits: 500114 620315 201
    parsed = parse_id_number(old)
    assert parsed.number == with_check_digit("50011419620315201")
    assert parsed.birth_date == date(1962, 3, 15)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "不能为空"),
        ("50011419620315", "应为18位"),
        (OLD_QIANJIANG[:-1] + ("0" if OLD_QIANJIANG[-1] != "0" else "1"), "校验位错误"),
        (with_check_digit("99011419620315202"), "省级行政区划代码"),
        (with_check_digit("50011419621315201"), "出生日期无效"),  # month 13
        (with_check_digit("50011420990101201"), "出生日期无效"),  # born in the future
        ("50011419620315A01X", "数字"),
    ],
)
def test_rejections_have_chinese_reasons(value, message):
    with pytest.raises(InvalidValue) as error:
        parse_id_number(value, today=date(2026, 12, 4))
    assert message in str(error.value)


def test_phone_numbers():
    assert normalize_phone("138 1234 5678") == "13812345678"
    assert normalize_phone("１３８１２３４５６７８") == "13812345678"
    assert normalize_phone("+86 13812345678") == "13812345678"
    assert normalize_phone("023-79212345") == "023-79212345"
    assert normalize_phone("") == ""
    for bad in ("12345", "23812345678", "1381234567a"):
        with pytest.raises(InvalidValue):
            normalize_phone(bad)


def test_credit_code():
    valid = "91500114MA5U3JXX0W"
    from stdnum.cn import uscc

    valid = valid[:-1] + uscc.calc_check_digit(valid[:-1])
    assert normalize_credit_code(valid.lower()) == valid
    with pytest.raises(InvalidValue):
        normalize_credit_code(valid[:-1] + ("0" if valid[-1] != "0" else "1"))


def test_masks():
    assert mask_id_number("50011419620315201X") == "500114********201X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("023-79212345") == "023-****2345"
    assert mask_id_number(None) == ""
