"""Stages of the core itself: the claims report, which reads every study's records."""
