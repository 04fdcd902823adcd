"""Classifiers and regressors for pixels, time series, image patches and histograms.

One scikit-learn-style interface (``fit`` / ``predict`` / ``predict_proba``), one
cross-validation result, fold strategies (random, spatial block, stratified group) and one
save/load that checks labels and the training data's checksum.
"""
