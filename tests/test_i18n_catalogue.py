"""The English catalogue is complete, compiled, and used by the pages.

Every msgid of src/shopops/locale/en/LC_MESSAGES/django.po has a translation that keeps
its placeholders, nothing is fuzzy, and the committed django.mo says the same as the
.po (a fresh machine has no gettext to compile it). After adding strings, run
`make messages` and translate the new entries.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from shopops.core.roles import Role
from shopops.web.navigation import NAV, NavMenu

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
NAMED = re.compile(r"%\((\w+)\)[-+ #0]*\d*(?:\.\d+)?[sdifr]")
POSITIONAL = re.compile(r"%(?!\()[-+ #0]*\d*(?:\.\d+)?[sdifr%]")
BRACES = re.compile(r"\{(\w*)\}")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[n] for n in sorted(self.msgstr_plural)]

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"django.po:{self.line} {context}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """Return the entries of a .po file, the header (msgid "") included.

    Enough of the format for what makemessages writes: comments and flags, msgctxt,
    plurals and strings continued over several lines; obsolete (#~) entries are left
    out. An entry ends at its msgstr: the next comment, msgctxt or msgid begins
    another.
    """
    entries: list[Entry] = []
    target: tuple[str, int | None] | None = None
    complete = True  # the last entry has its msgstr: what follows is a new entry

    def current(number: int) -> Entry:
        nonlocal complete
        if complete:
            entries.append(Entry(line=number))
            complete = False
        return entries[-1]

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            entry = current(number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert target is not None, f"line {number}: a string outside an entry"
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            match = re.fullmatch(
                r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword
            )
            assert match, f"line {number}: unexpected {line!r}"
            name, index = match.group(1), match.group(2)
            target = (name, None if index is None else int(index))
            value = ast.literal_eval(rest)
            if name in ("msgctxt", "msgid"):
                current(number)
            elif name == "msgstr":
                complete = True
        entry = entries[-1]
        name, index = target
        if index is not None:
            entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    """The entries without the header."""
    return [e for e in po_entries if e.msgid]


def placeholders(text: str) -> tuple[Counter[str], list[str], Counter[str]]:
    """Return the named %(x)s, the positional %s/%d (in order) and the {x} fields."""
    return (
        Counter(NAMED.findall(text)),
        POSITIONAL.findall(NAMED.sub("", text)),
        Counter(BRACES.findall(text)),
    )


def test_the_parser_reads_contexts_plurals_and_continued_lines() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgctxt "plural"\nmsgid "订单"\nmsgstr "Orders"\n\n'
        '#, fuzzy, python-format\nmsgid ""\n"共 %(n)s "\n"个"\nmsgid_plural "共 %(n)s 个"\n'
        'msgstr[0] "%(n)s order"\nmsgstr[1] ""\n"%(n)s orders"\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n'
    )

    header, orders, plural = parse_po(text)

    assert header.msgid == ""
    assert header.msgstr == "Language: en\n"
    assert (orders.msgctxt, orders.msgid, orders.msgstr) == ("plural", "订单", "Orders")
    assert plural.msgid == "共 %(n)s 个"
    assert plural.msgid_plural == "共 %(n)s 个"
    assert plural.translations == ["%(n)s order", "%(n)s orders"]
    assert plural.flags == {"fuzzy", "python-format"}


def test_the_catalogue_is_english_with_two_plural_forms(
    po_entries: list[Entry],
) -> None:
    header = po_entries[0]

    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr
    assert "fuzzy" not in header.flags


def test_every_message_is_translated(messages: list[Entry]) -> None:
    assert len(messages) > 1000  # the whole back office, not a stub
    untranslated = [
        str(e) for e in messages if not all(t.strip() for t in e.translations)
    ]
    assert not untranslated, "\n".join(untranslated)
    wrong_plurals = [
        str(e)
        for e in messages
        if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]
    ]
    assert not wrong_plurals, "\n".join(wrong_plurals)


def test_nothing_is_fuzzy(po_entries: list[Entry]) -> None:
    fuzzy = [str(e) for e in po_entries if "fuzzy" in e.flags]

    assert not fuzzy, "\n".join(fuzzy)


def test_translations_are_english(messages: list[Entry]) -> None:
    """No Chinese left in a translation, except where it names what a file or a
    shop's data literally contains (column values, example cells)."""
    allowed = {"“元”", "在售/草稿/停售", "“颜色:军绿;尺码:L”"}
    chinese = []
    for e in messages:
        for text in e.translations:
            for literal in allowed:
                text = text.replace(literal, "")
            if CJK.search(text):
                chinese.append(f"{e}: {text!r}")
    assert not chinese, "\n".join(chinese)


def test_translations_keep_the_placeholders(messages: list[Entry]) -> None:
    mismatched = []
    for e in messages:
        expected = placeholders(e.msgid)
        if e.msgid_plural is not None:
            assert placeholders(e.msgid_plural) == expected, str(e)
        for text in e.translations:
            if placeholders(text) != expected:
                mismatched.append(f"{e}: {text!r}")
    assert not mismatched, "\n".join(mismatched)


def test_the_compiled_catalogue_matches_the_po(messages: list[Entry]) -> None:
    """django.mo is compiled from this very .po: rerun `make messages` if not."""
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    stale = []
    for e in messages:
        if e.msgid_plural is None:
            got = [
                compiled.pgettext(e.msgctxt, e.msgid)
                if e.msgctxt
                else compiled.gettext(e.msgid)
            ]
        else:
            got = [
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, n)
                for n in (1, 2)
            ]
        if got != e.translations:
            stale.append(f"{e}: .mo {got!r} ≠ .po {e.translations!r}")
    assert not stale, "\n".join(stale)


def test_every_navigation_label_is_translated() -> None:
    labels = []
    for node in NAV:
        labels.append(node.label)
        if isinstance(node, NavMenu):
            labels.extend(item.label for item in node.items)

    with translation.override("en"):
        chinese = [str(label) for label in labels if CJK.search(str(label))]

    assert not chinese


@pytest.mark.django_db
def test_today_in_english_has_no_chinese_in_navigation_or_title(
    client, make_staff, frozen_clock
) -> None:
    frozen_clock("2026-11-26 10:00")
    client.force_login(make_staff(Role.OPS_MANAGER, name="Ops Manager").user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/today/").content.decode()

    assert '<html lang="en">' in html
    header = re.search(r"<header\b.*?</header>", html, re.S)
    assert header is not None
    # the language switch offers Chinese in Chinese: the one place it belongs
    navigation = header.group().replace('data-testid="lang-zh">中文<', "")
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    page_title = re.search(r'<h2 class="page-title">(.*?)</h2>', html, re.S)
    assert title is not None
    assert page_title is not None
    for part in (navigation, title.group(1), page_title.group(1)):
        assert not CJK.search(part), CJK.findall(part)
    assert "Order list" in navigation
    assert "Purchase orders" in navigation
    assert "Operations manager" in navigation  # the role under the name
    assert "Today" in title.group(1)
