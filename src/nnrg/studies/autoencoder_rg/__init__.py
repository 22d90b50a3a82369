"""Study 001: autoencoders vs RG decimation on 2D Ising lattices (M. Shukla, A. D. Thakur,
arXiv:2108.06157)."""
