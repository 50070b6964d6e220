def handler(params, context):
    name = params.get("name", "World")
    print(f"Saying hello to {name}")
    return f"Hello, {name}!"
