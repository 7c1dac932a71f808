"""Evaluation: the gold set over the seed corpus, deterministic metrics, reports and the CI gate."""
