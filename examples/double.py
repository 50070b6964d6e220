def handler(params, context):
    a = int(params.get("a", 0))
    b = int(params.get("b", 2))
    return {"a": a, "b": b, "product": a * b}
