import time


def handler(params, context):
    seconds = float(params.get("seconds", 1))
    time.sleep(seconds)
    return {"slept": seconds}
