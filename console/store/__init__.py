"""What the console keeps in its database: users, passwords, sessions, the audit log and its hash chain."""
