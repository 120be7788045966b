"""The work itself, one function per job: each takes the settings, composes load → plan → outputs, and returns a
typed result (figures, problems, files written). The command line and the staff console call these, never each
other."""
