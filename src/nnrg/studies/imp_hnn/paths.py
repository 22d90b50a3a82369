"""Study 000's hand-offs between stages, stated once (each is an out of one stage)."""

DYNAMICS = "data/dynamics"  # reference trajectories (stage dynamics)
IMP_GLOBAL = "models/imp_global"  # initial weights and every IMP mask (stage imp_global)
CHECKPOINTS = "checkpoints"  # resumable IMP runs, git-ignored, removed when a stage completes
