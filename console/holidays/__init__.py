"""Staff task: the working-day calendar — importing the State Council's holiday notice."""
