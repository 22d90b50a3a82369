"""Study 002's hand-offs between stages, stated once (each is an out of one stage)."""

ISING_TEMPERATURES = "data/ising_temperatures"
ISING_CHAIN = "data/ising_chain"
MNIST = "data/mnist"  # the digit split (stage rbm_classifiers)
CLASSIFIERS = "models/classifiers"
