"""Discover, validate and execute the handbook's chapters (papermill notebooks)."""

from .catalog import Chapter, ChapterError, Parameter, chapters, get_chapter, project_root
from .execute import (
    ChapterFailed,
    ChapterInterrupted,
    RunRecord,
    normalise_notebook,
    publish_chapter,
    run_chapter,
)
from .params import ParameterError, parse_value, validate_parameters

__all__ = [
    "Chapter",
    "ChapterError",
    "ChapterFailed",
    "ChapterInterrupted",
    "Parameter",
    "ParameterError",
    "RunRecord",
    "chapters",
    "get_chapter",
    "normalise_notebook",
    "parse_value",
    "project_root",
    "publish_chapter",
    "run_chapter",
    "validate_parameters",
]
