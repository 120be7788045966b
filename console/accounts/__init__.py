"""Staff task: signing in and out, and the administrators' user accounts (/login, /users; `jiaozao user` is console/user_command.py)."""
