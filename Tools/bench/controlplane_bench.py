#!/usr/bin/env python3
"""Control-plane benchmark (`make bench`): reads from the operator's REST API over mutual TLS with keep-alive.

A fresh localkube (API only) with `--clusters` FlinkDeployments and an operator serving its API with the
certificates `secrets.sh` makes; the load generator is curl (`--parallel`, HTTP/1.1, one TLS handshake per
connection, then keep-alive), not Python. For each route and each number of connections:

- `status`: `GET /api/v1/clusters/<name>/status`, round robin over the clusters (a cache lookup and a small JSON body);
- `list`: `GET /api/v1/clusters` (every cluster's name);

it records requests per second, the latency p50/p99/max as curl measures each transfer, the operator's CPU per
request (from /proc, so the client's CPU is not counted) and curl's CPU per request, and every status code (all must
be 200). A warm-up pass runs first on each connection count. Results go to `.bench/controlplane.json`.

Run: python3 Tools/bench/controlplane_bench.py [--connections 1,8,64] [--requests 20000] [--clusters 10]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import operator_bench as ob  # noqa: E402

REPO = ob.REPO


def make_certificates(directory: Path) -> dict:
    """The toolbox's certificates (secrets.sh); the operator serves with its own, the client is the admin CLI user."""
    subprocess.run(["bash", str(REPO / "secrets.sh"), "localhost", "key-password", "keystore-password", "truststore-password"], check=True, cwd=directory,
                   env={**os.environ, "SECRETS_DIR": str(directory)}, stdout=subprocess.DEVNULL)
    return {"cert": str(directory / "operator-api_cert.pem"), "key": str(directory / "operator-api_key.pem"),
            "ca": str(directory / "ca_cert.pem"), "client_cert": str(directory / "operator-cli_cert.pem"),
            "client_key": str(directory / "operator-cli_key.pem")}


def wait_served(env: ob.Environment, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        conn = env.api_connection()
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} did not answer 200 within {timeout} s")
        time.sleep(0.1)


