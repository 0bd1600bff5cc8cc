import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from jianding.identity import resident_id_normalise, resident_id_parse
from jianding.privacy import resident_id_mask


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_valid_number_gives_birth_date_and_sex():
    parsed = resident_id_parse("11010519491231002X")
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.age_on(datetime.date(2026, 12, 30)) == 76
    assert parsed.age_on(datetime.date(2026, 12, 31)) == 77


def test_lower_case_x_and_full_width_digits_are_normalised():
    assert resident_id_normalise("１１０１０５１９４９１２３１００２x") == "11010519491231002X"
    assert resident_id_parse(" 11010519491231002x ").number == "11010519491231002X"


def test_residence_permit_prefixes_are_accepted():
    # cn.ric.validate refuses 81/82/83 (Hong Kong, Macao, Taiwan residence permits).
    number = with_check_digit("81000019900101001")
    assert not ric.is_valid(number)
    assert resident_id_parse(number).sex == "M"


def test_county_code_retired_before_birth_is_not_refused():
    number = with_check_digit("32010219900101001")  # a county code as issued, whatever its history
    assert resident_id_parse(number).birth_date == datetime.date(1990, 1, 1)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1101051949123100", "ric_format"),
        ("11010519491231002Y", "ric_format"),
        ("11010519491231002", "ric_format"),
        (with_check_digit("11010519490231002"), "ric_birth_date"),
        (with_check_digit("11010520991231002"), "ric_birth_date"),
        (with_check_digit("11010518891231002"), "ric_birth_date"),
        ("110105194912310021", "ric_checksum"),
    ],
)
def test_refusals_name_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as caught:
        resident_id_parse(value)
    assert caught.value.code == code


def test_mask_keeps_region_and_last_four():
    assert resident_id_mask("11010519491231002X") == "110105********002X"
