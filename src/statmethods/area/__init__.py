"""Part III methods: accuracy assessment, stratified area estimation and sample design."""

from .accuracy import (
    AccuracyAssessment,
    counts_from_samples,
    stratified_area_estimate,
    stratified_estimates_batch,
)
from .design import allocate_sample, sample_size_overall_accuracy

__all__ = [
    "AccuracyAssessment",
    "allocate_sample",
    "counts_from_samples",
    "sample_size_overall_accuracy",
    "stratified_area_estimate",
    "stratified_estimates_batch",
]
