"""Parsing one spreadsheet cell as the villages really write it (SPEC §6).

Every parser takes the raw cell value (str, int, float, bool, date, datetime or None)
and returns a Python value, or raises CellError with a Chinese message saying what
is wrong. Nothing is guessed: an ambiguous value is an error.
"""
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from app.services.identity import (
    PROVINCE_CODES,
    IdNumber,
    InvalidValue,
    normalize_credit_code,
    normalize_phone,
    parse_id_number,
)

# Fast paths: a ledger has millions of cells and most are already clean. Each parser first
# tries the value as it comes from the reader and falls back to the full rules whenever
# that value is not exactly one the full rules would return unchanged, so the result (or
# the error) is always the one the full rules give.
_NFKC = unicodedata.normalize
_MEMO_LIMIT = 4096  # distinct values remembered per parser: memory stays bounded
_STARTED_ON = date.today()  # a birth date up to this day needs no look at the clock


class CellError(ValueError):
    """A cell that cannot be understood; ``str()`` is the Chinese message."""


# Values of these types equal only values of the same type (unlike 1 == 1.0 == True), so a
# result remembered for one of them is the result for whatever equals it.
_REMEMBERED_TYPES = frozenset((str, date, datetime, type(None)))


class _Remembered(dict):
    """parse(value) by value; a value seen before costs one dict look-up, made in C."""

    __slots__ = ("parse",)

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, value):
        result = self.parse(value)  # a CellError is raised again for every such cell, not remembered
        if value.__class__ in _REMEMBERED_TYPES and len(self) < _MEMO_LIMIT:
            self[value] = result
        return result


def remembered(parse):
    """``parse`` remembering its results, for a column of few distinct values (choices, flags, places).

    The parser returned is a dict's ``__getitem__``: no Python function runs for a value
    seen before, which is most cells of such a column.
    """
    return _Remembered(parse).__getitem__


_memo = remembered


def text(value):
    """A cell as trimmed text with full-width letters and digits made half-width; '' for empty."""
    if value.__class__ is str:
        return value.strip() if value.isascii() else _NFKC("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    result = unicodedata.normalize("NFKC", str(value)).strip()
    return result


def optional_text(max_length):
    def parse(value):
        if value.__class__ is str:
            result = value.strip() if value.isascii() else _NFKC("NFKC", value).strip()
        else:
            result = text(value)
        if len(result) > max_length:
            raise CellError(f"内容过长（最多{max_length}个字）")
        return result or None

    return parse


def required_text(max_length):
    def parse(value):
        if value.__class__ is str:
            result = value.strip() if value.isascii() else _NFKC("NFKC", value).strip()
        else:
            result = text(value)
        if not result:
            raise CellError("不能为空")
        if len(result) > max_length:
            raise CellError(f"内容过长（最多{max_length}个字）")
        return result

    return parse


_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def optional_date(value):
    """Excel dates, 2024-4-8, 2024/04/08, 2024.4.8, 20240408, 2024年4月8日; None for empty."""
    if value.__class__ is date:
        return value
    if value.__class__ is str:
        return _text_date(value)
    return _optional_date(value)


def _optional_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000000 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))
        elif 1 <= value < 100000:  # an Excel serial day number that came through as a number
            return (_EXCEL_EPOCH + timedelta(days=int(value))).date()
        else:
            raise CellError("不是有效的日期")
    raw = re.sub(r"\s+", "", text(value))
    if not raw:
        return None
    raw = raw.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", raw) else raw
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise CellError(f"日期“{raw}”不存在") from None
    raise CellError(f"无法识别的日期“{raw}”，请写成 2024-4-8 或 2024年4月8日")


_text_date = _memo(_optional_date)


_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对"}
_FALSE = {"否", "×", "✗", "✘", "X", "N", "NO", "0", "FALSE", "", "无"}


def yes_no(value):
    """是/否 written as 是, 否, √, ×, Y, N, 1, 0 or left blank (否)."""
    if value.__class__ is str:
        known = _YES_NO.get(value)
        if known is not None:
            return known
    elif value is None:
        return False
    if isinstance(value, bool):
        return value
    raw = text(value).upper()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(f"“{text(value)}”不是是/否，请填写 是 或 否")


_YES_NO = {spelling: answer for words, answer in ((_TRUE, True), (_FALSE, False))
           for spelling in words if text(spelling).upper() == spelling}


def choice(options, required=True, aliases=None):
    """One of a fixed list of Chinese values; full-width brackets are accepted."""
    allowed = set(options)
    aliases = aliases or {}
    clean = {option for option in allowed if text(option) == option and aliases.get(option, option) == option}

    def parse(value):
        if value.__class__ is str and value in clean:
            return value
        raw = text(value)
        if not raw:
            if required:
                raise CellError("不能为空")
            return None
        raw = aliases.get(raw, raw)
        if raw not in allowed:
            raise CellError(f"“{raw}”不是可选值（可选：{'、'.join(options)}）")
        return raw

    parse.options = tuple(options)
    return parse


