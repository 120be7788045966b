"""Staff task: 今日提醒 — the day's reminders, recording a call result, the day's files, SMS and letters."""
