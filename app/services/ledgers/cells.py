"""Parsing one spreadsheet cell as the villages really write it (SPEC §6).

Every parser takes the raw cell value (str, int, float, bool, date, datetime or None)
and returns a Python value, or raises CellError with a Chinese message saying what
is wrong. Nothing is guessed: an ambiguous value is an error.
"""
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from app.services.identity import InvalidValue, normalize_credit_code, normalize_phone, parse_id_number


class CellError(ValueError):
    """A cell that cannot be understood; ``str()`` is the Chinese message."""


def text(value):
    """A cell as trimmed text with full-width letters and digits made half-width; '' for empty."""
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
        result = text(value)
        if len(result) > max_length:
            raise CellError(f"内容过长（最多{max_length}个字）")
        return result or None

    return parse


def required_text(max_length):
    def parse(value):
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


_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对"}
_FALSE = {"否", "×", "✗", "✘", "X", "N", "NO", "0", "FALSE", "", "无"}


def yes_no(value):
    """是/否 written as 是, 否, √, ×, Y, N, 1, 0 or left blank (否)."""
    if isinstance(value, bool):
        return value
    raw = text(value).upper()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(f"“{text(value)}”不是是/否，请填写 是 或 否")


def choice(options, required=True, aliases=None):
    """One of a fixed list of Chinese values; full-width brackets are accepted."""
    allowed = set(options)
    aliases = aliases or {}

    def parse(value):
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
    def parse(value):
        if value is None or text(value) == "":
            return None
        number = _number(value)
        if number < 0:
            raise CellError("不能为负数")
        if number > maximum:
            raise CellError(f"数值过大（不超过{maximum}）")
        return number.quantize(Decimal("0.01"))

    return parse


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


def id_number(value):
    try:
        return parse_id_number(text(value))
    except InvalidValue as exc:
        raise CellError(str(exc)) from None


phone = _wrap(normalize_phone)
credit_code = _wrap(normalize_credit_code)


def job_types(known):
    """A list of job types separated by 、，, ; or spaces; each must be in the dictionary."""

    def parse(value):
        names = [n for n in re.split(r"[、,，;；/\s]+", text(value)) if n]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CellError(f"工种字典中没有：{'、'.join(unknown)}")
        return "、".join(dict.fromkeys(names)) or None

    return parse
