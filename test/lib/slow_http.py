#!/usr/bin/env python3
"""A loopback HTTP server that answers slowly, for timeout tests.

    slow_http.py PORTFILE

Listens on 127.0.0.1 on a free port, writes the port to PORTFILE once
listening, and answers GET /sleep/SECONDS after sleeping that long (capped
at 30 s) and anything else at once, 200 "ok". Threaded, so a slow request
does not hold up the next. Stops on SIGTERM.
"""
import http.server
import os
import signal
import socketserver
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.startswith("/sleep/"):
            try:
                delay = min(float(self.path[len("/sleep/"):]), 30.0)
            except ValueError:
                delay = 0.0
            time.sleep(delay)
        body = b"ok\n"
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
