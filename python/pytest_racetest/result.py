"""Python views of racetest's JSON report (docs/json.md, racetest.report/v1).

The classes read the document as racetest wrote it and add nothing it does
not say: a response is what racetest collected (headers and body as masked
and capped by racetest), a verdict is racetest's exit code. The raw
document stays available as ``.document`` for anything not wrapped here.
"""
import json as _json

SCHEMA = "racetest.report/v1"

# racetest's exit codes (the README's table). 2 never reaches a result: it
# is raised as RacetestError, since nothing was run.
EXIT_CODES = {
    0: "every check held in every round",
    1: "a check failed: a race was found",
    3: "runtime error before the race could be judged",
    4: "inconclusive: the synchronisation could not be achieved, or too few rounds were complete to judge",
    130: "interrupted",
}


class IncompleteBurst(Exception):
    """The burst did not happen as asked: a request was not released, or
    not answered after the release (racetest's incomplete round). Its
    statuses prove nothing either way, so ``result.statuses`` and
    ``result.count()`` raise this instead of handing them out; the raw
    tally stays in ``result.rounds[0]``. Not an AssertionError, so that an
    ``xfail(raises=AssertionError)`` cannot take it for a found race."""


class Count(int):
    """An int that remembers the burst it counted, so that a failed
    ``assert result.count(200) == 1`` shows racetest's report (the plugin's
    pytest_assertrepr_compare hook reads ``.source``)."""

    def __new__(cls, value, source):
        n = super().__new__(cls, value)
        n.source = source
        return n


class Statuses(list):
    """The statuses of a burst in request order (0: no response). ``count``
    returns a Count, so the classic ``status_codes.count(200) == 1`` gets
    racetest's report when it fails."""

    def __init__(self, values, source):
        super().__init__(values)
        self.source = source

    def count(self, value):
        return Count(super().count(value), self.source)


class Headers(dict):
    """Response headers by name, case-insensitively; several values of one
    name are joined with ", " as requests does. ``getlist`` gives them
    apart. Masked names (Set-Cookie, ...) read ``REDACTED`` unless the
    burst was fired with show_secrets=True."""

    def __init__(self, raw):
        raw = raw or {}
        super().__init__((k.lower(), ", ".join(v)) for k, v in raw.items())
        self._raw = {k.lower(): list(v) for k, v in raw.items()}

    def __getitem__(self, name):
        return super().__getitem__(name.lower())

    def __contains__(self, name):
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name, default=None):
        return super().get(name.lower(), default)

    def getlist(self, name):
        return list(self._raw.get(name.lower(), []))


class Response:
    """One request of a burst and what came back (docs/json.md, Request).

    Moments (``released_ns`` ...) are nanoseconds from the round's first
    release, None when they never came."""

    def __init__(self, doc):
        self.document = doc
        self.index = doc.get("index", 0)
        self.conn = doc.get("conn", 0)
        self.method = doc.get("method", "")
        self.url = doc.get("url", "")
        self.status = doc.get("status", 0)
        self.proto = doc.get("proto", "")
        self.error_kind = doc.get("error_kind", "")
        self.error = doc.get("error", "")
        self.headers = Headers(doc.get("headers"))
        self.text = doc.get("body", "")
        self.body_bytes = doc.get("body_bytes", 0)
        self.truncated = doc.get("truncated", False)
        # Why a --compressed body could not be decoded; it is then kept as
        # received. Empty when it was decoded, or not compressed.
        self.undecoded = doc.get("undecoded", "")
        for moment in ("armed_ns", "released_ns", "first_byte_ns", "done_ns", "arrival_ns"):
            setattr(self, moment, doc.get(moment))

    @property
    def ok(self):
        """True for a response with a status below 400."""
        return 0 < self.status < 400

    def json(self):
        """The body parsed as JSON. A body that racetest cut at its body
        limit is refused rather than parsed wrongly."""
        if self.undecoded:
            raise ValueError(
                "request %d: the body could not be decoded (%s) and was kept as received, so it is not parsed as JSON"
                % (self.index, self.undecoded)
            )
        if self.truncated:
            raise ValueError(
                "request %d: the body was truncated at %d of %d bytes, so it is not parsed as JSON"
                % (self.index, len(self.text.encode()), self.body_bytes)
            )
        return _json.loads(self.text)

    def __repr__(self):
        what = self.status if self.status else "no response (%s)" % (self.error_kind or "error")
        return "<Response #%d %s>" % (self.index, what)


