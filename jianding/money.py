"""Money: yuan to the fen, in decimals, never floats.

Shared vocabulary of every app that holds an amount (fees, expenses, budgets, and later
equipment): the shape of an amount's field and the rounding of a sum read back.
"""

from decimal import Decimal

# The field of an amount in yuan: up to 9,999,999,999.99.
MONEY = {"max_digits": 12, "decimal_places": 2}

FEN = Decimal("0.01")


def fen(value) -> Decimal:
    """Return a sum from the database as yuan to the fen (SQLite drops the trailing zeros)."""
    return Decimal(value or 0).quantize(FEN)
