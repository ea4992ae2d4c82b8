"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po and .mo) are complete
and current: every message of the source is in each, translated, none fuzzy, with the same
placeholders and markup as the English, and each compiled .mo says what its .po says.

When a test here fails after a change to a user-facing string, update the catalogues with
the command in MAKEMESSAGES (README, "Languages and time"), translate what it added, and
compile them (`manage.py compilemessages --ignore '.venv/*'`).
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
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"<[^>]+>")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_language_a_board_may_speak_has_a_catalogue():
    assert TRANSLATED == ["de", "fr", "es", "nl"]
    for language in TRANSLATED:
        assert (LOCALE / language / "LC_MESSAGES" / "django.po").is_file(), language


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 100  # the boards' words, not an empty file
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"].startswith("nplurals=")
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_translation_keeps_the_placeholders_and_markup_of_the_english(language):
    wrong = []
    for entry in catalogue(language):
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


def test_the_catalogues_hold_every_message_of_the_source_and_nothing_else(
    tmp_path, monkeypatch, settings
):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is missing: cannot extract the messages")
    source = _source_copy(tmp_path / "source")
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["de"], verbosity=0, **MAKEMESSAGES)
    extracted = {key(e) for e in polib.pofile(str(source / "locale/de/LC_MESSAGES/django.po"))}
    assert len(extracted) > 100
    for language in TRANSLATED:
        catalogued = {key(e) for e in catalogue(language)}
        assert sorted(extracted - catalogued, key=str) == [], f"{language}: not in the catalogue"
        assert sorted(catalogued - extracted, key=str) == [], f"{language}: no longer in the source"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_compiled_catalogue_says_what_its_po_says(language):
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
    compiled = {key(e): translations(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    written = {key(e): translations(e) for e in catalogue(language).translated_entries()}
    assert compiled == written, f"{mo_path} is older than its .po: run compilemessages"
    headers = polib.mofile(str(mo_path)).metadata
    assert headers.get("Plural-Forms") == catalogue(language).metadata["Plural-Forms"]
