"""Staff task: a department's 台账 (certificate table, upload → check → accept, hand-entered rows, contacts)."""
