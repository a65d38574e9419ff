"""Match a screen's text against the catalog's signatures (the screen half of :mod:`classify`).

A signature's phrases are its own plus its ``group``'s, combined as a noisy-OR of weight x match score;
a signature with ``codes`` (a stop or status code) fires only when one of its codes is on screen, so the
same stop screen with another code goes to another article: hex codes must match (one misread digit is
forgiven when no other code of the catalog is as close), stop-code names nearly (CODE_NAME_MIN_SCORE).
Phrases in Japanese are only tried on text that holds Japanese characters. ``screenUnless`` phrases
scale the score down.
"""
import functools
import re
from dataclasses import dataclass, field

from . import catalog as cat, textmatch



@dataclass
class PhraseHit:
    """One catalog phrase found in the screen text."""

    phrase: str
    score: float
    weight: float
    matched: str
    is_regex: bool = False
    lang: str = cat.DEFAULT_LANGUAGE
    is_code: bool = False

    @property
    def shown(self):
        """What a person should read: the phrase, or for a pattern the text it matched."""
        return self.matched if self.is_regex else self.phrase

    @property
    def contribution(self):
        return self.weight * self.score


@dataclass
class SignatureScore:
    """How well one signature explains the screen text."""

    signature: dict
    score: float = 0.0
    hits: list = field(default_factory=list)
    vetoes: list = field(default_factory=list)

    @property
    def languages(self):
        """Languages of the phrases that matched, strongest first."""
        out = []
        for hit in self.hits:
            if not hit.is_regex and not hit.is_code and hit.lang not in out:
                out.append(hit.lang)
        return out


@functools.lru_cache(maxsize=512)
def _normalized_phrase(text):
    return textmatch.normalize(text)


CODE_NAME_MIN_SCORE = 0.85  # stop-code names; hex codes match nearly exactly (see _Screen._hex_code)


class _Screen:
    """One screen text, normalized once, with the phrase results cached (groups share phrases).
    ``codes``: every hex code of the catalog, so a misread digit is only forgiven when unambiguous."""

    def __init__(self, text, codes=()):
        self.codes = codes
        self.normalized, self.folded = textmatch.normalize(text), textmatch.fold(text)
        self.cjk = textmatch.has_cjk(self.normalized)
        self._seen = {}
        self._hex_tokens = None

    def match(self, entry, is_code=False):
        key = (entry.get("text"), entry.get("regex"), entry.get("min"), is_code)
        if key not in self._seen:
            self._seen[key] = self._match(entry, is_code)
        hit = self._seen[key]
        if hit is not None and hit.weight != float(entry.get("weight", 0.5)):
            hit = PhraseHit(hit.phrase, hit.score, float(entry.get("weight", 0.5)), hit.matched, hit.is_regex,
                            hit.lang, hit.is_code)
        return hit

    def _match(self, entry, is_code):
        weight = float(entry.get("weight", 0.5))
        lang = cat.phrase_language(entry)
        if is_code and _HEX_CODE.match(entry.get("text", "")):
            return self._hex_code(entry, weight, lang)
        if "regex" in entry:
            found = re.search(entry["regex"], self.folded, re.MULTILINE)
            if not found:
                return None
            return PhraseHit(entry["regex"], 1.0, weight, found.group(0).strip(), True, lang, is_code)
        phrase = entry["text"]
        normalized = _normalized_phrase(phrase)
        if textmatch.has_cjk(normalized) and not self.cjk:
            return None
        result = textmatch.phrase_score(normalized, self.normalized, normalized=True)
        # a stop-code name (CRITICAL_PROCESS_DIED) must be nearly exact: names share words ("initialization failed")
        threshold = entry.get("min", CODE_NAME_MIN_SCORE if is_code else textmatch.default_threshold(phrase))
        if result.score < threshold:
            return None
        return PhraseHit(phrase, result.score, weight, result.matched, False, lang, is_code)


    def _hex_code(self, entry, weight, lang):
        """A status or stop code ('0xc000000f', 'c00002e2') among the screen's hex-looking tokens, exactly.

        OCR reads O for 0 and l for 1 and may add a letter before '0x' ('O0xc000000f'); the eight hex digits
        decide (0xc0000011 and 0xc0000001 are different errors)."""
        want = _HEX_CODE.match(entry["text"]).group("digits").lower()
        if self._hex_tokens is None:
            self._hex_tokens = {_hex_digits(t) for t in _HEX_TOKEN.findall(self.folded)}
        if want in self._hex_tokens:
            return PhraseHit(entry["text"], 1.0, weight, entry["text"].lower(), False, lang, True)
        for token in self._hex_tokens:  # one digit misread, and no other known code that close
            if _differ(token, want) == 1 and not any(_differ(token, c) <= 1 for c in self.codes if c != want):
                return PhraseHit(entry["text"], 0.9, weight, token, False, lang, True)
        return None


