"""The shared rules: pure Python the generator, the portal and the console all use, each rule in one place.

Status and its labels, time in China, the site's address layout, the client's address, the CSP, text rules (invisible
characters, clean_text, name matching, lists, CSV decoding, yes/no words), the YAML files staff edit and the one
table of JIAOZAO_* settings (settings_table). Like the index contract (portal/format.py), the reader owns them and
the generator and console import them; they import none of the apps, no Starlette, pandas or numpy (import-linter
contract in pyproject.toml).
"""
