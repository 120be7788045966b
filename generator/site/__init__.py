"""The public site: 目录 disclosure, renewal guides and rolling 即将到期 notices, built with mkdocs-material."""
