"""The bundled Polity5 regime series: known state-years as Polity codes them, Polity's own state
numbers read as COW numbers, the Center's byte-order mark, and a damaged file as one clear line."""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.catalogue import polity
from foedus.catalogue.loader import catalogue
from foedus.errors import BadInput, DataFileError


def test_armenias_velvet_revolution_of_2018_is_a_small_move_that_polity_does_not_call_a_transition():
    cat = catalogue()
    assert cat.regime(371, 2017).polity2 == 5
    arm = cat.regime(371, 2018)
    assert (arm.polity2, arm.regtrans) == (7, 0)           # +2 points: "little or no change"
    assert cat.regime(371, 1998).regtrans == 3             # the major democratic transition of 1998
    assert cat.regime(372, 1992).regtrans == -77           # Georgia's interregnum


def test_polity_state_numbers_are_read_as_cow_numbers():
    cat = catalogue()
    assert cat.regime(365, 1980).polity2 == -7             # Polity's 364, the USSR
    assert cat.regime(341, 2010).polity2 == 9              # Polity's 348, Montenegro
    assert cat.regime(816, 1990) is not None               # Polity's 818, Vietnam
    assert cat.regime(300, 1900).polity2 == -4 and cat.regime(305, 1900) is None   # Polity's Austria to 1918:
    assert cat.regime(305, 1930).polity2 == 8 and cat.regime(300, 1930) is None    # COW's Austria-Hungary
    assert cat.regime(371, 2019) is None and cat.regime(395, 2010) is None  # after 2018; Iceland, too small


def test_a_year_two_polities_share_keeps_the_one_that_goes_on():
    assert polity.bundled()[(365, 1991)].regtrans == 98    # only the USSR's row in 1991 ...
    assert polity.bundled()[(255, 1990)].regtrans == 97    # ... united Germany, not West Germany, in 1990


def test_every_row_of_the_bundled_file_is_read():
    text = gzip.decompress((polity.resources.files("foedus.catalogue") / "data" / polity.FILE).read_bytes()).decode()
    assert len(text.splitlines()) - 1 == 17574
    assert len(polity.bundled()) == 17574 - 7              # seven years two polities share


def _write(tmp_path, rows, header=polity.COLUMNS, bom=False, gz=False):
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = (("\ufeff" if bom else "") + out.getvalue()).encode()
    path = tmp_path / ("p.csv.gz" if gz else "p.csv")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_the_centers_csv_with_its_byte_order_mark_reads_like_the_bundled_copy(tmp_path):
    path = _write(tmp_path, [(371, 2018, 7, 0), (371, 1998, 5, 3)], bom=True)
    assert polity.read(path)[(371, 2018)] == polity.Regime(371, 2018, 7, 0)


@pytest.mark.parametrize("rows, header, says", [
    ([(371, 2018, 7, 0)], ("ccode", "year", "polity2"), "header: expected the columns ccode, year, polity2, regtrans"),
    ([(371, 2018, 7, 5)], polity.COLUMNS, "line 2: regtrans: expected a Polity5 REGTRANS code or blank, found '5'"),
    ([(371, 2018, 7, 0), (371, "x", 7, "")], polity.COLUMNS, "line 3: year: expected a year, found 'x'"),
    ([(371, 2018, 12, "")], polity.COLUMNS, "polity2: expected a score from -10 to 10 or blank, found '12'"),
    ([(371, 2018, 7.5, "")], polity.COLUMNS, "polity2: expected a score from -10 to 10 or blank, found '7.5'"),
    ([(371, 2018, 7, ""), (371, 2018, 7, "")], polity.COLUMNS, "line 3: ccode, year: expected one row per state and year"),
])
def test_a_malformed_file_is_one_line_naming_the_file_and_field(tmp_path, rows, header, says):
    path = _write(tmp_path, rows, header=header)
    with pytest.raises(DataFileError) as e:
        polity.read(path)
    assert says in str(e.value) and str(path) in str(e.value) and "\n" not in str(e.value)
    assert isinstance(e.value, BadInput) and e.value.exit_code == 2


def test_a_missing_or_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(DataFileError, match="absent.csv: file: expected a readable Polity5 CSV file"):
        polity.read(tmp_path / "absent.csv")
    (tmp_path / "bad.csv.gz").write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(DataFileError, match="expected a UTF-8 CSV file, plain or gzip-compressed"):
        polity.read(tmp_path / "bad.csv.gz")


_ROW = st.tuples(st.integers(2, 990).filter(lambda c: c not in polity.POLITY_TO_COW and c not in polity.POLITY_TO_COW.values()),
                 st.integers(1800, 2018), st.one_of(st.none(), st.integers(-10, 10)),
                 st.one_of(st.none(), st.sampled_from(sorted(polity.REGTRANS))))


@settings(max_examples=25, deadline=None)
@given(st.lists(_ROW, max_size=12, unique_by=lambda r: r[:2]), st.booleans(), st.booleans())
def test_any_well_formed_file_reads_back_its_values_plain_or_compressed(tmp_path_factory, rows, bom, gz):
    path = _write(tmp_path_factory.mktemp("p"), [["" if v is None else v for v in r] for r in rows], bom=bom, gz=gz)
    assert polity.read(path) == {(c, y): polity.Regime(c, y, p, t) for c, y, p, t in rows}
