"""放假安排通知: read the State Council's holiday notice and merge it into the working-day calendar."""
