#!/usr/bin/env python3
"""A scripted coach for smart-phone's tests, on 127.0.0.1 only.

Every request is appended to --log as one JSON line:
  {"method", "path", "headers": {lower-case name: value}, "body": parsed JSON or text, "answered": status}
The bound port is written to --port-file once the server listens.

Behaviours (--mode):
  ok            2xx with advice {advice, next_variant, confidence}
  fail N        the first N requests get 503, then ok
  status CODE   always CODE (401, 404, 422, 500 ...); with --echo-auth the error
                body repeats the Authorization header (a coach echoing the token)
  retry-after V the first --count requests (default 1) get 429 with Retry-After: V, then ok
  hang          accept, read, never answer (until --hang-seconds, default 60)
  garbage       200 with a body that is not JSON
Borderline questions (POST .../ask): --ask-verdict and --ask-confidence.
OpenAI (POST .../chat/completions): a chat completion whose content is --model-answer.
Claims (POST .../claims, GET .../claims/<sha256>): pending (202) for --claim-polls
polls, then 200 {"api_key": --api-key}.
"""
import argparse
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time

args = None
lock = threading.Lock()
counter = {"n": 0, "polls": 0}
claims = {}


def record(handler, body, status):
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = body.decode("utf-8", "replace")
    entry = {
        "method": handler.command,
        "path": handler.path,
        "headers": {k.lower(): v for k, v in handler.headers.items()},
        "body": parsed,
        "answered": status,
        "t": time.time(),
    }
    with lock:
        with open(args.log, "a") as f:
            f.write(json.dumps(entry) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):  # quiet
        pass

    def reply(self, status, body, headers=None, raw=False):
        data = body if raw else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        return status

    def do_GET(self):
        m = re.search(r"/claims/([0-9a-f]{64})$", self.path)
        if not m:
            record(self, b"", 404)
            return self.reply(404, {"error": "not found"})
        with lock:
            counter["polls"] += 1
            polls = counter["polls"]
        if m.group(1) not in claims:
            record(self, b"", 404)
            return self.reply(404, {"error": "unknown claim"})
        if polls <= args.claim_polls:
            record(self, b"", 202)
            return self.reply(202, {"status": "pending"})
        record(self, b"", 200)
        return self.reply(200, {"status": "claimed", "api_key": args.api_key})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            counter["n"] += 1
            n = counter["n"]
        mode = args.mode
        if mode == "hang":
            record(self, body, 0)
            time.sleep(args.hang_seconds)
            return
        if mode == "fail" and n <= args.count:
            record(self, body, 503)
            return self.reply(503, {"error": "down for maintenance"})
        if mode == "status":
            record(self, body, args.code)
            answer = {"error": "scripted status"}
            if args.echo_auth:
                answer["you_sent"] = self.headers.get("Authorization", "")
            return self.reply(args.code, answer)
        if mode == "retry-after" and n <= args.count:
            record(self, body, 429)
            return self.reply(429, {"error": "slow down"}, {"Retry-After": args.retry_after})
        if mode == "garbage":
            record(self, body, 200)
            return self.reply(200, b"<html>not json{{{", raw=True)
        if self.path.endswith("/claims"):
            try:
                claims[json.loads(body)["token_hash"]] = True
            except (ValueError, KeyError, TypeError):
                record(self, body, 400)
                return self.reply(400, {"error": "token_hash missing"})
            record(self, body, 201)
            return self.reply(201, {"status": "pending"})
        if self.path.endswith("/ask"):
            record(self, body, 200)
            return self.reply(200, {"verdict": args.ask_verdict, "confidence": args.ask_confidence,
                                    "reason": "scripted answer"})
        if self.path.endswith("/chat/completions"):
            record(self, body, 200)
            return self.reply(200, {"id": "x", "object": "chat.completion",
                                    "choices": [{"index": 0, "finish_reason": "stop",
                                                 "message": {"role": "assistant", "content": args.model_answer}}]})
        record(self, body, 201)
        return self.reply(201, {"advice": args.advice, "next_variant": "workers_4", "confidence": 0.85})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--mode", default="ok")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--code", type=int, default=500)
    p.add_argument("--echo-auth", action="store_true")
    p.add_argument("--retry-after", default="1")
    p.add_argument("--hang-seconds", type=float, default=60)
    p.add_argument("--advice", default="try 4 workers next")
    p.add_argument("--ask-verdict", default="keep")
    p.add_argument("--ask-confidence", type=float, default=0.95)
    p.add_argument("--model-answer", default="VERDICT: KEEP\nCONFIDENCE: 0.9\nREASON: clear gain.")
    p.add_argument("--claim-polls", type=int, default=2)
    p.add_argument("--api-key", default="issued-api-key")
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    deadline = time.time() + 600  # never outlive a test by much
    server.timeout = 0.5
    while time.time() < deadline:
        server.handle_request()
    sys.exit(0)


if __name__ == "__main__":
    main()
