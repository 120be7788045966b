"""Staff task: publishing — the job pages of a publish and the public site's settings."""
