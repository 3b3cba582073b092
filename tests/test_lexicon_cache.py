"""Lexicons: what a YAML file reads as is kept in the cache folder, keyed by its bytes."""

from __future__ import annotations

import yaml

from reportedly import lexicons


def _yaml(name: str):
    text = (lexicons.resources.files(lexicons).joinpath(f"{name}.yaml")
            .read_text(encoding="utf-8"))
    return yaml.safe_load(text)


def test_lexicon_cache_reads_as_the_yaml_and_is_kept(tmp_path, monkeypatch):
    """The first reading writes the cache file; the second reads it; both equal the YAML."""
    monkeypatch.setenv("REPORTEDLY_CACHE", str(tmp_path))
    first = lexicons.read("time")
    kept = list((tmp_path / "lexicons").glob("time-*.pickle"))
    assert len(kept) == 1
    assert first == _yaml("time") == lexicons.read("time")


def test_lexicon_cache_broken_file_falls_back_to_the_yaml(tmp_path, monkeypatch):
    """A truncated cache file is not trusted: the YAML is read and the file written anew."""
    monkeypatch.setenv("REPORTEDLY_CACHE", str(tmp_path))
    lexicons.read("attribution")
    (path,) = (tmp_path / "lexicons").glob("attribution-*.pickle")
    path.write_bytes(path.read_bytes()[:20])
    assert lexicons.read("attribution") == _yaml("attribution")
    assert lexicons.read("attribution") == _yaml("attribution")


def test_lexicon_cache_unwritable_folder_still_reads(tmp_path, monkeypatch):
    """Where the cache folder cannot be made, the lexicon is read from its YAML each time."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REPORTEDLY_CACHE", str(blocker))
    assert lexicons.read("languages") == _yaml("languages")


def test_lexicon_cache_keeps_one_file_a_lexicon(tmp_path, monkeypatch):
    """A file kept for an earlier version of a lexicon is removed when the new one is kept."""
    monkeypatch.setenv("REPORTEDLY_CACHE", str(tmp_path))
    folder = tmp_path / "lexicons"
    folder.mkdir()
    stale = folder / ("time-" + "0" * 16 + ".pickle")
    stale.write_bytes(b"old")
    lexicons.read("time")
    assert not stale.exists()
    assert len(list(folder.glob("time-*.pickle"))) == 1
