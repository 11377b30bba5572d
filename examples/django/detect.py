"""Counts how often each client catches the naive mission's double payment.

For every burst, each client in turn (the order rotating from burst to
burst) resets the service and sends N simultaneous "complete mission"
requests to /missions/<variant>/complete; the burst is caught when the
user ends with more than one reward. Prints a Markdown table.

Run it through detect.sh, which starts the service and builds racetest.
"""
import argparse
import json
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor

import requests

REWARD = 100
AUTH = {"Authorization": "Bearer u1"}
BODY = {"type": "investment_complete"}


def racetest(args, mode):
    """A burst sent by racetest fire in the given mode; returns the server
    spread in ns as racetest reports it."""
    cmd = [args.racetest, "fire", "--mode", mode, "--n", str(args.n), "-o", "json",
           "-X", "POST", "-H", "Authorization: " + AUTH["Authorization"],
           "--json", json.dumps(BODY), args.url + "/missions/%s/complete" % args.variant]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit("racetest exited %d: %s" % (out.returncode, out.stderr.strip()))
    burst = json.loads(out.stdout)["runs"][0]["rounds"][0]
    return burst["server_spread_ns"]


def thread_pool(args):
    """The classic recipe: a pool of N threads, each sending one request with
    requests.post. Returns the server spread in ns from the arrival times
    the service stamps on every response."""
    url = args.url + "/missions/%s/complete" % args.variant

    def send(_):
        return requests.post(url, json=BODY, headers=AUTH, timeout=30)

    with ThreadPoolExecutor(max_workers=args.n) as pool:
        responses = list(pool.map(send, range(args.n)))
    arrivals = [int(r.headers["X-Racetest-Arrival"]) for r in responses]
    return max(arrivals) - min(arrivals)


def burst(args, client):
    """Resets the service, fires one burst and returns (payments, spread)."""
    requests.post(args.url + "/reset", timeout=10).raise_for_status()
    spread = client(args)
    me = requests.get(args.url + "/me", headers=AUTH, timeout=10).json()
    return me["points"] // REWARD, spread


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--racetest", required=True, help="path of the racetest binary")
    p.add_argument("--url", required=True, help="base URL of the service")
    p.add_argument("--bursts", type=int, default=20)
    p.add_argument("--n", type=int, default=30, help="requests per burst")
    p.add_argument("--variant", default="naive", help="mission view: naive, atomic, ...")
    args = p.parse_args()

    clients = [
        ("racetest, last-byte", lambda a: racetest(a, "last-byte")),
        ("racetest, barrier", lambda a: racetest(a, "barrier")),
        ("ThreadPoolExecutor(%d) + requests" % args.n, thread_pool),
    ]
    # One burst each that is not counted: the first burst after a start
    # also opens the service's database connections.
    for _, client in clients:
        burst(args, client)
    results = {name: [] for name, _ in clients}
    for i in range(args.bursts):
        for name, client in clients[i % 3:] + clients[:i % 3]:
            results[name].append(burst(args, client))

    print("| client | bursts of %d | caught (paid twice or more) | mean payments | median server spread |" % args.n)
    print("|---|---|---|---|---|")
    for name, _ in clients:
        paid = [r[0] for r in results[name]]
        caught = sum(1 for x in paid if x > 1)
        print("| %s | %d | %d (%d%%) | %.1f | %.1f ms |" % (
            name, len(paid), caught, round(100 * caught / len(paid)),
            statistics.mean(paid), statistics.median(r[1] for r in results[name]) / 1e6))


if __name__ == "__main__":
    main()
