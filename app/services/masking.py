"""Masking of personal numbers for users who may not see them in full (SPEC §2)."""


def mask_id_number(value):
    """``500114********123X``: area code and the last four characters stay."""
    if not value:
        return value or ""
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """``138****5678`` for a mobile; a landline keeps its area code and last four."""
    if not value:
        return value or ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    if "-" in value:
        area, _, rest = value.partition("-")
        return f"{area}-{'*' * max(len(rest) - 4, 0)}{rest[-4:]}"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
