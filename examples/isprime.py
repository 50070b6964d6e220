def handler(params, context):
    n = int(params.get("n", 0))
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            return {"n": n, "IsPrime": False, "Divisor": divisor}
        divisor += 1
    return {"n": n, "IsPrime": n > 1}
