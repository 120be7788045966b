"""Staff task: 督促检查 — figures per department and week, their lists, the 闭环, the report file."""
