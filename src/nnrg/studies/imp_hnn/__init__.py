"""Study 000: iterative magnitude pruning (IMP) of Hamiltonian neural networks as an RG
(A.-A. Hassan, MSc thesis, Imperial College London, 2023)."""
