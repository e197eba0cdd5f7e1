"""Helpers for the browser tests: availability, login, navbar reading, the English-text check."""
import os
import re

CHROMIUM = os.environ.get("LINGONG_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Browser-pass-2024"

# username → (role, village)
ACCOUNTS = {
    "shebao": ("社保所", None),
    "zhongtang": ("村(社区)就业服务专员", "中塘村"),
}

# Words of Flask-AppBuilder's English user interface (templates, widgets, flash messages,
# filters, page titles). A whole Latin word from this set on a Chinese page means a string
# missed translation. Abbreviations, codes, names of things (IP, API, Excel, JWT, X of an ID
# number, letters of a credit code) are not in it on purpose.
FAB_ENGLISH_WORDS = frozenset(
    word.lower()
    for word in """
    Search Add Edit Delete List Show Record Records Actions Action Filter Filters Login Logout
    Security Users User Roles Role Profile Password Passwords Save Back Refresh Home Previous
    Next First Last Page Select Selected Remove Clear Submit Cancel Close Confirm Sure Yes No
    None True False Found Total Count Sort Ascending Descending Contains Equal Greater Smaller
    Starts Ends Relative Choose Info Information Detail Details Reset Language Permissions
    Permission Views Menus Statistics Chart Export Import Download Upload Username Email Name
    Welcome Access Denied Invalid Required Field Enabled Active Created Changed Modified
    Failed Success Successfully Deleted Added Changed Updated Item Items More Uncheck Check
    Please Enter Wrong Not Is Empty Lower Than With Without OK
    """.split()
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?|ftp)://\S+")
# An identifier such as ab_user or a code such as JF2024 is one token, never a UI word.
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SOURCE_TAG = re.compile(r"^\[(page-title|title|menu|dialog|option|placeholder|aria-label|data-original-title|button)\] ")

# Every string a user can see on the page, including what only shows on a click
# (dropdown menus, modal dialogs, select options) and in tooltips and placeholders.
COLLECT_PAGE_TEXT = """() => {
  const parts = ['[page-title] ' + document.title, document.body.innerText];
  const hidden = {'.dropdown-menu': 'menu', '.modal': 'dialog', 'option': 'option'};
  for (const [selector, kind] of Object.entries(hidden)) {
    for (const el of document.querySelectorAll(selector)) {
      parts.push(`[${kind}] ` + el.textContent.replace(/\\s+/g, ' ').trim());
    }
  }
  for (const name of ['title', 'placeholder', 'aria-label', 'data-original-title']) {
    for (const el of document.querySelectorAll(`[${name}]`)) {
      const value = el.getAttribute(name);
      if (value) parts.push(`[${name}] ${value}`);
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button], input[type=reset]')) {
    parts.push('[button] ' + el.value);
  }
  return parts.join('\\n');
}"""

# The entries the navbar offers: (dropdown label or None, entry label, href). Logging out and
# switching the language are left out: the first ends the session, the second is English on purpose.
COLLECT_NAVBAR = """() => {
  const entries = [];
  for (const ul of document.querySelectorAll('.navbar-collapse > ul.navbar-nav')) {
    for (const li of ul.children) {
      const toggle = li.querySelector(':scope > a.dropdown-toggle');
      const links = toggle ? li.querySelectorAll('ul.dropdown-menu a[href]') : li.querySelectorAll(':scope > a[href]');
      for (const a of links) {
        const href = a.getAttribute('href');
        if (!href || href === '#' || href.includes('/logout') || href.includes('/lang/')) continue;
        entries.push([toggle ? toggle.textContent.trim() : null, a.textContent.trim(), href]);
      }
    }
  }
  return entries;
}"""


def browser_unavailable_reason():
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-test.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no chromium at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk)"
    return None


def english_ui_words(text):
    """FAB interface words found in ``text``, each with the line it stands in (first occurrence)."""
    found = {}
    for line in text.splitlines():
        cleaned = _URL.sub(" ", _EMAIL.sub(" ", _SOURCE_TAG.sub("", line)))
        for word in _LATIN_WORD.findall(cleaned):
            if word.lower() in FAB_ENGLISH_WORDS and word.lower() not in found:
                found[word.lower()] = (word, line.strip()[:120])
    return sorted(found.values())


def login(page, base_url, username, password=PASSWORD):
    """Sign in through the real login form, as a person would."""
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()


def slug(href):
    """A file-name-safe name for a page: /workerview/list/?_flt=1 → workerview-list."""
    path = href.split("?", 1)[0].split("#", 1)[0]
    return re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-") or "home"
