"""Study 001's hand-offs between stages, stated once (each is an out of one stage)."""

ISING_CRITICAL = "data/ising_critical"
ISING_WIDE = "data/ising_wide"
ISING_ENTROPY = "data/ising_entropy"
AE_WIDE_MODEL = "models/ae_wide.npz"
BETA_REGRESSOR_MODEL = "models/beta_regressor.npz"
