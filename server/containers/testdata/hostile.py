"""Functions that act as a hostile tenant would, for the container isolation tests.

Each handler reports what it managed to do instead of failing, so that a test can assert on it.
"""

import os
import resource
import socket
import threading
import time


def probe(params, context):
    """Tries a TCP connection to every target; sends POST /delete to those marked "delete".

    A target with port 0 is a port the probe listens on itself, on that host: it shows that the
    probe can connect at all.
    """
    timeout = float(params.get("timeout", 1.0))
    results = {}
    listeners = []
    for target in params["targets"]:
        if int(target["port"]) == 0:
            listener = socket.create_server((target["host"], 0))
            listeners.append(listener)
            target["port"] = listener.getsockname()[1]
            target["key"] = f'{target["host"]}:0'

    def attempt(target):
        key = target.get("key") or f'{target["host"]}:{target["port"]}'
        try:
            with socket.create_connection((target["host"], int(target["port"])), timeout) as s:
                outcome = "connected"
                victim = target.get("delete")
                if victim:
                    body = '{"Name": "%s"}' % victim
                    s.sendall(
                        (
                            f"POST /delete HTTP/1.1\r\nHost: {key}\r\n"
                            "Content-Type: application/json\r\nConnection: close\r\n"
                            f"Content-Length: {len(body)}\r\n\r\n{body}"
                        ).encode()
                    )
                    outcome += ", /delete answered " + s.recv(200).decode(errors="replace").split("\r\n")[0]
        except socket.timeout:
            outcome = "timeout"
        except ConnectionRefusedError:
            outcome = "refused"
        except OSError as e:
            outcome = f"error: {e}"
        results[key] = outcome

    threads = [threading.Thread(target=attempt, args=(t,)) for t in params["targets"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for listener in listeners:
        listener.close()
    return results


def fill(params, context):
    """Writes params["mb"] MiB into params["path"], 1 MiB at a time; reports how far it got."""
    path = params.get("path", "/tmp/fill")
    chunk = b"x" * (1024 * 1024)
    written = 0
    try:
        with open(path, "wb") as f:
            for _ in range(int(params.get("mb", 1))):
                f.write(chunk)
                f.flush()
                written += 1
            os.fsync(f.fileno())
        error = ""
    except OSError as e:
        error = str(e)
    finally:
        if params.get("keep") is not True:
            try:
                os.remove(path)
            except OSError:
                pass
    return {"written_mb": written, "error": error}


def spam(params, context):
    """Writes params["mb"] MiB straight to the container's stdout (past the executor's capture)."""
    line = b"y" * 1023 + b"\n"
    for _ in range(int(params.get("mb", 1)) * 1024):
        os.write(1, line)
    print("spam done")
    return {"written_mb": int(params.get("mb", 1))}


def spin(params, context):
    """Busy-loops in params["workers"] processes for params["seconds"] seconds."""
    seconds = float(params.get("seconds", 1.0))
    children = []
    for _ in range(int(params.get("workers", 2))):
        pid = os.fork()
        if pid == 0:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                pass
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return {"workers": len(children)}


def inside(params, context):
    """What the container looks like from inside: limits, sockets, writable places."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    socket_dir = os.path.dirname(os.environ.get("EXECUTOR_SOCKET", "")) or None
    listing, write, chmod = None, None, None
    if socket_dir:
        listing = sorted(os.listdir(socket_dir))
        try:
            with open(os.path.join(socket_dir, "planted"), "w") as f:
                f.write("x")
            write = "written"
        except OSError as e:
            write = e.strerror
        try:
            os.chmod(socket_dir, 0o777)
            chmod = "changed"
        except OSError as e:
            chmod = e.strerror
    return {
        "nofile": [soft, hard],
        "docker_sockets": [p for p in ("/var/run/docker.sock", "/run/docker.sock") if os.path.exists(p)],
        "code_dir": os.environ.get("EXECUTOR_CODE_DIR", ""),
        "socket_dir": socket_dir,
        "socket_dir_listing": listing,
        "socket_dir_write": write,
        "socket_dir_chmod": chmod,
    }
