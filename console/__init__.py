"""The staff console (工作台): sign-in, per-department access, and 目录 and 台账 upkeep with publishing.

A Starlette app of its own, beside the public portal: the portal never imports it.
"""
