"""Edit-to-live (issue 18): how long a one-line edit takes to show in the running viewer.

``python -m benchmarks.edit_live_bench DATA [--cache DIR]`` starts ``tvb serve`` on *DATA*
(watching it, the default poll interval), waits until it is warm — ``/health`` answers,
``/integrator.json`` is ready and ``/health`` says no background work is left (findings
computed, ``incremental_ready``: the loader has read the data, ``PRIME_AFTER`` seconds
after the start) — then changes one dossier's owner in the file
(a temporary file in the same folder, renamed over it) and measures

* ``live_s``: until ``/dossier/ID.json`` shows the new owner;
* ``findings_s``: until ``/integrator.json`` carries the new version (its ``data_version``
  is the findings', so this is when the findings have followed);

and, at the start, ``health_s`` (until ``/health`` answers) and ``findings_at_start_s``
(until ``/integrator.json`` has findings: a start is live first, the findings follow in
the background).  Each ``*_cpu_s`` is the CPU time (user + system) of the server's process
tree: at the start from its launch, at the edit from the moment it is warm — a figure a
busy machine does not inflate as it does the wall times;

sampling the memory of the server's whole process tree every 50 ms throughout: the sum of
the RSS (``peak_mb``, and ``peak_edit_mb`` from the edit on), which counts twice the pages
a forked child shares copy-on-write with the server, and the sum of the PSS
(``peak_pss_mb``, ``peak_edit_pss_mb``: each shared page split between the processes that
share it, ``/proc/PID/smaps_rollup``), the memory the tree really holds.  The file is
restored afterwards.  Traffic goes to 127.0.0.1 only; the server is stopped at the end.
Not a test: figures for the README.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["measure", "tree_memory_kb", "tree_cpu_s", "stop_server"]

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-29"


def _tree(pid: int) -> list[int]:
    """*pid* and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of *pid* and all its descendants, in KiB, from each process's
    ``/proc/PID/smaps_rollup``: the RSS sum counts a page shared copy-on-write by a
    forked child and its parent twice, the PSS sum once (split between them)."""
    rss = pss = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return rss, pss


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by *pid* and its descendants, those that
    ended and were waited for included (``cutime``/``cstime`` of ``/proc/PID/stat``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a ``tvb serve`` as Ctrl-C does, killing it when it does not stop in 30 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _get_json(port: int, path: str, timeout: float = 120) -> tuple[int, dict | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        try:
            return resp.status, json.loads(body)
        except ValueError:
            return resp.status, None
    finally:
        conn.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(pred, limit: float, what: str, interval: float = 0.05) -> float:
    start = time.perf_counter()
    while True:
        try:
            if pred():
                return time.perf_counter() - start
        except OSError:
            pass
        if time.perf_counter() - start > limit:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(interval)


def _handover(text: str) -> tuple[str, str, str, str]:
    """(dossier id, old owner, new owner, the edited text): the middle dossier's owner
    becomes another person of the register."""
    dossiers = list(re.finditer(r"^(?P<ind> *)- id: (?P<id>\S+)\n(?:(?P=ind)  [^\n]*\n)*?"
                                r"(?P=ind)  owner: (?P<owner>\S+)$", text, re.MULTILINE))
    if not dossiers:
        raise RuntimeError("no dossier with an owner found")
    m = dossiers[len(dossiers) // 2]
    people = re.search(r"^people:\n(?: *#[^\n]*\n)*( *)- id: (\S+)\n(?:\1  [^\n]*\n)*\1- id: "
                       r"(\S+)", text, re.MULTILINE)
    if people is None:
        raise RuntimeError("no people found")
    new = people.group(2) if people.group(2) != m.group("owner") else people.group(3)
    edited = text[:m.start("owner")] + new + text[m.end("owner"):]
    return m.group("id"), m.group("owner"), new, edited


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".edit-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def measure(data: Path, cache: Path, *, limit: float = 1800, log=print,
            timeline: Path | None = None) -> dict:
    """Start the viewer on *data*, edit one owner, time live and findings (see above);
    with *timeline*, every memory sample (seconds from the launch, RSS and PSS sums in
    MB) and the moments measured are written there as JSON."""
    port = _free_port()
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), TVB_CACHE="1")
    original = data.read_text(encoding="utf-8")
    dossier, old_owner, new_owner, edited = _handover(original)
    samples: list[tuple[float, int, int]] = []
    stop = threading.Event()
    launched = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvb", "serve", "--data", str(data), "--port", str(port),
         "--today", TODAY], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        cwd=ROOT)

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), *tree_memory_kb(proc.pid)))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out: dict = {"dossier": dossier, "old_owner": old_owner, "new_owner": new_owner}
    try:
        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"tvb serve exited: {proc.stderr.read()[-2000:]}")
            return _get_json(port, "/health", timeout=5)[0] == 200

        out["health_s"] = round(_wait(up, limit, "/health"), 2)
        out["health_cpu_s"] = round(tree_cpu_s(proc.pid), 1)

        def has_findings() -> bool:
            got = _get_json(port, "/integrator.json", timeout=120)[1] or {}
            return got.get("data_version") is not None

        # A start is live first: the findings follow in the background.
        _wait(has_findings, limit, "the first findings", interval=0.1)
        out["findings_at_start_s"] = round(time.perf_counter() - launched, 2)
        out["findings_at_start_cpu_s"] = round(tree_cpu_s(proc.pid), 1)
        status, report = _get_json(port, "/integrator.json")
        if status != 200 or report is None:
            raise RuntimeError(f"/integrator.json answered {status}")
        old_version = report["data_version"]
        def settled() -> bool:
            got = _get_json(port, "/health", timeout=30)[1]
            return not got["findings_pending"] and got["incremental_ready"]

        _wait(settled, limit, "the background work", interval=0.25)
        out["warm_s"] = round(time.perf_counter() - launched, 2)
        out["warm_cpu_s"] = round(tree_cpu_s(proc.pid), 1)
        log(f"  warm after {out['warm_s']} s; handing {dossier} from {old_owner} to {new_owner}")
        edit_at = time.perf_counter()
        _write_atomically(data, edited)

        def live() -> bool:
            got = _get_json(port, f"/dossier/{dossier}.json", timeout=60)[1] or {}
            owner = got.get("owner") or {}
            return (owner.get("id") if isinstance(owner, dict) else owner) == new_owner

        out["live_s"] = round(_wait(live, limit, "the new owner", interval=0.02), 2)
        out["live_cpu_s"] = round(tree_cpu_s(proc.pid) - out["warm_cpu_s"], 1)

        def followed() -> bool:
            got = _get_json(port, "/integrator.json", timeout=60)[1] or {}
            return got.get("data_version") not in (None, old_version)

        out["findings_s"] = round(out["live_s"] + _wait(followed, limit, "the findings",
                                                        interval=0.1), 2)
        out["findings_cpu_s"] = round(tree_cpu_s(proc.pid) - out["warm_cpu_s"], 1)
    finally:
        stop.set()
        sampler.join()
        stop_server(proc)
        _write_atomically(data, original)
    if timeline is not None:
        timeline.write_text(json.dumps({
            "samples": [(round(t - launched, 2), round(r / 1024), round(q / 1024))
                        for t, r, q in samples],
            "edit_at": round(edit_at - launched, 2) if "live_s" in out else None,
            "figures": out}), encoding="utf-8")
    after = [s for s in samples if s[0] >= edit_at] if "live_s" in out else []
    for name, i in (("mb", 1), ("pss_mb", 2)):
        out[f"peak_{name}"] = round(max(s[i] for s in samples) / 1024, 1) if samples else None
        out[f"peak_edit_{name}"] = round(max(s[i] for s in after) / 1024, 1) if after else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.edit_live_bench",
                                     description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: a temporary one)")
    parser.add_argument("--timeline", type=Path, default=None,
                        help="write every memory sample and the moments measured to this "
                        "JSON file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tvb-edit-") as tmp:
        work = Path(tmp) / args.data.name
        work.write_bytes(args.data.read_bytes())  # the original is never touched
        print(json.dumps(measure(work, args.cache or Path(tmp) / "cache",
                                 timeline=args.timeline), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
