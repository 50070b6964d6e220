"""Serverledge executor for Python 3.11: runs function handlers inside a runtime container.

Standard library only. Listens on the Unix socket $EXECUTOR_SOCKET when it is set, else on
0.0.0.0:$EXECUTOR_PORT (default 8080) with TCP_NODELAY on every accepted socket; HTTP/1.1
keep-alive, one thread per connection.

Routes (JSON in and out, Content-Length always set):
  GET  /health  -> 200 {"Ready": true, "Initialized": bool}
  POST /init    {"Files": [{"Path": "hello.py", "Mode": 420, "Data": "<base64>"}]}
                -> 200 {"Initialized": true}; 400 bad body or path; 409 already initialized
  POST /invoke  {"Handler": "module.func", "Params": {}, "ReturnOutput": bool, "Context": {}}
                -> 200 {"Success", "Result" (JSON text), "Output", "Error",
                        "Duration" (seconds the handler ran, not counting the first import of its module)};
                   400 bad body; 409 not initialized

Handlers: "pkg.mod.func" imports module "pkg.mod" from the code dir ($EXECUTOR_CODE_DIR, default
/app) once and calls func(params, context); a returned coroutine is run to completion.
stdout/stderr written during an invocation (by its thread or tasks) is captured for that
invocation only; anything else goes to the container's real stdout/stderr.
"""

import asyncio
import base64
import binascii
import contextvars
import importlib
import inspect
import json
import os
import signal
import socketserver
import stat
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("EXECUTOR_PORT") or "8080")
SOCKET = os.environ.get("EXECUTOR_SOCKET") or ""
CODE_DIR = os.path.abspath(os.environ.get("EXECUTOR_CODE_DIR") or "/app")
MAX_BODY = int(os.environ.get("EXECUTOR_MAX_BODY_BYTES") or str(256 * 1024 * 1024))
OUTPUT_LIMIT = int(os.environ.get("EXECUTOR_OUTPUT_LIMIT_BYTES") or str(1024 * 1024))

_REAL_STDOUT = sys.stdout
_REAL_STDERR = sys.stderr


class _Capture:
    """Output of one invocation (or a sink that drops it when discard is set)."""

    __slots__ = ("parts", "size", "dropped", "discard")

    def __init__(self, discard):
        self.parts = []
        self.size = 0
        self.dropped = 0
        self.discard = discard

    def write(self, text):
        if self.discard:
            return
        room = OUTPUT_LIMIT - self.size
        if len(text) > room:
            self.dropped += len(text) - max(room, 0)
            text = text[: max(room, 0)]
        if text:
            self.parts.append(text)
            self.size += len(text)

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[output truncated: {self.dropped} characters dropped]\n"
        return out


_capture = contextvars.ContextVar("serverledge_capture", default=None)


class _RoutedStream:
    """Stands in for sys.stdout/sys.stderr: writes go to the current invocation's capture."""

    def __init__(self, real):
        self._real = real

    def write(self, text):
        cap = _capture.get()
        if cap is None:
            return self._real.write(text)
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        cap.write(text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if _capture.get() is None:
            self._real.flush()

    def isatty(self):
        return False if _capture.get() is not None else self._real.isatty()

    def __getattr__(self, name):
        return getattr(self._real, name)


sys.stdout = _RoutedStream(_REAL_STDOUT)
sys.stderr = _RoutedStream(_REAL_STDERR)

_state_lock = threading.Lock()
_initialized = False
_handlers = {}  # handler name -> function
_handlers_lock = threading.Lock()


class HandlerNotFound(Exception):
    pass


def _check_relative_path(path):
    """Returns the path's segments, or raises ValueError when it is not a safe relative path."""
    if not isinstance(path, str) or path == "":
        raise ValueError("Path must be a non-empty string")
    if "\x00" in path:
        raise ValueError(f'Path "{path}" contains a NUL character')
    if path.startswith("/") or path.startswith("\\"):
        raise ValueError(f'Path "{path}" is absolute')
    segments = [s for s in path.replace("\\", "/").split("/") if s not in ("", ".")]
    if ".." in segments:
        raise ValueError(f'Path "{path}" contains a ".." segment')
    if not segments:
        raise ValueError(f'Path "{path}" names no file')
    return segments


def _parse_files(body):
    if not isinstance(body, dict):
        raise ValueError("Body must be a JSON object")
    files = body.get("Files", [])
    if files is None:
        files = []
    if not isinstance(files, list):
        raise ValueError("Files must be an array")
    parsed = []
    for i, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise ValueError(f"Files[{i}] must be an object")
        segments = _check_relative_path(entry.get("Path"))
        mode = entry.get("Mode", 0o644)
        if mode is None:
            mode = 0o644
        if not isinstance(mode, int) or isinstance(mode, bool) or mode < 0:
            raise ValueError(f'Files[{i}].Mode must be a non-negative integer')
        data = entry.get("Data", "")
        if data is None:
            data = ""
        if not isinstance(data, str):
            raise ValueError(f"Files[{i}].Data must be a base64 string")
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f'Files[{i}].Data is not valid base64 (Path "{entry["Path"]}")')
        parsed.append((segments, (mode & 0o777) | 0o400, raw))
    return parsed


