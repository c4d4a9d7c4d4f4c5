"""What briefing needs from the machine: the terminal, Ctrl-C, worker processes,
the project's private `.briefing/` folder and its lock, and git.

May import: model.
"""
