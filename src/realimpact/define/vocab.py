"""Vocabularies of a problem profile: market type, setting, maturity, location features.

Each member carries a plain-English ``description``. The categories follow the report's
discussion of market characteristics (UKDPC 2009, ch. 4 "Taking a broader view of drug
harms" and Table 4.3) and May & Hough's open / semi-open / closed distinction of retail
drug markets (May, T. & Hough, M. (2004) Drug markets and distribution systems, Addiction
Research & Theory 12(6)).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LocationFeature", "MarketOpenness", "MarketSetting", "Maturity"]


class _Described(StrEnum):
    """A string enum whose members carry a plain-English description."""

    description: str

    def __new__(cls, value: str, description: str = "") -> _Described:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class MarketOpenness(_Described):
    """Who can buy: anyone (open), known or vouched-for buyers (semi-open), or only trusted
    contacts (closed)."""

    OPEN = "open", "Anyone can buy without an introduction; dealing is visible."
    SEMI_OPEN = "semi-open", "Strangers can buy once vouched for or after a first contact."
    CLOSED = "closed", "Sales only to known and trusted buyers; little visible dealing."


class MarketSetting(_Described):
    """Where or how the drugs change hands."""

    STREET = "street", "Dealing in public places: streets, parks, stairwells."
    PREMISES = "premises", "Dealing from a house, flat, pub or business (incl. cuckooed homes)."
    DELIVERY = (
        "delivery",
        "Arranged by phone or app and delivered to the buyer (e.g. county lines).",
    )
    ONLINE = "online", "Bought on web markets or social media and sent by post or courier."


class Maturity(_Described):
    """How long the market has been established (Table 4.3, What? and When?)."""

    NEW = "new", "New or emerging: appeared recently, e.g. a new drug or a new site."
    ESTABLISHED = "established", "Entrenched: operating for years, known in the area."


class LocationFeature(_Described):
    """Features of the location that can increase the harms caused (Table 4.3, Where?)."""

    NEAR_SCHOOLS = "near-schools", "Near a school or where children and young people gather."
    RESIDENTIAL = "residential", "In or next to a residential neighbourhood."
    TRANSPORT_HUB = "transport-hub", "At or near a station, bus interchange or car park."
    NIGHT_TIME_ECONOMY = "night-time-economy", "In an area of bars, clubs and late venues."
