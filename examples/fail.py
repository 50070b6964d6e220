def handler(params, context):
    raise RuntimeError(params.get("message", "This function always fails"))
