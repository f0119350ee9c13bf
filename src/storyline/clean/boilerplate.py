"""Line-level boilerplate rules that work on outlets never seen before.

Each rule looks at one line's own features (second-person appeals, imperatives to subscribe,
refresh or register, credit patterns, length) and gives a score; a line scoring 1.0 is removed on
its own, a line scoring at least ``Settings.context_threshold`` only when it sits next to removed
lines (an appeal runs over several paragraphs, and not all of them say 'donate').
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["APPEALS", "LineVerdict", "caption_texts", "score_line", "strip_quoted"]

NEWSLETTER = "newsletter/notification prompt"
DONATION = "donation/subscription appeal"
LOGIN = "registration/log-in prompt"
WIDGET = "share/follow widget"
NAVIGATION = "navigation/related links"
CAPTION = "photo caption/credit"
NOTICE = "site notice"
COPYRIGHT = "copyright notice"
APPEALS = frozenset({NEWSLETTER, DONATION, LOGIN, NOTICE})
"""Reasons whose blocks spread to weak neighbours; a caption's neighbour is not thereby furniture."""


@dataclass(frozen=True, slots=True)
class LineVerdict:
    score: float
    reason: str
    method: str


_I = re.IGNORECASE
# Quoted speech may say anything ("you", "subscribe"): rules look at the reporter's words only.
_DOUBLE_QUOTED = re.compile(r"[“\"«][^“”\"«»]*[”\"»]")
_OPENS_WITH_QUOTE = re.compile(r"^\s*[“\"«‘']")

_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you’re|you'll|you’ll|yours)\b", _I)
# Case matters: "US" is a country, "us" a newsroom talking about itself.
_FIRST_PLURAL = re.compile(r"\b(?:[Ww]e|[Oo]ur|us|[Ww]e're|[Ww]e’re|[Ww]e've|[Ww]e’ve)\b")
_JOURNALISM = re.compile(
    r"\b(?:journalism|journalists?|reporters?|reporting|newsroom|paywalls?|documentar(?:y|ies)|"
    r"independent journalism|fact-based|newsletter)\b",
    _I,
)

