"""Gazetteer: a region's town names are stored whole, as the joined tables list them."""

from __future__ import annotations

from reportedly.geo import build


def test_gazetteer_region_keys_are_the_joined_tables_own_list(gaz):
    """For every tenth region, the stored list is the keys the joined places and names give,
    in the same order (fuzzy matching breaks ties by it)."""
    con = gaz._con
    regions = con.execute("SELECT cc, admin1 FROM region_keys ORDER BY cc, admin1").fetchall()
    assert len(regions) > 1000
    for cc, admin1 in regions[::10]:
        joined = tuple(r[0] for r in con.execute(build.REGION_KEYS_SQL, (cc, admin1)))
        assert gaz._region_keys(cc, admin1) == joined, (cc, admin1)


def test_gazetteer_region_keys_of_an_unknown_region_are_none(gaz):
    """A region the index does not hold has no town names."""
    assert gaz._region_keys("ZZ", "Nowhere") == ()
