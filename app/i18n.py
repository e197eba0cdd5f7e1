"""Display rules that keep English and placeholders out of rendered pages.

Strings themselves are translated through the catalogues in translations/ (see
app/cli_translate.py); this module covers values FAB renders without a translatable string.
"""
from flask_appbuilder.fields import QuerySelectField
from flask_babel import gettext

BLANK_CHOICE = "__None"


def _finalize(value):
    """FAB's list and show templates print raw column values: an unset one would read "None"."""
    return "" if value is None else value


def _label_blank_choice():
    """WTForms 3.3 prints an option's value when its label is empty, so the blank choice FAB
    gives an optional relation drop-down reads "__None"; label it like the project's own
    optional drop-downs instead (app/views/fields.py)."""
    original = QuerySelectField.iter_choices
    if getattr(original, "_lingong_labelled", False):
        return

    def iter_choices(self):
        for choice in original(self):
            if choice[0] == BLANK_CHOICE and not choice[1]:
                choice = (choice[0], gettext("（未填写）"), *choice[2:])
            yield choice

    iter_choices._lingong_labelled = True
    QuerySelectField.iter_choices = iter_choices


def install(app):
    """Call before the first template is compiled: Jinja bakes ``finalize`` into the code."""
    from app.security import permission_labels

    app.jinja_env.finalize = _finalize
    _label_blank_choice()
    permission_labels.install()
