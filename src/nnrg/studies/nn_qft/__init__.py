"""Study 004: renormalisation in the neural network / quantum field theory correspondence
(H. Erbin, V. Lahoche, D. Ousmane Samary)."""
