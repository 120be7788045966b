"""What the console does off the request: the publish queue and its worker, the day's SMS, warm-up,
putting back files of a failed publish, and ageing out old uploads."""
