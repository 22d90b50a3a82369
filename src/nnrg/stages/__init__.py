"""DVC stages: one thin module per stage (read params, call library code, write outs, log)."""
