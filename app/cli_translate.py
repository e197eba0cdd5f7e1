"""Maintainer commands for the message catalogues: ``flask --app run translate update|compile``.

There is one catalogue per language, ``translations/<lang>/LC_MESSAGES/messages.po``. It holds
the project's own strings (Chinese msgids, found through ``babel.cfg``) and Flask-AppBuilder's
strings (English msgids, extracted from the installed package), because FAB's shipped Chinese
catalogue is old and incomplete: every string a user sees must be covered by ours, which
Flask-Babel loads after FAB's and so overrides it.

Refreshing the catalogues after changing UI strings::

    flask --app run translate update    # re-extract, merge into zh and en .po files
    # translate what it lists as untranslated, then
    flask --app run translate compile   # write the .mo files (they are committed)

``update`` fills Chinese msgids into the zh catalogue by itself (msgstr = msgid); English
msgids from FAB need a Chinese translation by hand, Chinese msgids need an English one in the
en catalogue. tests/test_translations.py fails while the zh catalogue is incomplete or a .mo
file is stale.
"""
import os
import re

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS_DIR = os.path.join(ROOT, "translations")
BABEL_CFG = os.path.join(ROOT, "babel.cfg")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
PROJECT = "lingong"

# FAB marks strings with these names besides Babel's defaults (``_``, ``gettext``, ...).
FAB_KEYWORDS = {
    **DEFAULT_KEYWORDS,
    **parse_keywords(["lazy_gettext", "__", "lazy_formatter_gettext"]),
}
FAB_METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
FAB_OPTIONS_MAP = {"**/templates/**.html": {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols"}}

_HAN = re.compile(r"[\u3400-\u9fff]")


def is_chinese(msgid):
    """True for the project's own msgids, which are written in Chinese."""
    text = msgid if isinstance(msgid, str) else msgid[0]
    return bool(_HAN.search(text))


def catalogue_path(language, ext="po"):
    return os.path.join(TRANSLATIONS_DIR, language, "LC_MESSAGES", f"messages.{ext}")


def _collect(results, prefix=""):
    """A catalogue of extraction results; ``prefix`` goes before each file name."""
    catalog = Catalog(project=PROJECT, fuzzy=False)
    for filename, lineno, message, comments, context in results:
        if isinstance(message, (list, tuple)) and len(message) == 1:
            message = message[0]
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        path = prefix + filename.replace(os.sep, "/")
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def extract_project():
    """The project's strings: what ``babel.cfg`` maps under the project root."""
    with open(BABEL_CFG, encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, BABEL_CFG)
    return _collect(extract_from_dir(ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS))


def fab_directory():
    import flask_appbuilder

    return os.path.dirname(os.path.abspath(flask_appbuilder.__file__))


def extract_fab():
    """Flask-AppBuilder's strings, from the installed package (its Python and templates)."""
    results = extract_from_dir(fab_directory(), FAB_METHOD_MAP, FAB_OPTIONS_MAP, keywords=FAB_KEYWORDS)
    return _collect(results, prefix="flask_appbuilder/")


def build_template(project=None, fab=None):
    """One template with the project's strings first, then FAB's."""
    template = Catalog(project=PROJECT, fuzzy=False)
    for source in (project or extract_project(), fab or extract_fab()):
        for message in source:
            if message.id:
                template.add(message.id, None, message.locations,
                             auto_comments=message.auto_comments, context=message.context)
    return template


def _load(language):
    path = catalogue_path(language)
    if os.path.exists(path):
        with open(path, "rb") as po:
            return read_po(po, locale=language)
    return Catalog(locale=language, project=PROJECT, fuzzy=False)


def _write(catalog, language):
    path = catalogue_path(language)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    catalog.fuzzy = False
    with open(path, "wb") as po:
        write_po(po, catalog, width=100, include_lineno=False, ignore_obsolete=True, sort_by_file=True)


def untranslated(catalog):
    """msgids without a usable translation (empty or fuzzy)."""
    return [m.id for m in catalog if m.id and (m.fuzzy or not m.string or
                                                  (isinstance(m.string, tuple) and not all(m.string)))]


def update_catalogues():
    """Re-extract and merge; returns {language: [untranslated msgids]}."""
    project, fab = extract_project(), extract_fab()
    template = build_template(project, fab)
    report = {}
    for language in LANGUAGES:
        catalog = _load(language)
        if language == DEFAULT_LANGUAGE:
            catalog.update(template, update_creation_date=False)
            for message in catalog:
                # A Chinese msgid is its own Chinese text; a fuzzy guess from a similar one is not.
                if message.id and is_chinese(message.id) and (not message.string or message.fuzzy):
                    message.string = message.id
                    message.flags.discard("fuzzy")
                    message.previous_id = []
        else:
            # FAB's msgids are English already; only the project's Chinese ones need English.
            own = Catalog(project=PROJECT, fuzzy=False)
            for message in template:
                if message.id and is_chinese(message.id):
                    own.add(message.id, None, message.locations, context=message.context)
            catalog.update(own, no_fuzzy_matching=True, update_creation_date=False)
        _write(catalog, language)
        report[language] = untranslated(catalog)
    return report


def compile_catalogues():
    """Write ``messages.mo`` next to each ``messages.po``; returns {language: messages written}."""
    counts = {}
    for language in LANGUAGES:
        with open(catalogue_path(language), "rb") as po:
            catalog = read_po(po, locale=language)
        with open(catalogue_path(language, "mo"), "wb") as mo:
            write_mo(mo, catalog, use_fuzzy=False)
        counts[language] = sum(1 for m in catalog if m.id and m.string and not m.fuzzy)
    return counts


@click.group("translate")
def translate_group():
    """Message catalogues (translations/): update and compile."""


@translate_group.command("update")
def translate_update():
    """Extract the project's and Flask-AppBuilder's strings and merge them into the .po files."""
    report = update_catalogues()
    for language, missing in report.items():
        click.echo(f"{catalogue_path(language)}: {len(missing)} untranslated")
        for msgid in missing:
            click.echo(f"    {msgid!r}")
    if any(report.values()):
        click.echo("Translate the entries listed above (empty or fuzzy msgstr), then run the compile command.")
    click.echo("Next: flask --app run translate compile")


@translate_group.command("compile")
def translate_compile():
    """Compile the .po files into the .mo files the application loads."""
    for language, count in compile_catalogues().items():
        click.echo(f"{catalogue_path(language, 'mo')}: {count} messages")
