/// The Python (standard library only) loopback HTTP(S) server behind ``LoopbackHTTPServer``.
///
/// Routes are read from `routes.json` on every request, so tests can change them while the
/// server runs. Each path has a list of rules; the first rule whose `times` is not used up
/// answers. A rule may set `status`, `headers`, `body` (text), `body_file`, `redirect`,
/// `etag` (answers 304 to a matching `If-None-Match`), `truncate` (announce the full length,
/// send N bytes, close; with `reset`, abort the connection with a TCP reset instead of
/// closing it), `stall` (send N bytes then sleep `stall` seconds), `delay`. Paths
/// under `/git/` go to `git http-backend` (smart HTTP) with `GIT_PROJECT_ROOT` = `--git-root`.
/// Absolute-URI requests (a client using the server as an HTTP proxy) are logged with
/// `"proxied": true` and routed by their path. Every request (with its body, except under
/// `/git/`) is appended to `requests.log`. GET, POST and PATCH are answered alike.
let loopbackServerScript = #"""
    import http.server, socketserver, json, os, socket, struct, sys, ssl, subprocess, threading, time, urllib.parse

    STATE = sys.argv[1]
    CERT = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    KEY = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    GITROOT = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "-" else None
    LOCK = threading.Lock()
    USED = {}

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass

        def do_GET(self): self.handle_any()
        def do_POST(self): self.handle_any()
        def do_PATCH(self): self.handle_any()

        def handle_any(self):
            raw = self.path
            proxied = raw.startswith("http://") or raw.startswith("https://")
            if proxied:
                u = urllib.parse.urlsplit(raw)
                path, query = u.path, u.query
            else:
                path, _, query = raw.partition("?")
            rec = {"method": self.command, "path": path, "query": query, "proxied": proxied,
                   "headers": {k: v for k, v in self.headers.items()}}
            if not (path.startswith("/git/") and GITROOT):  # git http-backend reads its own body
                n = int(self.headers.get("Content-Length") or 0)
                rec["body"] = (self.rfile.read(n) if n else b"").decode("utf-8", "replace")
            with LOCK:
                with open(os.path.join(STATE, "requests.log"), "a") as f:
                    f.write(json.dumps(rec) + "\n")
            if path.startswith("/git/") and GITROOT:
                return self.git_cgi(path[4:], query)
            try:
                with open(os.path.join(STATE, "routes.json")) as f:
                    routes = json.load(f)
            except Exception:
                routes = {}
            rules = routes.get(path)
            if rules is None:
                return self.send_simple(404, b"not found\n", {})
            if isinstance(rules, dict):
                rules = [rules]
            rule = None
            with LOCK:
                for i, r in enumerate(rules):
                    key = (path, i)
                    t = r.get("times")
                    if t is None or USED.get(key, 0) < t:
                        USED[key] = USED.get(key, 0) + 1
                        rule = r
                        break
            if rule is None:
                return self.send_simple(404, b"no rule left\n", {})
            if rule.get("delay"):
                time.sleep(rule["delay"])
            headers = dict(rule.get("headers", {}))
            if "redirect" in rule:
                headers["Location"] = rule["redirect"]
                return self.send_simple(rule.get("status", 302), b"", headers)
            etag = rule.get("etag")
            if etag:
                headers["ETag"] = etag
                if self.headers.get("If-None-Match") == etag:
                    return self.send_simple(304, None, headers)
            if "body_file" in rule:
                with open(rule["body_file"], "rb") as f:
                    body = f.read()
            else:
                body = rule.get("body", "").encode()
            status = rule.get("status", 200)
            if "truncate" in rule or "stall" in rule:
                n = rule.get("truncate", rule.get("stall_after", 0))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[:n])
                self.wfile.flush()
                if "stall" in rule:
                    time.sleep(rule["stall"])
                if rule.get("reset"):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                self.close_connection = True
                return
            self.send_simple(status, body, headers)

        def send_simple(self, status, body, headers):
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if body is not None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def git_cgi(self, path, query):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_PROJECT_ROOT": GITROOT,
                   "GIT_HTTP_EXPORT_ALL": "1", "GATEWAY_INTERFACE": "CGI/1.1",
                   "REQUEST_METHOD": self.command, "PATH_INFO": urllib.parse.unquote(path),
                   "QUERY_STRING": query, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                   "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1", "REMOTE_USER": "anonymous",
                   "SERVER_PROTOCOL": "HTTP/1.1"}
            for h in ("Git-Protocol", "Content-Encoding", "Accept"):
                if self.headers.get(h):
                    env["HTTP_" + h.upper().replace("-", "_")] = self.headers[h]
            p = subprocess.run(["git", "http-backend"], input=body, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout
            sep, sl = out.find(b"\r\n\r\n"), 4
            if sep < 0:
                sep, sl = out.find(b"\n\n"), 2
            if sep < 0:
                return self.send_simple(500, b"bad CGI output: " + p.stderr, {})
            head, payload = out[:sep].decode("latin-1"), out[sep + sl:]
            status, headers = 200, {}
            for line in head.splitlines():
                k, _, v = line.partition(":")
                if k.lower() == "status":
                    status = int(v.strip().split()[0])
                elif k.lower() != "content-length":
                    headers[k.strip()] = v.strip()
            self.send_simple(status, payload, headers)

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        def handle_error(self, request, client_address): pass

    srv = S(("127.0.0.1", 0), H)
    if CERT:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(CERT, KEY)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(os.path.join(STATE, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(STATE, "port.tmp"), os.path.join(STATE, "port"))
    def watchdog():
        # Exit when the parent (the test process) is gone.
        while True:
            time.sleep(1)
            if os.getppid() == 1:
                os._exit(0)
    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever()
    """#