def run_curl(env: ob.Environment, urls: list[str], connections: int, work: Path) -> dict:
    """One curl process doing every URL with at most `connections` connections; answers the measured figures."""
    config = work / f"curl-{connections}.cfg"
    config.write_text("".join(f'url = "{url}"\noutput = "/dev/null"\n' for url in urls))
    tls = env.tls
    args = ["curl", "--silent", "--show-error", "--http1.1", "--parallel", "--parallel-immediate",
            "--parallel-max", str(connections), "--cacert", tls["ca"], "--cert", tls["client_cert"],
            "--key", tls["client_key"], "--write-out", "%{http_code} %{time_total}\\n", "--config", str(config)]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    operator_before = ob.cpu_seconds(env.operator.pid)
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.monotonic() - started
    operator_cpu = ob.cpu_seconds(env.operator.pid) - operator_before
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    curl_cpu = (children_after.ru_utime - children_before.ru_utime) + (children_after.ru_stime - children_before.ru_stime)
    codes: dict[str, int] = {}
    latencies = []
    for line in done.stdout.splitlines():
        code, _, seconds = line.partition(" ")
        codes[code] = codes.get(code, 0) + 1
        latencies.append(float(seconds) * 1000)
    if done.returncode != 0 or len(latencies) != len(urls):
        raise RuntimeError(f"curl exited {done.returncode} after {len(latencies)}/{len(urls)} transfers: {done.stderr[-2000:]}")
    n = len(urls)
    return {
        "connections": connections, "requests": n, "seconds": round(wall, 3),
        "requests_per_second": round(n / wall, 1),
        "latency_ms": {"p50": round(ob.percentile(latencies, 50), 3), "p99": round(ob.percentile(latencies, 99), 3),
                       "max": round(max(latencies), 3)},
        "operator_cpu_ms_per_request": round(operator_cpu * 1000 / n, 4),
        "operator_cpu_seconds": round(operator_cpu, 2),
        "client_cpu_ms_per_request": round(curl_cpu * 1000 / n, 4),
        "status_codes": codes,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=None, help="operator executable (default: .build/release, else .build/debug)")
    parser.add_argument("--connections", default="1,8,64", help="comma-separated numbers of client connections")
    parser.add_argument("--requests", type=int, default=20000, help="requests per measurement")
    parser.add_argument("--warmup", type=int, default=2000, help="requests before each measurement (not counted)")
    parser.add_argument("--clusters", type=int, default=10, help="FlinkDeployments the operator manages")
    parser.add_argument("--routes", default="status,list")
    parser.add_argument("--perf", default=None, help="record the operator with `perf record -g` into PREFIX-<route>.data")
    parser.add_argument("--perf-connections", type=int, default=8, help="the measurement --perf records")
    parser.add_argument("--output", default=str(REPO / ".bench/controlplane.json"))
    args = parser.parse_args(argv)

    binary, build = ob.operator_binary(args.binary)
    if binary is None:
        return 2
    root = Path(tempfile.mkdtemp(prefix="controlplane-bench-"))
    secrets = root / "secrets"
    secrets.mkdir()
    env = ob.Environment(root, args.clusters, binary, None, None, tls=make_certificates(secrets))
    names = [f"bench-{i:05d}" for i in range(1, args.clusters + 1)]
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "binary": ob.display_path(binary), "build": build,
              "cpus": os.cpu_count(), "clusters": args.clusters, "client": "curl --parallel --http1.1 (mutual TLS, keep-alive)",
              "load_average_before": [round(x, 2) for x in os.getloadavg()], "results": []}
    try:
        env.start()
        ob.create_deployments(env.kube, names, 8)
        for name in names:
            wait_served(env, f"/api/v1/clusters/{name}/status")
        ob.wait_settled(env.kube, 2.0, 120)
        base = f"https://127.0.0.1:{env.api_port}/api/v1/clusters"
        for route in [r for r in args.routes.split(",") if r]:
            for connections in [int(c) for c in args.connections.split(",") if c]:
                def urls(count: int) -> list[str]:
                    if route == "list":
                        return [base] * count
                    return [f"{base}/{names[i % len(names)]}/status" for i in range(count)]
                run_curl(env, urls(args.warmup), connections, root)
                recorder = None
                if args.perf and connections == args.perf_connections:
                    recorder = subprocess.Popen(["perf", "record", "-F", "1999", "-g", "-p", str(env.operator.pid),
                                                 "-o", f"{args.perf}-{route}.data"], stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL)
                    time.sleep(0.5)
                result = run_curl(env, urls(args.requests), connections, root)
                if recorder:
                    recorder.send_signal(2)
                    recorder.wait()
                    ob.log(f"perf profile: {args.perf}-{route}.data (perf report -i ... --no-children)")
                result["route"] = route
                ob.log(f"{route} x{connections}: {result['requests_per_second']} req/s, p99 {result['latency_ms']['p99']} ms, "
                       f"operator {result['operator_cpu_ms_per_request']} ms CPU/request, codes {result['status_codes']}")
                report["results"].append(result)
        report["operator_memory_mib"] = ob.memory(env.operator.pid)
    finally:
        env.stop()
        shutil.rmtree(root, ignore_errors=True)
    output = ob.write_report(report, args.output)
    ob.print_table(f"control plane over mutual TLS ({report['build']}, {report['clusters']} clusters, {report['cpus']} CPUs)", [
        ("route", 7, lambda r: r["route"]), ("conns", 5, lambda r: r["connections"]),
        ("req/s", 9, lambda r: r["requests_per_second"]), ("p50 ms", 8, lambda r: r["latency_ms"]["p50"]),
        ("p99 ms", 8, lambda r: r["latency_ms"]["p99"]), ("op CPU ms/req", 13, lambda r: r["operator_cpu_ms_per_request"]),
        ("curl CPU ms/req", 15, lambda r: r["client_cpu_ms_per_request"])], report["results"])
    print(f"operator memory: {report.get('operator_memory_mib')}; JSON: {output}")
    bad = [r for r in report["results"] if set(r["status_codes"]) != {"200"}]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
