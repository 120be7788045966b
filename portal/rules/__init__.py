"""Rules the public sees, each in one place: status and its labels, time in China, dates as Chinese text.

Pure Python (no pandas, no numpy). Like the index contract (portal/format.py), the reader owns them and the
generator imports them: the portal never imports the generator.
"""
