"""The password policy: at least 10 characters with letters and digits."""
import re

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext

MIN_LENGTH = 10


def password_problem(password):
    """The Chinese reason a password is refused, or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return gettext("密码至少需要%(n)d个字符", n=MIN_LENGTH)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return gettext("密码必须同时包含字母和数字")
    return None


def password_complexity(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: raise FAB's error with the Chinese reason."""
    problem = password_problem(password)
    if problem:
        raise PasswordComplexityValidationError(problem)