_HEX_CODE = re.compile(r"^(0x)?(?P<digits>[0-9a-fA-F]{8})$")
_HEX_TOKEN = re.compile(r"(?<![0-9a-z])[o0]?[o0]?x?\s?([0-9a-fol|i]{8})(?![0-9a-z])")


def _differ(a, b):
    return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))


_HEX_CODES = {}


def _hex_codes(catalog):
    """Every hex code of the catalog (cached per catalog object)."""
    key = id(catalog)
    if key not in _HEX_CODES:
        _HEX_CODES[key] = tuple(sorted({_HEX_CODE.match(c["text"]).group("digits").lower()
                                        for sig in catalog["signatures"] for c in sig.get("codes", [])
                                        if _HEX_CODE.match(c.get("text", ""))}))
    return _HEX_CODES[key]


def _hex_digits(token):
    return token.translate(str.maketrans({"o": "0", "l": "1", "|": "1", "i": "1"}))


def match_phrase(entry, normalized_text, folded_text):
    """Score one catalog phrase entry (``text`` or ``regex``) against normalized/folded text -> PhraseHit|None."""
    screen = _Screen("")
    screen.normalized, screen.folded, screen.cjk = normalized_text, folded_text, textmatch.has_cjk(normalized_text)
    screen._hex_tokens = None  # pylint: disable=protected-access
    return screen.match(entry)


def score_signature(signature, screen, catalog):
    """Combine a signature's phrase hits (noisy-OR), require its code if it has codes, apply its vetoes."""
    result = SignatureScore(signature)
    if not cat.detectable(signature):
        return result
    missing = 1.0
    for entry in cat.phrases(signature, catalog):
        hit = screen.match(entry)
        if hit:
            result.hits.append(hit)
            missing *= 1.0 - hit.contribution
    if signature.get("codes"):
        codes = [hit for hit in (screen.match(c, is_code=True) for c in signature["codes"]) if hit]
        if not codes:
            return SignatureScore(signature)  # the stop/status code on screen is another one (or none)
        best = max(codes, key=lambda h: h.contribution)
        result.hits.append(best)
        missing *= 1.0 - best.contribution
    score = 1.0 - missing
    for entry in signature.get("screenUnless", []):
        hit = screen.match(entry)
        if hit:
            result.vetoes.append(hit)
            score *= 1.0 - hit.contribution
    result.score = score
    result.hits.sort(key=lambda h: -h.contribution)
    return result


def rank_screen(text, catalog=None):
    """Score every signature against ``text``; best first."""
    catalog = catalog or cat.load()
    screen = _Screen(text, _hex_codes(catalog))
    scores = [score_signature(sig, screen, catalog) for sig in catalog["signatures"]]
    # on a tie (noisy-OR saturates near 1) the signature whose code is on screen wins over its group's generic one
    return sorted(scores, key=lambda s: (-round(s.score, 6), not any(h.is_code for h in s.hits)))


_PERCENT = re.compile(r"(?<![0-9])([0-9]{1,3})\s?%")


def progress_percent(text):
    """The percentage a progress screen shows ('30% complete' -> 30), or None."""
    found = _PERCENT.search(textmatch.fold(text or "").replace("o%", "0%"))
    value = int(found.group(1)) if found else None
    return value if value is not None and value <= 100 else None
