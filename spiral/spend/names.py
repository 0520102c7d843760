"""Organisation names reduced to a key that matches the same supplier written differently.

Council spend files, Contracts Finder and Companies House write one company many ways:
``ACME LIMITED``, ``Acme Ltd.``, ``Acme Ltd (T/A Acme Signs)``, ``Acme &amp; Sons Ltd``. The key:

1. decodes HTML entities (``&amp;`` becomes ``&``) and Unicode compatibility forms (NFKC);
2. folds case (``casefold``), and writes ``&`` as ``and``;
3. drops a trailing trading-as part (``t/a ...``, ``trading as ...``);
4. removes punctuation, and collapses spaces;
5. writes the legal-form words the same way: ``limited``/``ltd`` become ``ltd``,
   ``public limited company``/``plc`` become ``plc``, ``limited liability partnership``/``llp``
   become ``llp``, ``community interest company``/``cic`` become ``cic``; a leading ``the`` is
   dropped.

Two names with the same key are taken to be the same organisation; nothing fuzzier is done,
so a match is never a guess.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pandas as pd

__all__ = ["name_key", "name_keys"]

_TRADING_AS = re.compile(r"\s*\(?\b(?:t/a|trading as)\b.*$")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_FORMS = (
    (re.compile(r"\bpublic limited company\b"), "plc"),
    (re.compile(r"\blimited liability partnership\b"), "llp"),
    (re.compile(r"\bcommunity interest company\b"), "cic"),
    (re.compile(r"\blimited\b"), "ltd"),
    (re.compile(r"^(?:the )+"), ""),
)


def name_key(name: str | None) -> str | None:
    """Return the matching key of an organisation name (``None`` for an empty name).

    Examples
    --------
    >>> name_key("ACME SIGNS LIMITED") == name_key("Acme Signs Ltd.")
    True
    >>> name_key("Neil Hayes Painting &amp; Decorating Ltd")
    'neil hayes painting and decorating ltd'
    >>> name_key("Whittle Programmed Maintenance Ltd (T/A Hanksinon Whittle)")
    'whittle programmed maintenance ltd'
    >>> name_key("  ") is None
    True
    """
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", html.unescape(str(name))).casefold()
    text = text.replace("&", " and ")
    text = _TRADING_AS.sub("", text)
    text = _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
    for pattern, replacement in _FORMS:
        text = pattern.sub(replacement, text)
    text = text.strip()
    return text or None


def name_keys(names: pd.Series) -> pd.Series:
    """The keys of a column of names (see :func:`name_key`), missing where empty.

    Examples
    --------
    >>> import pandas as pd
    >>> name_keys(pd.Series(["Bell Group Limited", None, "THE BELL GROUP LTD"])).tolist()
    ['bell group ltd', None, 'bell group ltd']
    """
    unique = pd.unique(names.dropna())
    mapping = {value: name_key(value) for value in unique}
    return names.map(mapping).astype(object).where(names.notna(), None)
