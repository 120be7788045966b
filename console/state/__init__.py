"""The inputs the console reads and writes (目录, 台账, calendar), and what it keeps in memory from them: the
departments' days, the day's plans, certificate tables, 督促检查 figures, refused rows (console/memory.py)."""
