#!/usr/bin/env python3
"""Instruction counts (valgrind callgrind) of `pls serve` over a fixed
workload: N appends, N gets and one JSON Lines tail of N messages on one
keep-alive connection, for N = 2000 and 6000. The difference, per append +
get + tailed message, is a figure that load on the machine does not change:
for comparing two builds of the server (scripts/bench-serve.sh measures
throughput, which a busy machine blurs).

    python3 scripts/bench-serve-icount.py OLD/pls NEW/pls
"""
import re, socket, subprocess, sys, tempfile, signal

def run(pls, n):
    d = tempfile.mkdtemp()
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          pls, "serve", d, "--port", "0", "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    for line in p.stderr:
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1)); break
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    def req(method, path, body=b""):
        h = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        s.sendall(h + body)
        length = 0; chunked = False
        status = f.readline()
        while True:
            l = f.readline()
            if l == b"\r\n": break
            k, v = l.decode().split(":", 1)
            if k.lower() == "content-length": length = int(v)
            if k.lower() == "transfer-encoding": chunked = True
        if chunked:
            total = 0
            while True:
                size = int(f.readline().strip(), 16)
                if size == 0:
                    f.readline(); break
                f.read(size); f.readline(); total += size
            return total
        return len(f.read(length))
    req("POST", "/v0/pools", b'{"pool":"p","size_bytes":67108864}')
    for i in range(n):
        req("POST", "/v0/pools/p/append", b'{"data":{"i":%d,"kind":"event","user":"someone","pad":"xxxxxxxxxxxxxxxxxxxxxxxx"},"tags":["t"]}' % i)
    for i in range(n):
        req("GET", "/v0/pools/p/messages/%d" % (i % n + 1))
    req("GET", "/v0/pools/p/tail?since_seq=1&max=%d" % n)
    s.close()
    p.send_signal(signal.SIGTERM)
    err = p.stderr.read()
    p.wait()
    return int(re.search(r"Collected : (\d+)", err).group(1))

for pls in sys.argv[1:] or ["target/release/pls"]:
    a = run(pls, 2000); b = run(pls, 6000)
    print(f"{pls}: 2000 -> {a:,} Ir, 6000 -> {b:,} Ir; per (append + get + tailed message): {(b - a) / 4000:,.0f} Ir")
