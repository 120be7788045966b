"""短信平台: the bureau's SMS platforms (阿里云, 腾讯云, 中国移动云MAS) behind one small interface.

This package talks to the platforms and nothing else: it knows no 台账, no 登记簿 and no plan. What to send, and
the outbox that makes sure nothing is sent twice, live in generator.reminders (smsoutbox) and generator.workflows.
"""
