"""User-file runs, one module per chapter (``<chapter_id_with_underscores>.py``).

Each module defines ``make_inputs(tmp: Path) -> dict`` (writes a small user file into ``tmp``
and returns the parameters for a cheap run on it) and ``EXPECTED_FILES`` (result files, relative
to the run folder, that the run must write). ``tests/chapters/test_user_files.py`` runs each
chapter once through papermill; ``make userfiles`` runs that test.
"""
