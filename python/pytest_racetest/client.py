"""Runs the racetest binary and reads its JSON report.

The Go engines do the sending; this module only builds the command line,
passes request bodies on standard input (so that a body starting with "@"
is never read as a file name, and no body is limited by the size of argv),
and wraps the document racetest prints with ``-o json``.
"""
import json as _json
import os
import shutil
import subprocess

from .result import FireResult, RunResult

BUILD_HINT = (
    "build it from a checkout of racetest with `go build -o /usr/local/bin/racetest ./cmd/racetest`, "
    "or point RACETEST_BIN (or --racetest-bin) at the binary"
)

# racetest's exit code for a usage or scenario error: nothing was sent.
EXIT_USAGE = 2


class RacetestError(Exception):
    """racetest could not run what it was given: a bad flag, URL, scenario
    or expression (its exit code 2), or it did not produce a report. The
    message is racetest's own."""


def find_binary(option=None, environ=os.environ):
    """The racetest binary: the --racetest-bin option, else RACETEST_BIN,
    else racetest on PATH. Returns (path, None), or (None, why not)."""
    for name, value in (("--racetest-bin", option), ("RACETEST_BIN", environ.get("RACETEST_BIN"))):
        if value:
            if os.path.isfile(value) and os.access(value, os.X_OK):
                return value, None
            return None, "%s=%s is not an executable file; %s" % (name, value, BUILD_HINT)
    found = shutil.which("racetest")
    if found:
        return found, None
    return None, "racetest is not on PATH; " + BUILD_HINT


class Racetest:
    """The ``racetest`` fixture: fires bursts and runs scenarios with the
    racetest binary and returns its verdicts as Python objects.

    ``process_timeout`` bounds one racetest invocation in seconds; racetest
    bounds every request itself (``timeout``), this bounds the whole.
    """

    def __init__(self, binary, process_timeout=300):
        self.binary = binary
        self.process_timeout = process_timeout
        # Every result this instance returned, for the failure report.
        self.results = []

    def fire(
        self,
        url,
        n=None,
        method=None,
        headers=None,
        json=None,
        data=None,
        mode=None,
        hold=None,
        rounds=None,
        expect=(),
        expect_status=None,
        timeout=None,
        insecure=False,
        h2c=False,
        show_secrets=False,
        args=(),
    ):
        """Sends n copies of one request together (``racetest fire``) and
        returns a FireResult. Unset parameters take racetest's defaults
        (n 20, GET or POST with a body, mode auto, one round, 10 s).

        json is encoded here; data is text or bytes sent as they are.
        expect takes check expressions (``count(status == 200) == 1``),
        expect_status a {status: count} mapping. timeout is seconds or a Go
        duration ("500ms"). args are further racetest fire flags.
        """
        if json is not None and data is not None:
            raise TypeError("fire() takes json or data, not both")
        argv = ["fire"]
        argv += _opt("--n", n)
        argv += _opt("-X", method)
        for name, value in _header_items(headers):
            argv += ["-H", "%s: %s" % (name, value)]
        stdin = None
        if json is not None:
            argv += ["--json", "@-"]
            stdin = _json.dumps(json).encode()
        elif data is not None:
            argv += ["-d", "@-"]
            stdin = data.encode() if isinstance(data, str) else bytes(data)
        argv += _opt("--mode", mode)
        argv += _opt("--hold", hold)
        argv += _opt("--rounds", rounds)
        for expr in [expect] if isinstance(expect, str) else expect:
            argv += ["--expect", expr]
        for status, count in (expect_status or {}).items():
            argv += ["--expect-status", "%s=%s" % (status, count)]
        argv += _opt("--timeout", _duration(timeout))
        argv += ["--insecure"] if insecure else []
        argv += ["--h2c"] if h2c else []
        argv += ["--show-secrets"] if show_secrets else []
        argv += list(args)
        argv += ["--", url]
        return self._keep(FireResult(*self._invoke(argv, stdin), renderer=self.render))

    def run(self, files, target=None, vars=None, rounds=None, mode=None, timeout=None, show_secrets=False, args=()):
        """Runs scenario files (``racetest run``) and returns a RunResult:
        ``passed``, ``exit_code`` and one Run per scenario. target is the
        base URL of the scenarios' relative URLs (``live_server.url``);
        vars overrides their vars."""
        if isinstance(files, (str, os.PathLike)):
            files = [files]
        argv = ["run"]
        argv += _opt("--target", target)
        for name, value in (vars or {}).items():
            argv += ["--var", "%s=%s" % (name, value)]
        argv += _opt("--rounds", rounds)
        argv += _opt("--mode", mode)
        argv += _opt("--timeout", _duration(timeout))
        argv += ["--show-secrets"] if show_secrets else []
        argv += list(args)
        argv += ["--"] + [os.fspath(f) for f in files]
        return self._keep(RunResult(*self._invoke(argv, None), renderer=self.render))

    def _keep(self, result):
        self.results.append(result)
        return result

    def report(self, result):
        """racetest's text report of a result, as ``racetest report`` renders it."""
        return result.report()

    def render(self, document):
        """Renders a JSON document as racetest's text report."""
        out = self._exec(["report", "--color", "never", "-"], _json.dumps(document).encode())
        text = out.stdout.decode(errors="replace")
        if not text.strip():
            return "(racetest report printed nothing: %s)" % out.stderr.decode(errors="replace").strip()
        return text

    def _invoke(self, argv, stdin):
        """Runs racetest with -o json; returns (document, exit code)."""
        out = self._exec(argv[:1] + ["-o", "json", "--quiet", "--color", "never"] + argv[1:], stdin)
        stderr = out.stderr.decode(errors="replace").strip()
        if out.returncode == EXIT_USAGE:
            raise RacetestError(stderr or "racetest %s: exit 2 (usage error)" % argv[0])
        try:
            document = _json.loads(out.stdout)
        except ValueError:
            raise RacetestError(
                "racetest %s exited %d without a JSON report: %s" % (argv[0], out.returncode, stderr or "(no message)")
            ) from None
        return document, out.returncode

    def _exec(self, argv, stdin):
        try:
            return subprocess.run(
                [self.binary] + argv,
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=self.process_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RacetestError(
                "racetest %s did not finish within %s s (process_timeout); it was stopped" % (argv[0], self.process_timeout)
            ) from None

    def __repr__(self):
        return "<Racetest %s>" % self.binary


def _opt(flag, value):
    return [] if value is None else [flag, str(value)]


def _duration(value):
    """A timeout in seconds (int or float) as a Go duration; strings pass."""
    if value is None or isinstance(value, str):
        return value
    return "%dns" % round(float(value) * 1e9)


def _header_items(headers):
    if headers is None:
        return []
    if hasattr(headers, "items"):
        return list(headers.items())
    return list(headers)
