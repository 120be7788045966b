"""Staff reminder work (每日提醒): what is due, worklists, SMS, email, letters, the 登记簿 and supervision."""
