"""Readers of published statistical tables (KOSIS, ...): each returns a plain table.

- :mod:`.naics`: the 2022 NAICS index file and structure summary table;
- :mod:`.soc`: the Census Bureau's 2022 occupation index (SOC 2018 codes);
- :mod:`.ksic`: the KSIC 9th and 10th revisions (codes, tree) and their concordance;
- :mod:`.coding`: a coding index by name, catalogue key or user file, for :mod:`statmethods.autocode`;
- :mod:`.kosis`: KOSIS census tables.

Each reader takes a catalogue key (its default) or a path, and returns pandas DataFrames; what is
built from them (code hierarchies, coders, maps) belongs to the method modules.
"""
