"""Kernels for the runner: forked from a template that imported the notebooks' modules once.

A fresh ``python3`` kernel costs about 0.4 s of CPU to start and another 2 s
to import what a study notebook imports (pandas, SciPy, statsmodels,
matplotlib, the toolkit) — five notebooks pay that five times, which is most
of what ``innolab run`` spends beyond the analysis itself. On Linux the runner
therefore starts one *template* process per study that imports those modules
once and then, for each notebook, ``fork()``\\ s a child that becomes an
ordinary ipykernel (its own session, working directory, environment and
connection file). The kernel protocol, papermill and nbclient see a normal
kernel; the child shares the imported modules with the template copy-on-write,
so it is ready in a few hundred milliseconds. ``import innolab_analysis`` is
lazy, so when a notebook imports it the template imports every module of the
toolkit (its studies, estimators, figures), not only the package.

What makes this safe: the template imports modules only — it starts no Python
thread (the native BLAS and allocator pools handle ``fork`` themselves), opens
no ZeroMQ context and runs no analysis — so a child starts from a clean state (NumPy's global random state is reseeded in each child, as
a fresh interpreter would seed it). The template exits when its runner does
(its stdin closes), and every kernel exits when the template does (ipykernel's
parent poller), so a SIGKILL of the runner leaves no process behind.
``kernels="spawn"`` (and every system without ``fork``) starts each kernel as a
fresh interpreter instead, importing the notebook's modules while the others
run.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from innolab_analysis.options import KernelStart

__all__ = ["KernelFactory", "can_fork"]

_BASE_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.core.interactiveshell",
    "matplotlib_inline.backend_inline",
    "matplotlib.pyplot",
)
"""What every kernel imports on its own way up (the template imports it once)."""


def can_fork() -> bool:
    """Whether kernels can be forked from a template here (Linux, with ``os.fork``)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


# ----------------------------------------------------------------------------- the template
_OURS = "innolab_analysis"
_NOT_IN_KERNELS = ("innolab_analysis.cli", "innolab_analysis.__main__", "innolab_analysis.demo")
"""Our modules a notebook never reaches (the command line, the demo generator)."""


def _ours(package: Any) -> list[str]:
    """Every module of our package: ``import innolab_analysis`` is lazy (its names import their
    modules when first used, and the studies import their estimators and plots when called),
    so a kernel would otherwise pay those imports itself, each kernel again."""
    import pkgutil

    return [
        m.name
        for m in pkgutil.walk_packages(package.__path__, f"{_OURS}.")
        if not m.name.startswith(_NOT_IN_KERNELS) and ".__" not in m.name
    ]


def _import_all(modules: Sequence[str]) -> None:
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queue = list(modules)
        while queue:
            name = queue.pop(0)
            try:
                module = importlib.import_module(name)
            except Exception:  # the notebook will say so itself, with its own traceback
                continue
            if name == _OURS:
                queue += _ours(module)


def _child(request: Mapping[str, Any], closing: Sequence[socket.socket]) -> None:
    """In the forked child: become an ipykernel as the request says; never returns."""
    code = 1
    try:
        for sock in closing:
            sock.close()
        os.setsid()  # its own session and process group, as jupyter_client gives a kernel
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel exits with the template
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()  # fresh entropy, as a new interpreter has
        # a trait default read from the environment when ipykernel was imported (in the template)
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # report on the kernel's stderr, as a failing kernel would
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(path: str, modules: Sequence[str], ready_fd: int) -> None:
    """The template's main loop: import ``modules``, say so on ``ready_fd``, then fork a
    kernel per request until stdin closes."""
    exits: dict[int, int] = {}

    def reap(*_: Any) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            exits[pid] = os.waitstatus_to_exitcode(status)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides; a Ctrl-C reaches it too
    _import_all([*_BASE_MODULES, *modules])
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(8)
    os.write(ready_fd, b"ready\n")
    os.close(ready_fd)
    while True:
        try:
            ready, _, _ = select.select([listener, sys.stdin], [], [])
        except InterruptedError:
            continue
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1 << 16):
            break  # the runner is gone (or done): so is the template
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            try:
                request = json.loads(conn.makefile("r").readline())
            except ValueError:
                continue
            if "exit_code" in request:
                reply = {"exit_code": exits.get(int(request["exit_code"]))}
            else:
                pid = os.fork()
                if pid == 0:
                    _child(request, [listener, conn])
                reply = {"pid": pid}
            conn.sendall((json.dumps(reply) + "\n").encode())
    listener.close()


