"""Word lists of the entity layer: what an organisation's name carries that is not its identity,
and capitalised words that are never a person or an organisation.

Facts of usage, not of any story: every list is a closed class (legal forms, ISO codes) or a
generic business noun. Time zones are not listed here: the time family owns that list and no
family imports another, so the entity layer knows a zone by its place after a clock time.
"""

from __future__ import annotations

from storyline.analyse.lang.words import word_set

__all__ = [
    "COMPANY_NOUNS",
    "CURRENCY_CODES",
    "LEGAL_SUFFIXES",
    "MAKING_VERBS",
    "MARKET_INDICES",
    "NOT_ENTITY_CODES",
    "ORG_DESCRIPTORS",
    "PRODUCT_NOUNS",
]

# Legal forms that close a company's name ("Boeing Co", "Siemens AG", "Eni SpA", "Novo Nordisk
# A/S"): the same company is named with and without them. Folded, without dots.
LEGAL_SUFFIXES = word_set(
    """
    inc incorporated corp corporation co company companies ltd limited plc llc llp lp
    ag se sa spa nv bv gmbh kgaa ab asa oyj a/s as pty pte bhd sarl srl sas kk
    """
)
# Words that say what kind of business a name is, said or left out ("BT Group", "HSBC
# Holdings", "Vantor Pharmaceuticals", "KLM Royal Dutch Airlines"): a name with them and the
# name without them are the same organisation when nothing else in the corpus claims the
# shorter form. Folded.
ORG_DESCRIPTORS = word_set(
    """
    group holdings holding pharmaceuticals pharmaceutical pharma airlines airline airways
    bank banking logistics power engineering insurance energy telecommunications telecom
    technologies technology systems industries international partners capital motors
    software media resources financial services worldwide global
    """
)
# ISO 4217 codes the business press writes before amounts ("EUR 4bn", "USD 171.20").
CURRENCY_CODES = word_set(
    """
    USD EUR GBP JPY CNY CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RUB INR BRL MXN ZAR KRW
    HKD SGD TRY SAR AED ILS EGP NGN KES
    """
)
# Capitalised codes that the tagger reads as organisations and never are one.
NOT_ENTITY_CODES = CURRENCY_CODES
# Common nouns that make a capitalised name in apposition to them a product ("Lumetra, its weekly
# obesity injection"), and verbs whose passive participle after a name says the same
# ("Wegovy, made by Novo Nordisk"). Folded lemmas.
PRODUCT_NOUNS = word_set(
    """
    drug medicine medication injection pill vaccine treatment therapy jet aircraft plane
    airliner car vehicle truck model phone smartphone handset device chip processor laptop
    console software app game brand product range beer drink
    """
)
MAKING_VERBS = word_set("make build develop produce manufacture sell market design brew")
# Stock market indices, which the tagger reads as organisations ("the Dow", "the FTSE 100").
# Folded; matched on the whole name.
MARKET_INDICES = frozenset(
    """dow|dow jones|dow jones industrial average|ftse|ftse 100|ftse 250|s&p|s&p 500|nikkei|
    nikkei 225|hang seng|dax|cac|cac 40|stoxx|stoxx 600|euro stoxx 50|kospi|sensex|topix|
    ibex|ibex 35|nasdaq composite|nasdaq 100|russell 2000|asx 200""".replace("\n", "").split("|")
)
MARKET_INDICES = frozenset(w.strip() for w in MARKET_INDICES)
# Nouns a company's name modifies and a place's does not ("Jefferies analysts", "Maersk shares",
# "analysts at Jefferies"): a name tagged as a place in front of one is a company. Office titles
# a country shares ("US president") are left out. Folded lemmas.
COMPANY_NOUNS = word_set(
    """
    share stock shareholder investor analyst boss chairman chairwoman founder board
    executive ceo cfo spokesman spokeswoman spokesperson employee staff subsidiary unit
    division brand customer economist strategist
    """
)
