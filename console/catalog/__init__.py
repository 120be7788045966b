"""Staff task: a department's 目录 (upload → check → preview → publish, versions, template) and its facts."""
