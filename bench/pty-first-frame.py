# Time from spawn to a program's first frame under a real pty (120x40, CI unset), several programs
# alternated run by run with a pause between runs, so that a noisy neighbour or a warm cache lands on
# all of them alike.
#
# Usage: python3 pty-first-frame.py SPEC.json
#   SPEC: {"runs": 15, "warmup": 1, "pause": 0.3,
#          "programs": [{"name": "floor", "argv": ["node", "hello.js"], "marker": "hello from ink"}, ...]}
# Prints {"name": [ms, ...], ...} as JSON: one figure per run, warm-up runs left out.
# A run ends when the marker (the last text of the first frame) has arrived whole; the program is then
# killed with its process group, so its exit is never inside the timing.
import fcntl, json, os, pty, select, signal, struct, sys, termios, time


def first_frame(argv, marker, timeout=15.0):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.pop('CI', None)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    seen = b''
    try:
        while True:
            remaining = start + timeout - time.perf_counter()
            if remaining <= 0:
                raise SystemExit(f'no first frame within {timeout:.0f} s from {" ".join(argv)}')
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b''
            if not chunk:
                raise SystemExit(f'{" ".join(argv)} ended before its first frame: {seen[-300:]!r}')
            seen = (seen + chunk)[-65536:]
            if marker in seen:
                return (time.perf_counter() - start) * 1000
    finally:
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
                break
            except OSError:
                pass
        os.waitpid(pid, 0)
        os.close(fd)


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    programs = spec['programs']
    times = {p['name']: [] for p in programs}
    for run in range(spec.get('warmup', 1) + spec['runs']):
        # ABBA order: neither program always runs right after the other.
        for p in (programs if run % 2 == 0 else programs[::-1]):
            ms = first_frame(p['argv'], p['marker'].encode())
            if run >= spec.get('warmup', 1):
                times[p['name']].append(round(ms, 1))
            time.sleep(spec.get('pause', 0.3))
    print(json.dumps(times))


main()