class Check:
    """One check judged in a round: ``expr``, ``passed``, ``seen``, ``error``."""

    def __init__(self, doc):
        self.document = doc
        self.expr = doc.get("expr", "")
        self.scope = doc.get("scope", "")
        self.passed = bool(doc.get("pass"))
        self.seen = doc.get("seen", "")
        self.error = doc.get("error", "")

    def __repr__(self):
        return "<Check %s: %s>" % (self.expr, "pass" if self.passed else "FAIL")


class Round:
    """One burst and its judgement (docs/json.md, Round)."""

    def __init__(self, doc, run):
        self.document = doc
        self.run = run
        self.number = doc.get("round", 0)
        self.mode = doc.get("mode", "")
        self.hold = doc.get("hold", "")
        self.proto = doc.get("proto", "")
        self.connections = doc.get("connections", 0)
        self.notes = list(doc.get("notes") or [])
        self.release_spread_ns = doc.get("release_spread_ns", 0)
        self.server_spread_ns = doc.get("server_spread_ns", 0)
        self.server_spread_known = doc.get("server_spread_known", False)
        self.tally = doc.get("tally") or {}
        self.receipt = doc.get("receipt") or {}
        self.incomplete = list(doc.get("incomplete") or [])
        self.checks = [Check(c) for c in doc.get("checks") or []]
        self.responses = [Response(r) for r in doc.get("requests") or []]

    @property
    def complete(self):
        """Whether the round counts: every request released and answered
        after the release. An incomplete round's checks are shown, not
        counted."""
        return not self.incomplete

    @property
    def statuses(self):
        return Statuses([r.status for r in self.responses], self.run.result)

    def count(self, status):
        """How many requests of the burst got this status."""
        return self.statuses.count(status)

    @property
    def failed_checks(self):
        return [c for c in self.checks if not c.passed]

    def __repr__(self):
        return "<Round %d: %s, %s>" % (self.number, self.mode, tally_text(self.tally))


class Run:
    """One race: a fire invocation or one scenario (docs/json.md, Run)."""

    def __init__(self, doc, result):
        self.document = doc
        self.result = result
        self.name = doc.get("name", "")
        self.file = doc.get("file", "")
        self.line = doc.get("line", 0)
        self.target = doc.get("target", "")
        self.mode = doc.get("mode", "")
        self.n = doc.get("n", 0)
        self.error = doc.get("error", "")
        self.rounds = [Round(r, self) for r in doc.get("rounds") or []]

    @property
    def found_race(self):
        """A check failed in at least one complete round."""
        return any(r.complete and r.failed_checks for r in self.rounds)

    @property
    def inconclusive(self):
        """No race, no error, and too few complete rounds to judge: none at
        all, or, under --confidence, fewer than stop.needed_rounds
        (docs/json.md)."""
        if self.error or self.found_race:
            return False
        complete = sum(1 for r in self.rounds if r.complete)
        needed = (self.document.get("stop") or {}).get("needed_rounds", 0)
        return complete == 0 or complete < needed

    @property
    def passed(self):
        return not (self.error or self.found_race or self.inconclusive)

    @property
    def verdict(self):
        if self.error:
            return "error: " + self.error
        if self.found_race:
            return "race found"
        if self.inconclusive:
            return "inconclusive"
        return "passed"

    def __repr__(self):
        return "<Run %r: %s>" % (self.name, self.verdict)


class Result:
    """What one racetest invocation said: its exit code and its runs.

    ``report()`` renders racetest's own text report of it (masked as the
    document was saved)."""

    def __init__(self, document, exit_code, renderer):
        if document.get("schema") != SCHEMA:
            raise ValueError("racetest wrote a %r document; this plugin reads %s" % (document.get("schema"), SCHEMA))
        self.document = document
        self.exit_code = exit_code
        self.interrupted = bool(document.get("interrupted"))
        self.runs = [Run(r, self) for r in document.get("runs") or []]
        self._renderer = renderer
        self._report = None

    @property
    def passed(self):
        """racetest's verdict: exit code 0, every check held in every round."""
        return self.exit_code == 0

    @property
    def verdict(self):
        return EXIT_CODES.get(self.exit_code, "exit code %d" % self.exit_code)

    def report(self):
        """racetest's text report of this result (``racetest report``)."""
        if self._report is None:
            self._report = self._renderer(self.document)
        return self._report

    def summary(self):
        """One line: each round's tally."""
        if len(self.runs) == 1:
            return rounds_text(self.runs[0].rounds)
        return "; ".join("%s: %s" % (run.name, rounds_text(run.rounds)) for run in self.runs)

    def save(self, path):
        """Writes the JSON document, for ``racetest report FILE`` later."""
        with open(path, "w", encoding="utf-8") as f:
            _json.dump(self.document, f, indent=2)

    def assert_passed(self):
        """Fails the test with racetest's report unless every check held."""
        if not self.passed:
            raise AssertionError("racetest: %s (exit %d)\n\n%s" % (self.verdict, self.exit_code, self.report()))


