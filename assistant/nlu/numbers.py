"""Spoken English numbers to digits: "twenty five" -> "25", "twenty point five" -> "20.5".

Home Assistant's templates understand number words for their own ranges, but not decimals
("twenty point five degrees") or "a hundred", and the fuzzy pass works on digits. Only whole
runs of number words are rewritten; a lone "a" or "one" used as a word ("turn on a light",
"the one in the kitchen") is left alone unless it is part of a larger number.
"""

from __future__ import annotations

import re

_UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}

DIGIT_WORDS: dict[str, str] = {str(number): word for word, number in _UNITS.items()}
"""Digits as words, "3" -> "three": a select's levels "1", "2", "3" said as words."""
_NUMBER_WORDS = {*_UNITS, *_TENS, *_SCALES}


def is_number_word(word: str) -> bool:
    """ "50", "50%", "fifty", "hundred": a word that says a number."""
    return any(ch.isdigit() for ch in word) or word.lower() in _NUMBER_WORDS
_WORD = re.compile(r"[A-Za-z]+")


def _integer_words(words: list[str]) -> int | None:
    """The value of a run of integer words, or None if the run is not a well-formed number."""
    total = 0
    current = 0
    last: str | None = None
    for word in words:
        if word in _UNITS:
            if last in _UNITS or (last in _TENS and _UNITS[word] >= 10):
                return None
            current += _UNITS[word]
        elif word in _TENS:
            if last in _UNITS or last in _TENS:
                return None
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * 1000
            current = 0
        last = word
    return total + current


def words_to_digits(text: str) -> str:
    """Rewrite runs of English number words as digits; everything else is kept as it was."""
    words = list(_WORD.finditer(text))
    pieces: list[str] = []
    position = 0
    i = 0
    while i < len(words):
        end, run = _number_run(text, words, i)
        value = _integer_words(run) if run else None
        decimals, after = _decimals(text, words, end) if value is not None else ("", end)
        if value is None or (run == ["one"] and not decimals):
            i = max(end, i + 1)
            continue
        number = f"{value}.{decimals}" if decimals else str(value)
        end = after
        pieces.append(text[position : words[i].start()])
        pieces.append(number)
        position = words[end - 1].end()
        i = end
    pieces.append(text[position:])
    # "Twenty one and a half degrees".
    return re.sub(r"\b(\d+) and a half\b", r"\1.5", "".join(pieces), flags=re.IGNORECASE)


def _adjacent(text: str, words: list[re.Match[str]], j: int) -> bool:
    """Whether word j follows word j-1 with only spaces or a hyphen between them."""
    return text[words[j - 1].end() : words[j].start()].strip(" -") == ""


def _number_run(text: str, words: list[re.Match[str]], i: int) -> tuple[int, list[str]]:
    """The index after the run of number words starting at word i, and its number words."""
    run: list[str] = []
    j = i
    while j < len(words):
        word = words[j].group().lower()
        if j > i and not _adjacent(text, words, j):
            break
        following = words[j + 1].group().lower() if j + 1 < len(words) else ""
        if word in _NUMBER_WORDS:
            run.append(word)
        elif word == "a" and not run and following in _SCALES:
            pass
        elif word == "and" and run and run[-1] in _SCALES and (following in _UNITS or following in _TENS):
            pass
        else:
            break
        j += 1
    return j, run


def _decimals(text: str, words: list[re.Match[str]], j: int) -> tuple[str, int]:
    """Digits spoken after "point" at word j ("point five" -> "5"), and the index after them."""
    if j >= len(words) or words[j].group().lower() != "point" or not _adjacent(text, words, j):
        return "", j
    digits: list[str] = []
    k = j + 1
    while k < len(words) and _adjacent(text, words, k):
        word = words[k].group().lower()
        if word not in _UNITS or _UNITS[word] > 9:
            break
        digits.append(str(_UNITS[word]))
        k += 1
    if not digits:
        return "", j
    return "".join(digits), k