_STRONG: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # newsletters and notifications
    (
        re.compile(
            r"\b(?:sign(?:ing)? up|subscribe|register)\b.{0,60}\b(?:newsletters?|alerts?|briefings?|inbox|emails?|updates)\b",
            _I,
        ),
        NEWSLETTER,
        "newsletter-signup",
    ),
    (
        re.compile(
            r"\bnewsletters?\b.{0,80}\b(?:inbox|sign up|subscribe|delivered|free|daily|weekly)\b",
            _I,
        ),
        NEWSLETTER,
        "newsletter",
    ),
    (
        re.compile(
            r"\bnotifications?\b.{0,60}\b(?:managed|browser|turn(?:ed)? on|allow|enable|receive|get|push)\b|\b(?:turn on|allow|enable|get|receive)\b.{0,30}\bnotifications\b|^stay up to date with notifications",
            _I,
        ),
        NEWSLETTER,
        "notifications",
    ),
    (
        re.compile(
            r"^(?:stay|keep) (?:up to date|up-to-date|informed|updated|in the loop|ahead)\b", _I
        ),
        NEWSLETTER,
        "stay-updated",
    ),
    (re.compile(r"\bstraight to your inbox\b|\bin your inbox\b", _I), NEWSLETTER, "inbox"),
    # donations and subscriptions
    (
        re.compile(r"\byour (?:support|donation|contribution|subscription|gift|generosity)\b", _I),
        DONATION,
        "your-support",
    ),
    (
        re.compile(
            r"\b(?:make a (?:donation|contribution|gift)|donate (?:now|today)|support (?:our|independent|quality|trusted) (?:journalism|reporting)|support us\b|become a (?:member|supporter|subscriber|patron)|subscribe (?:now|today|for (?:just|only|free|less)|from [£$€])|start your (?:free )?trial|already a (?:subscriber|member)|unlimited access|subscribers? only|for subscribers)",
            _I,
        ),
        DONATION,
        "appeal",
    ),
    (
        re.compile(
            r"^(?i:please\s+)?(?i:support|back|fund|donate to|subscribe to|join)\s+(?:us|the\s+\w+|our\s+\w+|[A-Z]\w*)(?:\s+\w+){0,4}\W*$"
        ),
        DONATION,
        "support-imperative",
    ),
    (
        re.compile(
            r"\bpaywalls?\b.{0,120}\b(?:we|our|us)\b|\b(?:we|our)\b.{0,120}\bpaywalls?\b", _I
        ),
        DONATION,
        "paywall",
    ),
    # log-in and registration
    (
        re.compile(r"\b(?:refresh|reload) (?:the|this|your) (?:page|browser)\b", _I),
        LOGIN,
        "refresh-page",
    ),
    (
        re.compile(
            r"\bthank you for (?:registering|subscribing|signing up|your support|reading|your interest)\b",
            _I,
        ),
        LOGIN,
        "thank-you",
    ),
    (
        re.compile(
            r"\b(?:to be (?:automatically )?logged in|log(?:ged)? ?in to|sign in to|create (?:an|a free) account|(?:already )?have an account|register (?:for free|now|to (?:continue|read|comment|access|unlock|save))|forgot(?:ten)? (?:your )?password)\b",
            _I,
        ),
        LOGIN,
        "login",
    ),
    # widgets and navigation
    (
        re.compile(
            r"^(?:(?:share|share this(?: article| story| page)?|tweet|email|e-mail|print|copy(?: the)? link|link copied|facebook|twitter|x|whatsapp|linkedin|reddit|pinterest|flipboard|messenger|telegram|bluesky|threads|instagram|youtube|tiktok|comments?|\d+ comments?|save|saved|gift(?: this)? article|listen(?: to (?:this|the) article)?|follow(?: us)?(?: on)?)[\s,|/•·:\-]*)+$",
            _I,
        ),
        WIDGET,
        "share-widget",
    ),
    (
        re.compile(
            r"^follow (?:us|@?[\w.]+|the [\w ]{1,30}) on (?:twitter|x|facebook|instagram|threads|bluesky|tiktok|linkedin|youtube)\b",
            _I,
        ),
        WIDGET,
        "follow-us",
    ),
    (
        re.compile(
            r"^(?:advertisement|advert|sponsored(?: content)?|promoted|paid content|skip to (?:main )?content|skip advert|story continues below(?: advertisement)?|article continues below|continue reading(?: below)?|scroll down for video|back to top)\W*$",
            _I,
        ),
        NAVIGATION,
        "advert-marker",
    ),
    (
        re.compile(
            r"^(?:read|see|watch|listen|more|related|recommended|most read|trending|top stories|latest|also read|read next|up next)(?: more| also| next| now| stories| articles| on)?\s*[:|»>–-]",
            _I,
        ),
        NAVIGATION,
        "related-link",
    ),
    (
        re.compile(
            r"^(?:more (?:must-reads|stories|from|on this story|top stories)|you (?:may|might) also like|recommended for you|most (?:popular|read|viewed)|related (?:stories|articles|coverage|topics))\b.{0,60}$",
            _I,
        ),
        NAVIGATION,
        "related-header",
    ),
    (
        re.compile(
            r"^(?:see|view|watch) (?:more |all |the )?(?:photos|pictures|images|videos?|gallery)\s*[:.…]*\s*$",
            _I,
        ),
        NAVIGATION,
        "gallery-link",
    ),
    (
        re.compile(
            r"^(?:\(end\)|-+\s*end\s*-+|#{3}|\*{3}|loading(?: [\w ]{0,30})?\s*(?:\.\.\.|…)?)$", _I
        ),
        NOTICE,
        "end-marker",
    ),
    (
        re.compile(r"^(?:[\w.+-]+@[\w-]+\.[\w.]+|@\w{2,}(?:\s+@\w{2,})*)$"),
        NOTICE,
        "contact-line",
    ),
    (
        re.compile(
            r"\b(?:click here|tap here|click the link|download (?:our|the) app|get the app)\b", _I
        ),
        NAVIGATION,
        "click-here",
    ),
    (
        re.compile(
            r"\b(?:enable javascript|javascript is disabled|ad ?blocker|cookies? (?:policy|settings|preferences)|accept (?:all )?cookies|we use cookies|privacy policy|terms (?:of|and) (?:use|service|conditions))\b",
            _I,
        ),
        NOTICE,
        "site-notice",
    ),
    (re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", _I), COPYRIGHT, "copyright"),
    # captions
    (
        re.compile(
            r"^(?:pictured|above|below|top|main|inset|left|right|from left|l-r|file photo|image|picture|photo(?:graph)?|credit|image source|image caption|media caption|caption)\s*[:,]",
            _I,
        ),
        CAPTION,
        "caption-label",
    ),
)

