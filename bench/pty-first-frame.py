# Time from spawn to a marker in a program's output, under a real pty (120x40, CI unset).
# Usage: python3 pty-first-frame.py MARKER PROGRAM [ARGS...]; prints milliseconds.
import fcntl, os, pty, select, signal, struct, sys, termios, time

marker = sys.argv[1].encode()
argv = sys.argv[2:]
start = time.perf_counter()
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop('CI', None)
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
seen = b''
deadline = start + 15
try:
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            sys.exit('no marker within 15 s')
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            sys.exit('the program ended before the marker')
        if not chunk:
            sys.exit('the program ended before the marker')
        seen = (seen + chunk)[-65536:]
        if marker in seen:
            print(f'{(time.perf_counter() - start) * 1000:.1f}')
            break
finally:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.waitpid(pid, 0)
