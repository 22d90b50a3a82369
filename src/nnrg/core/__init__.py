"""The shared core: stage runtime, I/O, tracking, fan-out, devices, the params machinery, code
deps and dvc.yaml generation, the command line and the claims engine. It imports no study."""
