"""Synthetic people for the demo: Chinese names and well-formed ID-card numbers 身份证号.

Nothing here names a real person: names are drawn from common surnames and given-name
characters, and ID-card numbers are built from Jianghai's region code 440704, a birth date, a
serial and the GB 11643-1999 check digit, so they pass validation without being anyone's.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ledger.values import id_card_check_digit

__all__ = ["REGION_CODE", "synthetic_id_card", "synthetic_name", "synthetic_phone"]

#: Jianghai District's administrative region code.
REGION_CODE = "440704"

_SURNAMES = "陈李黄梁林张吴何罗区赵谭余周钟冯关邓许莫叶卢胡郑麦甄容司徒"
_GIVEN = "伟强明华建国志平文杰军海燕红梅玲芳娟秀英丽霞婷嘉俊浩宇子轩欣怡锦荣兴达家乐"


def synthetic_name(rng: random.Random) -> str:
    """A plausible two- or three-character name."""
    surname = rng.choice(_SURNAMES[:-2]) if rng.random() > 0.01 else "司徒"
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return surname + given


def synthetic_id_card(rng: random.Random, born_from: int = 1940, born_to: int = 1998) -> str:
    """An 18-character ID-card number of Jianghai with a valid birth date and check digit."""
    start = date(born_from, 1, 1)
    span = (date(born_to, 12, 31) - start).days
    birth = start + timedelta(days=rng.randrange(span))
    first17 = f"{REGION_CODE}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_card_check_digit(first17)


def synthetic_phone(rng: random.Random) -> str:
    """A mobile number in the 138/139/150 ranges, synthetic."""
    return f"{rng.choice(('138', '139', '150', '136'))}{rng.randrange(10**8):08d}"
