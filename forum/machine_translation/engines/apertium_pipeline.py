"""Long-running Apertium pipelines: one chain of processes per mode, in null-flush mode."""
from __future__ import annotations

import fcntl
import os
import selectors
import shlex
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from .base import EngineError

NUL = b"\0"
_CHUNK = 65536
# Mode files are plain `prog args | prog args` pipelines; anything else needs a shell.
_SHELL_SYNTAX = set("&;<>()`")
# Null-flush makes every program flush its output and reset at each NUL, so one process
# chain serves many independent segments.
NULL_FLUSH_FLAG = "-z"


class PipelineError(EngineError):
    """A pipeline died, hung or broke its framing during a batch."""


class PipelineBroken(PipelineError):
    """A pipeline process exited, closed a pipe or broke the framing (a restart may help)."""


class PipelineTimeout(PipelineError):
    """A pipeline made no progress within the timeout."""


def null_flush_script(mode_file: Path, wblank_mode_bin: str | None) -> tuple[str, bool]:
    """Return the mode's pipeline text and whether it already carries the null-flush flags."""
    # `apertium -z` builds its pipeline with `apertium-wblank-mode -z`, which also inserts
    # the word-bound-blank steps; use it when present so the chain is exactly apertium's.
    if wblank_mode_bin:
        try:
            result = subprocess.run(
                [wblank_mode_bin, NULL_FLUSH_FLAG, str(mode_file)],
                capture_output=True, text=True, timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip(), True
    return mode_file.read_text(encoding="utf-8").strip(), False


def parse_stages(script: str, generator_flag: str, null_flush: bool) -> list[list[str]]:
    """Split a mode pipeline into one argv per program, substituting `$1`/`$2`."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars="|&;<>()")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise EngineError(f"cannot parse Apertium mode pipeline: {exc}") from exc
    stages: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            stages.append([])
        elif set(token) & _SHELL_SYNTAX or ("$" in token and token not in ("$1", "$2")):
            raise EngineError(f"Apertium mode uses shell syntax this engine cannot run: {token!r}")
        elif token == "$1":
            # What `apertium -u` passes: the generator without unknown-word marks.
            stages[-1].append(generator_flag)
        elif token != "$2":
            # $2 is the tagger's ambiguity flag (`apertium -a`), empty normally.
            stages[-1].append(token)
    if not all(stages):
        raise EngineError(f"empty stage in Apertium mode pipeline: {script!r}")
    if not null_flush:
        stages = [[argv[0], NULL_FLUSH_FLAG, *argv[1:]] if NULL_FLUSH_FLAG not in argv else argv
                  for argv in stages]
    return stages


class Pipeline:
    """Run one mode's programs chained together and exchange NUL-terminated blocks."""

    def __init__(self, stages: list[list[str]], env: dict[str, str], timeout: float):
        self.stages = stages
        self.env = env
        self.timeout = timeout
        self.lock = threading.Lock()  # held by the caller for a whole exchange
        self.retired = False  # set once its owner has dropped it; never start it again
        self._procs: list[subprocess.Popen[bytes]] = []
        self._stderr: IO[bytes] | None = None

    def pids(self) -> list[int]:
        """Return the process ids of the running chain, first program first."""
        return [proc.pid for proc in self._procs]

    def alive(self) -> bool:
        """Say whether every process of the chain is still running."""
        return bool(self._procs) and all(proc.poll() is None for proc in self._procs)

    def start(self) -> None:
        """Start (or restart) the chain of processes."""
        if self.retired:
            raise PipelineError("pipeline was retired")
        self.stop()
        self._stderr = _append_only_tempfile()
        upstream: int | IO[bytes] | None = subprocess.PIPE
        try:
            for argv in self.stages:
                proc = subprocess.Popen(
                    argv, stdin=upstream, stdout=subprocess.PIPE, stderr=self._stderr,
                    env=self.env, bufsize=0, close_fds=True,
                    # Its own process group: Ctrl-C or a service manager's TERM to the
                    # worker's group must not kill the pipeline in the middle of a batch.
                    process_group=0,
                )
                if self._procs:
                    # Only the child needs it now; closing ours lets EOF and SIGPIPE propagate.
                    _pipe(self._procs[-1].stdout).close()
                self._procs.append(proc)
                upstream = proc.stdout
        except OSError as exc:
            self.stop()
            raise EngineError(f"cannot start Apertium program {argv[0]!r}: {exc}") from exc
        os.set_blocking(_pipe(self._procs[0].stdin).fileno(), False)

    def stop(self) -> None:
        """Kill and reap every process of the chain."""
        procs, self._procs = self._procs, []
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass  # unkillable (stuck in the kernel); nothing more we can do
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def retire(self) -> None:
        """Stop the chain for good."""
        self.retired = True
        self.stop()

    def exchange(self, blocks: list[bytes]) -> list[bytes]:
        """Send each block followed by NUL and return the NUL-terminated answers in order."""
        if not self.alive():
            raise PipelineBroken("pipeline is not running")
        assert self._stderr is not None  # `start` opens it before any process runs
        self._stderr.truncate(0)  # keep only this batch's messages for error reports
        payload = b"".join(block + NUL for block in blocks)
        output = self._pump(payload, len(blocks))
        answers = output.split(NUL)
        if len(answers) != len(blocks) + 1 or answers[-1]:
            # Programs flush a NUL at EOF when one before them dies: more answers than asked.
            raise PipelineBroken("pipeline returned more output than it was sent")
        return answers[:-1]

    def stderr_tail(self, limit: int = 500) -> str:
        """Return the end of what the programs wrote to stderr during the last batch."""
        if self._stderr is None:
            return ""
        size = self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, size - limit))
        return self._stderr.read().decode("utf-8", "replace").strip()

    def _pump(self, payload: bytes, expected: int) -> bytes:
        """Write `payload` while reading until `expected` NULs are back, so no pipe fills up."""
        stdin, stdout = _pipe(self._procs[0].stdin), _pipe(self._procs[-1].stdout)
        view = memoryview(payload)
        output = bytearray()
        received = written = 0
        deadline = time.monotonic() + self.timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if payload:
                selector.register(stdin, selectors.EVENT_WRITE)
            while received < expected:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PipelineTimeout(f"no progress for {self.timeout:g} s")
                for key, _ in selector.select(remaining):
                    if key.fileobj is stdin:
                        written += self._write_some(stdin, view[written:written + _CHUNK])
                        if written == len(payload):
                            selector.unregister(stdin)
                    else:
                        data = os.read(stdout.fileno(), _CHUNK)
                        if not data:
                            raise PipelineBroken("pipeline closed its output")
                        output += data
                        received += data.count(NUL)
                    # The timeout bounds a hang, not a long batch that keeps progressing.
                    deadline = time.monotonic() + self.timeout
        return bytes(output)

    @staticmethod
    def _write_some(stdin, chunk: memoryview) -> int:
        """Write what the pipe accepts now and return how many bytes went out."""
        try:
            return os.write(stdin.fileno(), chunk)
        except BlockingIOError:
            return 0
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise PipelineBroken("pipeline closed its input") from exc


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """Return a process's end of a pipe that `Pipeline.start` asked for."""
    assert stream is not None  # Popen sets stdin/stdout whenever they are subprocess.PIPE
    return stream


def _append_only_tempfile() -> IO[bytes]:
    """Return a temporary file every writer appends to, so truncating it is safe."""
    handle = tempfile.TemporaryFile()
    flags = fcntl.fcntl(handle.fileno(), fcntl.F_GETFL)
    # Children share the descriptor; with O_APPEND their writes land at the end even
    # after we truncate, instead of at their stale offset.
    fcntl.fcntl(handle.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)
    return handle
