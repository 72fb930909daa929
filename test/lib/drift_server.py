#!/usr/bin/env python3
"""A loopback HTTP target whose latency falls steadily: drift, for tests.

    drift_server.py PORT START_MS SLOPE_MS_PER_S FLOOR_MS LIFETIME_S

Every GET answers 200 after sleeping max(FLOOR_MS, START_MS - SLOPE * t),
t seconds since the server started. It exits by itself after LIFETIME_S so a
test that dies cannot leave it behind. Listens on 127.0.0.1 only.
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, start_ms, slope, floor_ms, lifetime = (int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]),
                                             float(sys.argv[4]), float(sys.argv[5]))
t0 = time.monotonic()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        elapsed = time.monotonic() - t0
        time.sleep(max(floor_ms, start_ms - slope * elapsed) / 1000.0)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
threading.Timer(lifetime, server.shutdown).start()
server.serve_forever()
