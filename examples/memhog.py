def handler(params, context):
    mb = int(params.get("mb", 64))
    block = bytearray(mb * 1024 * 1024)
    for i in range(0, len(block), 4096):  # touch every page so the memory is really used
        block[i] = 1
    return {"allocated_mb": mb}
