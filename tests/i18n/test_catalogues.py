"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po and .mo: templates and
Python; djangojs.po and .mo: the board pages' scripts, served by wallboard/js_catalog.py) are
complete and current: every message of the source is in each, translated, none fuzzy, with the
same placeholders and markup as the English, and each compiled .mo says what its .po says.

When a test here fails after a change to a user-facing string, update the catalogues with
`make messages` (README, "Languages and time"; the commands are MAKEMESSAGES and
MAKEMESSAGES_JS below), translate what it added, and compile them.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
# Every language a board may speak, English (the source) aside.
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What makemessages reads, and how (the same for a developer, from the project's root):
#   DEBUG=true python manage.py makemessages -l de -l fr -l es -l nl -e html,txt,py,svg \
#     --no-obsolete --add-location file -i '.venv/*' -i 'staticfiles/*' -i 'tests/*' \
#     -i 'bench/*' -i 'sandbox/*' -i 'test-artifacts/*' -i 'node_modules/*'
NOT_SOURCE = [".venv", "staticfiles", "tests", "bench", "sandbox", "test-artifacts", "node_modules"]
MAKEMESSAGES = {
    "extensions": ["html", "txt", "py", "svg"],
    "ignore_patterns": [f"{folder}/*" for folder in NOT_SOURCE],
    "no_obsolete": True,
    "add_location": "file",
}
# The scripts' words (djangojs): the board pages' own scripts, not the vendored ones, nor the
# admin's composer (it follows the staff user's language, not a board's).
MAKEMESSAGES_JS = {
    "domain": "djangojs",
    "extensions": ["js"],
    "ignore_patterns": [
        *MAKEMESSAGES["ignore_patterns"],
        "static/vendor/*",
        "static/boards/admin/*",
    ],
    "no_obsolete": True,
    "add_location": "file",
}
DOMAINS = {"django": MAKEMESSAGES, "djangojs": MAKEMESSAGES_JS}
# Each domain holds at least this many messages: the boards' words, not an empty file.
AT_LEAST = {"django": 100, "djangojs": 10}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"<[^>]+>")


def catalogue(language: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_language_a_board_may_speak_has_a_catalogue():
    assert TRANSLATED == ["de", "fr", "es", "nl"]
    for language in TRANSLATED:
        for domain in DOMAINS:
            assert (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").is_file(), language


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language, domain):
    po = catalogue(language, domain)
    assert len(po) > AT_LEAST[domain]
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"].startswith("nplurals=")
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_each_translation_keeps_the_placeholders_and_markup_of_the_english(language, domain):
    wrong = []
    for entry in catalogue(language, domain):
        english = entry.msgid_plural or entry.msgid
        for text in translations(entry):
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(english)):
                wrong.append((entry.msgid, text, "placeholders"))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(english)):
                wrong.append((entry.msgid, text, "markup"))
    assert wrong == []


def _source_copy(destination: Path) -> Path:
    """The project's source without what makemessages never reads (nor the catalogues)."""

    def skipped(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == ROOT
        return [n for n in names if n.startswith(".") or (top and n in {*NOT_SOURCE, "locale"})]

    shutil.copytree(ROOT, destination, ignore=skipped)
    return destination


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogues_hold_every_message_of_the_source_and_nothing_else(
    tmp_path, monkeypatch, settings, domain
):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is missing: cannot extract the messages")
    source = _source_copy(tmp_path / "source")
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["de"], verbosity=0, **DOMAINS[domain])
    extracted_po = polib.pofile(str(source / f"locale/de/LC_MESSAGES/{domain}.po"))
    extracted = {key(e) for e in extracted_po}
    assert len(extracted) > AT_LEAST[domain]
    for language in TRANSLATED:
        catalogued = {key(e) for e in catalogue(language, domain)}
        assert sorted(extracted - catalogued, key=str) == [], f"{language}: not in the catalogue"
        assert sorted(catalogued - extracted, key=str) == [], f"{language}: no longer in the source"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_each_compiled_catalogue_says_what_its_po_says(language, domain):
    mo_path = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
    po = catalogue(language, domain)
    compiled = {key(e): translations(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    written = {key(e): translations(e) for e in po.translated_entries()}
    assert compiled == written, f"{mo_path} is older than its .po: run compilemessages"
    headers = polib.mofile(str(mo_path)).metadata
    assert headers.get("Plural-Forms") == po.metadata["Plural-Forms"]
