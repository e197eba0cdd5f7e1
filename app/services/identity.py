"""Checks and normalisation of ID numbers, phone numbers and credit codes.

Check digits come from python-stdnum; what it gets wrong for this district is
kept out: ``stdnum.cn.ric.validate`` rejects 500114 numbers of people born
before the district code existed, while a number keeps the code of the office
that first issued it (SPEC §3). Only the province part of the area code is
checked here.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

# GB/T 2260 province-level codes (including 71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``str()`` is the Chinese message."""


def clean_text(value):
    """Full-width to half-width (NFKC) and every kind of white space removed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class IdNumber:
    number: str
    gender: str
    birth_date: date


def parse_id_number(value, today=None):
    """Return the normalised 18-digit ID number with its gender and birth date.

    Accepts full-width characters, spaces and a lower-case x; upgrades a
    15-digit number (born 19xx) to 18 digits. Raises InvalidValue otherwise.
    """
    number = clean_text(value).upper()
    if not number:
        raise InvalidValue(_l("身份证号不能为空"))
    if len(number) == 15:
        if not number.isdigit():
            raise InvalidValue(_l("15位身份证号只能由数字组成"))
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    if len(number) != 18:
        raise InvalidValue(_l("身份证号应为18位（当前%(n)d位）", n=len(number)))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidValue(_l("身份证号只能由数字和末位X组成"))
    if number[:2] not in PROVINCE_CODES:
        raise InvalidValue(_l("身份证号前两位不是有效的省级行政区划代码"))
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise InvalidValue(_l("身份证号中的出生日期无效")) from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise InvalidValue(_l("身份证号中的出生日期无效"))
    if number[17] != ric.calc_check_digit(number):
        raise InvalidValue(_l("身份证号校验位错误"))
    gender = "男" if int(number[16]) % 2 else "女"
    return IdNumber(number, gender, birth)


def normalize_phone(value):
    """A mobile (11 digits) or landline (area code + number) phone number, or ''."""
    phone = clean_text(value).replace("－", "-")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(phone):
        return phone
    raise InvalidValue(_l("联系电话格式不正确，应为11位手机号或带区号的固定电话"))


def normalize_credit_code(value):
    """The 18-character unified social credit code (GB 32100), upper-case, or ''."""
    code = clean_text(value).upper()
    if not code:
        return ""
    try:
        return uscc.validate(code)
    except StdnumError:
        raise InvalidValue(_l("统一社会信用代码无效（应为18位且校验位正确）")) from None


def age_on(birth_date, on=None):
    on = on or date.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