def _write_files(parsed):
    os.makedirs(CODE_DIR, exist_ok=True)
    for segments, mode, raw in parsed:
        target = os.path.join(CODE_DIR, *segments)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(target, mode)
    importlib.invalidate_caches()


def _resolve_handler(name):
    fn = _handlers.get(name)
    if fn is not None:
        return fn
    if not isinstance(name, str) or "." not in name.strip(".") or name.startswith("."):
        raise HandlerNotFound(f'Handler "{name}" is invalid: expected "module.function"')
    module_name, _, attr = name.rpartition(".")
    with _handlers_lock:
        fn = _handlers.get(name)
        if fn is not None:
            return fn
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            # Only a missing handler module is "not found"; a module that fails to import one
            # of its own dependencies is an error with a traceback.
            if e.name is not None and (module_name == e.name or module_name.startswith(e.name + ".")):
                raise HandlerNotFound(f'Handler "{name}" not found: no module named "{e.name}"')
            raise
        fn = getattr(module, attr, None)
        if fn is None:
            raise HandlerNotFound(f'Handler "{name}" not found: module "{module_name}" has no attribute "{attr}"')
        if not callable(fn):
            raise HandlerNotFound(f'Handler "{name}" is not callable: "{attr}" is a {type(fn).__name__}')
        _handlers[name] = fn
        return fn


def _encode_result(value):
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return json.dumps(str(value))


def _error_text(exc):
    tb = "".join(traceback.format_exception(exc))
    return f"{type(exc).__name__}: {exc}\n\n{tb}"


def _invoke(body):
    handler = body.get("Handler")
    params = body.get("Params")
    if params is None:
        params = {}
    context = body.get("Context")
    if context is None:
        context = {}
    return_output = bool(body.get("ReturnOutput", False))
    cap = _Capture(discard=not return_output)
    token = _capture.set(cap)
    success, result, error = False, "", ""
    began = time.perf_counter()
    try:
        fn = _resolve_handler(handler)
        began = time.perf_counter()  # the handler's run, not the first import of its module
        value = fn(params, context)
        if inspect.isawaitable(value):
            value = asyncio.run(_await(value))
        result = _encode_result(value)
        success = True
    except HandlerNotFound as e:
        error = str(e)
    except SystemExit as e:
        error = f"Handler called sys.exit({e.code!r})\n\n" + "".join(traceback.format_exception(e))
    except BaseException as e:  # noqa: BLE001 - a handler must never take the executor down
        error = _error_text(e)
    finally:
        _capture.reset(token)
    return {
        "Success": success,
        "Result": result,
        "Output": cap.text() if return_output else "",
        "Error": error,
        "Duration": time.perf_counter() - began,
    }


async def _await(awaitable):
    return await awaitable


class ExecutorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "serverledge-executor-python"
    disable_nagle_algorithm = True  # TCP_NODELAY on every accepted socket

    def log_message(self, format, *args):  # noqa: A002 - quiet access log
        pass

    def _send(self, status, obj):
        body = json.dumps(obj, separators=(",", ":")).encode("ascii")
        reason = self.responses.get(status, ("",))[0]
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
        )
        if self.close_connection:
            head += "Connection: close\r\n"
        # One write for head and body: one segment for small answers.
        self.wfile.write(head.encode("latin-1") + b"\r\n" + body)

    def _read_body(self):
        """Returns the body bytes, or None after answering an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    self.close_connection = True
                    self._send(400, {"Error": "Invalid chunked body"})
                    return None
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    self.close_connection = True
                    self._send(413, {"Error": f"Body is larger than {MAX_BODY} bytes"})
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            self.close_connection = True
            self._send(400, {"Error": "Invalid Content-Length"})
            return None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(413, {"Error": f"Body is larger than {MAX_BODY} bytes"})
            return None
        return self.rfile.read(length) if length else b""

    def _read_json(self, failure):
        raw = self._read_body()
        if raw is None:
            return None
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            self._send(400, dict(failure, Error=f"Invalid JSON body: {e}"))
            return None
        if not isinstance(body, dict):
            self._send(400, dict(failure, Error="Invalid JSON body: expected an object"))
            return None
        return body

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/health":
            self._send(200, {"Ready": True, "Initialized": _initialized})
        elif self.path.split("?", 1)[0] in ("/init", "/invoke"):
            self._send(405, {"Error": f"Method GET is not allowed on {self.path}"})
        else:
            self._send(404, {"Error": f"No route {self.path}"})

    def do_POST(self):
        route = self.path.split("?", 1)[0]
        if route == "/invoke":
            self._post_invoke()
        elif route == "/init":
            self._post_init()
        else:
            self._read_body()
            if route == "/health":
                self._send(405, {"Error": "Method POST is not allowed on /health"})
            else:
                self._send(404, {"Error": f"No route {self.path}"})

    def _post_init(self):
        global _initialized
        failure = {"Initialized": False}
        body = self._read_json(failure)
        if body is None:
            return
        with _state_lock:
            if _initialized:
                self._send(409, {"Initialized": True, "Error": "Executor is already initialized"})
                return
            try:
                parsed = _parse_files(body)
            except ValueError as e:
                self._send(400, dict(failure, Error=f"Invalid init request: {e}"))
                return
            try:
                _write_files(parsed)
            except OSError as e:
                self._send(500, dict(failure, Error=f"Cannot write function code: {e}"))
                return
            _initialized = True
        self._send(200, {"Initialized": True})

    def _post_invoke(self):
        failure = {"Success": False, "Result": "", "Output": ""}
        body = self._read_json(failure)
        if body is None:
            return
        if not _initialized:
            self._send(409, dict(failure, Error="Executor is not initialized"))
            return
        problem = None
        if not isinstance(body.get("Handler"), str) or not body["Handler"]:
            problem = "Handler must be a non-empty string"
        elif body.get("Params") is not None and not isinstance(body["Params"], dict):
            problem = "Params must be an object"
        elif body.get("Context") is not None and not isinstance(body["Context"], dict):
            problem = "Context must be an object"
        elif body.get("ReturnOutput") is not None and not isinstance(body["ReturnOutput"], bool):
            problem = "ReturnOutput must be a boolean"
        if problem:
            self._send(400, dict(failure, Error=f"Invalid invoke request: {problem}"))
            return
        self._send(200, _invoke(body))


class ExecutorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class UnixExecutorHandler(ExecutorHandler):
    disable_nagle_algorithm = False  # no TCP on a Unix socket


class UnixExecutorServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 128


def _listen():
    """The server on $EXECUTOR_SOCKET (a stale socket there is replaced), else on TCP."""
    if not SOCKET:
        return ExecutorServer(("0.0.0.0", PORT), ExecutorHandler), f"0.0.0.0:{PORT}"
    try:
        if stat.S_ISSOCK(os.lstat(SOCKET).st_mode):
            os.unlink(SOCKET)
    except FileNotFoundError:
        pass
    return UnixExecutorServer(SOCKET, UnixExecutorHandler), f"unix:{SOCKET}"


def main():
    os.makedirs(CODE_DIR, exist_ok=True)
    # Handler modules come from the code dir, before anything else (not from the executor's).
    script_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != script_dir]
    sys.path.insert(0, CODE_DIR)
    server, where = _listen()

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"executor: python {sys.version.split()[0]} listening on {where}, code dir {CODE_DIR}", file=_REAL_STDOUT)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
