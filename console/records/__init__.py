"""Staff task: the 登记簿 — a department's reminder records and one certificate's history."""
