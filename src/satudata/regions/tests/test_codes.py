import pytest

from satudata.regions.codes import BadRegionCode, normalize_code


@pytest.mark.parametrize(
    ("raw", "dotted"),
    [
        ("61.12.01.2001", "61.12.01.2001"),
        ("6112012001", "61.12.01.2001"),
        (" 61 12 01 2001 ", "61.12.01.2001"),
        ("6112", "61.12"),
        ("61", "61"),
        ("611201", "61.12.01"),
    ],
)
def test_codes_in_every_accepted_form_normalize_to_dotted(raw, dotted):
    assert normalize_code(raw) == dotted


@pytest.mark.parametrize("raw", ["", "6", "611", "61.1", "abc", "61.12.01.20011", "61;DROP"])
def test_malformed_codes_are_refused_with_a_message(raw):
    with pytest.raises(BadRegionCode, match="kode wilayah|region code"):
        normalize_code(raw)
