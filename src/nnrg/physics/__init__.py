"""Physics: Ising samplers, exact results, RG maps and Hamiltonian systems (no torch, no I/O)."""
