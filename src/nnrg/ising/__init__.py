"""2D Ising physics shared by studies 001 and 002: samplers (multispin, scalar Metropolis,
Wolff), Kaufman's exact finite-lattice results, block decimation, dataset bookkeeping and the
data stages' common body (no torch)."""
