"""Staff task: reading the audit log (/audit); `jiaozao audit verify` is console/audit_command.py."""