# Photo agencies and credit words. A credit closes a caption after a separator or inside
# brackets; a sentence that merely names Reuters ends with a full stop instead.
_AGENCY = (
    r"(?:PA(?: Wire| Media| Archive| Images)?|AP(?: Photo)?|AFP|EPA(?:-EFE)?|Reuters|Getty(?: Images)?|"
    r"Shutterstock|Alamy(?: Live News)?|Associated Press|Press Association|Bloomberg|Rex(?: Features)?|"
    r"SWNS|Anadolu(?: Agency)?|Xinhua|NurPhoto|Sipa(?: USA)?|ZUMA(?: Press| Wire)?|UPI|WireImage|"
    r"AAP|Universal Images Group|Handout|Supplied|File|Pool|[A-Z][\w.]*(?: [A-Z][\w.]*)?/(?:[A-Z][\w.]*(?: [\w.]+){0,3}))"
)
_CREDIT_END = re.compile(
    rf"(?:\s[-–—|/]\s*(?:[\w.&' ]{{0,40}}(?:via|/)\s*)?{_AGENCY}(?:\s+via\s+{_AGENCY})?|"
    rf"\(\s*{_AGENCY}[^()]{{0,30}}\)(?:\s*\(\s*{_AGENCY}[^()]{{0,30}}\))*|"
    rf"\bvia\s+{_AGENCY}|"
    rf"\b(?:Photo(?:graph)?|Image|Picture|Credit)s?\s*:\s*[^.]{{1,60}})\s*$"
)

_CTA = re.compile(
    r"\b(?:click|tap|sign up|subscribe|register|download|join|log in|sign in|share|follow|try|enjoy|"
    r"unlock|upgrade)\b",
    _I,
)


_LABEL = re.compile(r"^(?:pictured|picture|photo(?:graph)?|image|caption|file photo)\s*[:,]\s*", _I)


def caption_texts(removed: Iterable[tuple[str, str]]) -> list[str]:
    """The editorial words of the photo captions among ``removed`` ((text, reason) pairs), each
    once, without labels and credits: "Labour MP Mike Tapp at the DNC in August - PA" -> "Labour
    MP Mike Tapp at the DNC in August". Captions leave the article body but still name who is in
    the story; boilerplate (appeals, prompts) is never returned."""
    seen: set[str] = set()
    out: list[str] = []
    for text, reason in removed:
        if not reason.startswith("photo caption"):
            continue
        body, prev = text.strip(), ""
        while body and body != prev:
            prev = body
            body = _CREDIT_END.sub("", body).rstrip(" -–—|,;:")
        body = _LABEL.sub("", body).strip()
        key = " ".join(body.split()).lower()
        if len(body.split()) >= 2 and key not in seen:
            seen.add(key)
            out.append(body)
    return out


def strip_quoted(line: str) -> str:
    """The reporter's own words in ``line``: quoted speech is blanked. A paragraph that opens with
    a quotation mark is a (possibly multi-paragraph) quote and counts as all quoted."""
    if _OPENS_WITH_QUOTE.match(line):
        return ""
    return _DOUBLE_QUOTED.sub(" ", line)


