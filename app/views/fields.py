"""Form fields and list formatters shared by the ledger views."""
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext, lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional


def yes_no_field(label, description=""):
    """A checkbox for a yes/no column; unchecked means 否 (FAB would demand a tick)."""
    return BooleanField(label, default=False, description=description)


def yes_no(value):
    """List and detail pages show 是/否 instead of True/False."""
    if value is None:
        return ""
    return gettext("是") if value else gettext("否")


class ChoiceField(SelectField):
    """A drop-down of fixed Chinese values; an optional one may stay empty (stored as NULL)."""

    def pre_validate(self, form):
        if not self.data and not self.flags.required:
            return
        super().pre_validate(form)

    def populate_obj(self, obj, name):
        setattr(obj, name, self.data or None)


def enum_field(label, choices, required=True, description=""):
    """A drop-down for one of the enumerations of SPEC §3."""
    options = [SelectChoice(c, c) for c in choices]
    validators = [InputRequired()] if required else [Optional()]
    if not required:
        options = [SelectChoice("", _l("（未填写）"))] + options
    return ChoiceField(label, choices=options, widget=Select2Widget(), description=description, validators=validators)