def _number(value):
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    raw = re.sub(r"[\s,，]", "", text(value))
    raw = raw.removesuffix("元")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise CellError(f"“{text(value)}”不是数字") from None


def optional_money(maximum):
    cache = {}

    def remembered(value):
        if value.__class__ in (float, int, str):  # not bool: True == 1 but is no number here
            try:
                return cache[value]
            except KeyError:
                result = parse(value)
                if len(cache) < _MEMO_LIMIT:
                    cache[value] = result
                return result
        return parse(value)

    def parse(value):
        if value is None or text(value) == "":
            return None
        number = _number(value)
        if number < 0:
            raise CellError("不能为负数")
        if number > maximum:
            raise CellError(f"数值过大（不超过{maximum}）")
        return number.quantize(Decimal("0.01"))

    return remembered


def whole_number(minimum, maximum, required=True):
    def parse(value):
        if value is None or text(value) == "":
            if required:
                raise CellError("不能为空")
            return None
        number = _number(value)
        if number != number.to_integral_value():
            raise CellError("应为整数")
        number = int(number)
        if not minimum <= number <= maximum:
            raise CellError(f"应在{minimum}到{maximum}之间")
        return number

    return parse


_AGE_RANGE = re.compile(r"^(\d{1,2})(?:岁)?[-~～—至到](\d{1,2})(?:岁)?(?:之间)?$")
_AGE_MAX = re.compile(r"^(\d{1,2})岁?(?:以下|以内|及以下)$")
_AGE_MIN = re.compile(r"^(\d{1,2})岁?(?:以上|及以上)$")


def age_range(value):
    """18-60, 18～60, 60岁以下, 18岁以上, 不限 → (min, max) with None for no limit."""
    raw = re.sub(r"\s+", "", text(value))
    if raw in ("", "不限", "无"):
        return (None, None)
    for pattern, build in (
        (_AGE_RANGE, lambda m: (int(m.group(1)), int(m.group(2)))),
        (_AGE_MAX, lambda m: (None, int(m.group(1)))),
        (_AGE_MIN, lambda m: (int(m.group(1)), None)),
    ):
        match = pattern.match(raw)
        if match:
            low, high = build(match)
            for age in (low, high):
                if age is not None and not 16 <= age <= 80:
                    raise CellError("年龄应在16到80岁之间")
            if low is not None and high is not None and low > high:
                raise CellError("最低年龄大于最高年龄")
            return (low, high)
    raise CellError(f"无法识别的年龄要求“{raw}”，请写成 18-60 或 60岁以下")


def _wrap(function):
    def parse(value):
        try:
            return function(text(value)) or None
        except InvalidValue as exc:
            raise CellError(str(exc)) from None

    return parse


_CHECK_CHARACTERS = "0123456789X"
_BIRTHS = {}  # "YYYYMMDD" → the date, or None when there is no such day (or it is before 1900)
_BIRTHS_LIMIT = 50_000  # more than every day of 130 years
_UNSEEN = object()


def _birth(digits):
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return birth if birth.year >= 1900 else None


def _clean_id_number(value):
    """The IdNumber for an 18-digit number already as parse_id_number would write it, else None."""
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() or value[:2] not in PROVINCE_CODES:
        return None
    last = value[17]
    if not (last.isdigit() or last == "X"):
        return None
    digits = value[6:14]
    birth = _BIRTHS.get(digits, _UNSEEN)
    if birth is _UNSEEN:
        birth = _birth(digits)
        if len(_BIRTHS) < _BIRTHS_LIMIT:
            _BIRTHS[digits] = birth
    if birth is None or (birth > _STARTED_ON and birth > date.today()):
        return None
    # GB 11643, as stdnum.cn.ric.calc_check_digit
    if last != _CHECK_CHARACTERS[(1 - 2 * int(value[:17], 13)) % 11]:
        return None
    return IdNumber(value, "男" if value[16] in "13579" else "女", birth)


def id_number(value):
    if value.__class__ is str:
        parsed = _clean_id_number(value)
        if parsed is not None:
            return parsed
    try:
        return parse_id_number(text(value))
    except InvalidValue as exc:
        raise CellError(str(exc)) from None


_CLEAN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_slow_phone = _wrap(normalize_phone)


def phone(value):
    if value.__class__ is str:
        if not value:
            return None
        if len(value) == 11 and _CLEAN_MOBILE.fullmatch(value):
            return value
    elif value is None:
        return None
    return _slow_phone(value)


credit_code = _wrap(normalize_credit_code)


def job_types(known):
    """A list of job types separated by 、，, ; or spaces; each must be in the dictionary."""

    def parse(value):
        names = [n for n in re.split(r"[、,，;；/\s]+", text(value)) if n]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CellError(f"工种字典中没有：{'、'.join(unknown)}")
        return "、".join(dict.fromkeys(names)) or None

    return _memo(parse)