# Cheap substring tests that must hold before a rule's regex is worth running: most lines of
# news contain none of them, and the regexes are the cleaner's hot path. Anchored rules (^...)
# fail at the first character and need no trigger.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "newsletter-signup": ("sign", "subscri", "regist"),
    "newsletter": ("newsletter",),
    "notifications": ("notification",),
    "inbox": ("inbox",),
    "your-support": ("your ",),
    "appeal": ("donat", "contribut", "support", "member", "subscri", "trial", "access", "patron"),
    "paywall": ("paywall",),
    "refresh-page": ("refresh", "reload"),
    "thank-you": ("thank",),
    "login": ("log", "sign in", "account", "regist", "password"),
    "click-here": ("click", "tap here", " app"),
    "site-notice": ("javascript", "blocker", "cookie", "privacy", "terms"),
    "copyright": ("©", "(c)", "copyright", "rights reserved"),
}
_RULES = tuple(
    (pattern, reason, method, frozenset(_TRIGGERS[method]) if method in _TRIGGERS else None)
    for pattern, reason, method in _STRONG
)
_ALL_TRIGGERS = tuple(sorted({t for ts in _TRIGGERS.values() for t in ts}))
"""Every trigger once: a line holds the ones that are substrings of it (a plain ``in`` test
each, far cheaper than one regex alternation over them all)."""
_CREDIT_TRIGGERS = (
    "(",
    " - ",
    " – ",
    " — ",
    " | ",
    "/",
    "via ",
    "photo",
    "image",
    "picture",
    "credit",
)


def _triggers_in(low: str) -> set[str]:
    return {t for t in _ALL_TRIGGERS if t in low}


# Substrings without which the weak-signal patterns cannot match (in the lowered line).
_FIRST_PLURAL_TRIGGERS = ("we", "our", "us")
_JOURNALISM_TRIGGERS = (
    "journalis",
    "reporter",
    "reporting",
    "newsroom",
    "paywall",
    "documentar",
    "fact-based",
    "newsletter",
)


def score_line(line: str, outlet: str | None = None) -> LineVerdict | None:
    """Score one line. None means no boilerplate signal at all."""
    words = line.split()
    n_words = len(words)
    own = strip_quoted(line)
    if not own.strip():
        return None
    low = own.lower()
    present = _triggers_in(low)
    for pattern, reason, method, triggers in _RULES:
        if triggers is not None and not (triggers & present):
            continue
        if pattern.search(own):
            # Long lines mentioning a widget word are prose, not widgets.
            if reason in (WIDGET, NAVIGATION, CAPTION) and n_words > 40:
                continue
            return LineVerdict(1.0, reason, f"clean.rule:{method}")
    lowered = line.lower()
    if n_words <= 80 and any(t in lowered for t in _CREDIT_TRIGGERS) and _CREDIT_END.search(line):
        return LineVerdict(1.0, CAPTION, "clean.rule:credit")
    score = 0.0
    reasons: list[str] = []
    if outlet and len(outlet) > 3 and outlet.lower() in low:
        score += 0.4
        reasons.append("self-name")
    if any(t in low for t in _FIRST_PLURAL_TRIGGERS) and _FIRST_PLURAL.search(own):
        score += 0.3
        reasons.append("we")
    if any(t in low for t in _JOURNALISM_TRIGGERS) and _JOURNALISM.search(own):
        score += 0.3
        reasons.append("journalism")
    second = "you" in low and bool(_SECOND_PERSON.search(own))
    if second:
        score += 0.3
        reasons.append("you")
        if _CTA.search(own) and n_words <= 30:
            score += 0.7
            reasons.append("call-to-action")
    if score <= 0.0:
        return None
    reason = DONATION if "journalism" in reasons or "self-name" in reasons else NOTICE
    return LineVerdict(min(score, 1.0), reason, "clean.rule:" + "+".join(reasons))
