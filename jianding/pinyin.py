"""Sorting Chinese names by pinyin, as rosters are ordered.

pypinyin reads a character by its most common sound, but surnames often
sound otherwise (曾 is Zeng, not Ceng). The first character is read from the
surname table when it is there; two-character surnames are matched first.
"""

from pypinyin import Style, lazy_pinyin

SURNAMES = {
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "单于": "chan yu",
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "乐": "yue",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "繁": "po",
    "覃": "qin",
    "召": "shao",
    "种": "chong",
    "员": "yun",
    "黑": "he",
    "秘": "bi",
    "尉": "yu",
    "翟": "zhai",
    "重": "chong",
    "长孙": "zhang sun",
}


def name_sort_key(name: str) -> str:
    """Return the pinyin of ``name`` with its surname read as a surname, lower case, tone-free."""
    name = name.strip()
    for length in (2, 1):
        surname = name[:length]
        if len(surname) == length and surname in SURNAMES:
            rest = lazy_pinyin(name[length:], style=Style.NORMAL)
            return " ".join([SURNAMES[surname], *rest]).lower()
    return " ".join(lazy_pinyin(name, style=Style.NORMAL)).lower()
