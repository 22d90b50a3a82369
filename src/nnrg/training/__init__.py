"""The one mini-batch training loop (Adam or plain gradient descent, L1, validation split) and
what the training stages share around it: fitting with progress, saving and loading weights,
loss curves. Used by studies 001 and 002."""