class FireResult(Result):
    """The result of ``racetest.fire``: one run. With a single round (the
    default), ``responses``, ``statuses`` and ``count`` are that round's;
    with several, pick one: ``result.rounds[i].count(200)``."""

    @property
    def run(self):
        return self.runs[0] if self.runs else Run({}, self)

    @property
    def rounds(self):
        return self.run.rounds

    def _one_round(self):
        if len(self.rounds) == 1:
            return self.rounds[0]
        if not self.rounds:
            raise ValueError("racetest ran no round (%s): %s" % (self.verdict, self.run.error or "see result.report()"))
        raise ValueError("this result has %d rounds: use result.rounds[i] for one of them" % len(self.rounds))

    @property
    def responses(self):
        return self._one_round().responses

    def _judged_round(self):
        r = self._one_round()
        if not r.complete:
            raise IncompleteBurst(
                "the burst was incomplete (%s), so its statuses prove nothing: see result.report(); "
                "result.rounds[0] has the raw tally"
                % "; ".join("%s x%s" % (c.get("kind", "?"), c.get("count", "?")) for c in r.incomplete))
        return r

    @property
    def statuses(self):
        """The statuses of the one round, in request order; raises
        IncompleteBurst when that round was incomplete."""
        return self._judged_round().statuses

    def count(self, status):
        """How many requests of the one round got status; raises
        IncompleteBurst when that round was incomplete."""
        return self._judged_round().count(status)

    @property
    def tally(self):
        return self._one_round().tally

    @property
    def receipt(self):
        return self._one_round().receipt

    @property
    def release_spread_ns(self):
        return self._one_round().release_spread_ns

    @property
    def server_spread_ns(self):
        return self._one_round().server_spread_ns

    @property
    def checks(self):
        return self._one_round().checks

    def assert_one(self, status=200):
        """Fails with racetest's report unless exactly one request of every
        complete round got this status: the classic "paid once" check. An
        incomplete round (a request not released, or not answered after the
        release) is not judged, as racetest judges none; with no complete
        round at all, nothing was raced, and that fails too."""
        complete = [r for r in self.rounds if r.complete]
        counts = [r.count(status) for r in complete]
        if counts and all(c == 1 for c in counts):
            return
        cut = len(self.rounds) - len(complete)
        got = ", ".join(str(c) for c in counts) or "no complete round"
        if cut:
            got += " (%d incomplete %s not judged)" % (cut, "round" if cut == 1 else "rounds")
        raise AssertionError("racetest: want exactly one %d per round, got %s\n\n%s" % (status, got, self.report()))

    def __repr__(self):
        return "<FireResult %s: %s, %s>" % (self.run.name, self.verdict, rounds_text(self.rounds))


class RunResult(Result):
    """The result of ``racetest.run``: one Run per scenario, in order, as
    ``scenarios``; ``result.scenario(name)`` finds one by name."""

    @property
    def scenarios(self):
        return self.runs

    def scenario(self, name):
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError("no scenario named %r; there are %s" % (name, ", ".join(repr(r.name) for r in self.runs)))

    def __repr__(self):
        return "<RunResult %s: %s>" % (", ".join("%s: %s" % (r.name, r.verdict) for r in self.runs), self.verdict)


def tally_text(tally):
    parts = ["%s x%d" % (s["status"], s["count"]) for s in tally.get("statuses") or []]
    parts += ["%s x%d" % (e["kind"], e["count"]) for e in tally.get("errors") or []]
    return ", ".join(parts) or "no responses"


def rounds_text(rounds):
    return "; ".join("round %d: %s" % (r.number, tally_text(r.tally)) for r in rounds) or "no round"
