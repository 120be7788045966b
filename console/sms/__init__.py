"""Staff task: the SMS platform — the department's SMS page and the platform's receipt pushes."""