# ----------------------------------------------------------------------------- the runner side
class _ForkedProcess:
    """A kernel forked by the template, as jupyter_client's provisioner sees a ``Popen``."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, factory: KernelFactory):
        self.pid = pid
        self.returncode: int | None = None
        self._factory = factory
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._pidfd is not None:
            ended = bool(select.select([self._pidfd], [], [], 0)[0])
        else:
            try:
                os.kill(self.pid, 0)
                ended = False
            except ProcessLookupError:
                ended = True
        if ended:
            self.returncode = self._factory._exit_code(self.pid)
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["kernel"], timeout)
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class _KernelManager(AsyncKernelManager):
        """A kernel manager that forks its kernel from the template (when it has one) and
        remembers the clients made for it (to close their sockets)."""

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_innolab_clients", []).append(kc)
            return kc

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            factory = self.__dict__.get("_innolab_factory")
            argv = _launcher_argv(kernel_cmd)
            pid = factory._fork(argv, kw) if factory is not None and argv is not None else None
            if pid is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            provisioner = self.provisioner
            provisioner.process = _ForkedProcess(pid, factory)
            provisioner.pid = provisioner.pgid = pid
            provisioner.cwd = kw.get("cwd", Path.cwd())
            self._reconcile_connection_info(provisioner.connection_info)

    return _KernelManager


def _launcher_argv(cmd: Sequence[str]) -> list[str] | None:
    """The kernel's own arguments when ``cmd`` is ``python -m ipykernel_launcher …``."""
    cmd = list(cmd)
    for i, part in enumerate(cmd[:-1]):
        if part == "-m" and cmd[i + 1] in ("ipykernel_launcher", "ipykernel"):
            return cmd[i + 2 :]
    return None


class KernelFactory:
    """Starts the kernels of one study run.

    Parameters
    ----------
    modules : sequence of str
        What the study's notebooks import (the template imports it once).
    cwd : str or Path
        The template's working directory (the kernels get their own).
    env : mapping
        The environment the template imports under (the kernels get their own).
    mode : {"fork", "spawn"}
        ``"fork"`` where :func:`can_fork`, else ``"spawn"`` (fresh interpreters).

    Examples
    --------
    >>> factory = KernelFactory([], cwd=".", env=os.environ, mode="spawn")
    >>> factory.mode
    'spawn'
    >>> factory.close()
    """

    def __init__(
        self,
        modules: Sequence[str],
        *,
        cwd: str | Path,
        env: Mapping[str, str],
        mode: KernelStart = "fork",
    ):
        self.mode: KernelStart = mode if (mode == "spawn" or can_fork()) else "spawn"
        self.cwd = Path(cwd).resolve()
        """The template's working directory."""
        self._lock = threading.Lock()
        self._ready = False
        self._proc: subprocess.Popen | None = None
        self._folder: str | None = None
        self._ready_fd: int | None = None
        if self.mode == "fork":
            self._folder = tempfile.mkdtemp(prefix="innolab-kernels-")
            self._socket = os.path.join(self._folder, "template.sock")
            read, write = os.pipe()
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "innolab_analysis.reports.kernels", self._socket,
                     json.dumps(list(modules)), str(write)],
                    stdin=subprocess.PIPE,
                    cwd=str(cwd),
                    env=dict(env),
                    pass_fds=(write,),
                )  # fmt: skip
            except OSError:
                os.close(read)
                self.mode = "spawn"
            else:
                self._ready_fd = read
            finally:
                os.close(write)

    def _wait_ready(self) -> bool:
        with self._lock:
            if self._ready:
                return True
            if self._proc is None or self._ready_fd is None:
                return False
            data = os.read(self._ready_fd, 16)  # blocks until the template has imported
            os.close(self._ready_fd)
            self._ready_fd = None
            self._ready = data.strip() == b"ready"
            return self._ready

    def _ask(self, request: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(30)
                conn.connect(self._socket)
                conn.sendall((json.dumps(request) + "\n").encode())
                reply = json.loads(conn.makefile("r").readline())
        except (OSError, ValueError):
            return None
        return reply if isinstance(reply, dict) else None

    def _fork(self, argv: list[str], kw: Mapping[str, Any]) -> int | None:
        """Ask the template for a kernel; None when there is no working template."""
        if self.mode != "fork" or not self._wait_ready():
            return None
        env = {str(k): str(v) for k, v in (kw.get("env") or os.environ).items()}
        cwd = os.path.abspath(kw.get("cwd") or os.getcwd())  # the template has a cwd of its own
        reply = self._ask({"argv": argv, "env": env, "cwd": cwd})
        pid = (reply or {}).get("pid")
        return int(pid) if pid else None

    def _exit_code(self, pid: int) -> int:
        reply = self._ask({"exit_code": pid}) if self._ready else None
        code = (reply or {}).get("exit_code")
        return int(code) if code is not None else -signal.SIGKILL

    def start(
        self, *, cwd: str | Path, env: Mapping[str, str], extra_arguments: Sequence[str] = ()
    ):
        """Start a ``python3`` kernel in ``cwd``; returns its (async) kernel manager, started."""
        from jupyter_core.utils import run_sync
        from traitlets.config import Config

        km = _kernel_manager_class()(
            kernel_name="python3",
            config=Config({"KernelManager": {"transport_encryption": "auto"}}),
        )
        km.__dict__["_innolab_factory"] = self
        run_sync(km.start_kernel)(
            cwd=str(cwd), env=dict(env), extra_arguments=list(extra_arguments)
        )
        return km

    def close(self) -> None:
        """Stop the template (the kernels it forked are shut down by their runs)."""
        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._ready_fd is not None:
            os.close(self._ready_fd)
            self._ready_fd = None
        if self._folder is not None:
            import shutil

            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> KernelFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":  # pragma: no cover - the template process
    serve(sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]))
