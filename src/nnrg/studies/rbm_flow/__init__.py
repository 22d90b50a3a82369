"""Study 002: restricted Boltzmann machine flows on 1D / 2D Ising and MNIST (J. M. de Gier, MSc
thesis, Leiden University, 2022)."""
