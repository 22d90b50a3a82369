"""Models: network ensembles and torch modules."""
