"""What a search box's text means: web search syntax, parsed the same for every database.

`"fire rated" door -stair` → phrases and words that must all appear, `a OR b` either of them,
`-word` none of it. PostgreSQL reads the text itself (websearch_to_tsquery); this parse serves
the SQLite fallback, the find in a plan set and the words a viewer highlights.
"""

import re
from dataclasses import dataclass, field

MAX_LENGTH = 200
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class BadQuery(ValueError):
    """Text that is no search: empty, too long, or holding a NUL character."""


@dataclass
class Query:
    text: str
    groups: list[list[str]] = field(default_factory=list)  # every group must match; a group by any term
    excluded: list[str] = field(default_factory=list)

    @property
    def terms(self):
        """The words and phrases sought, in order, each once (what a viewer highlights)."""
        seen = dict.fromkeys(term.lower() for group in self.groups for term in group)
        return list(seen)


def parse(text):
    text = clean(text)
    query = Query(text)
    either = False
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.upper() == "OR":
            either = bool(query.groups)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = " ".join((phrase if word is None else word).split())
        if not term:
            continue
        if negated:
            query.excluded.append(term)
        elif either:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        either = False
    if not query.groups:
        raise BadQuery("Type a word to search for (words after a minus sign are only left out).")
    return query


def clean(text):
    if text is None or not text.strip():
        raise BadQuery("Type something to search for.")
    if "\x00" in text:
        raise BadQuery("The search cannot contain NUL characters.")
    if len(text) > MAX_LENGTH:
        raise BadQuery(f"The search is too long: at most {MAX_LENGTH} characters.")
    return text.strip()
