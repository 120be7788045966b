"""The 目录: which certificates a department reminds about, when, and how to renew them."""
