"""Test harness: starts a real `marquee serve` against the private PostgreSQL and Redis that
./test.sh runs, and talks to it over HTTP. Standard library only."""

import ctypes
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

import openapi_check

# Every response is checked against docs/openapi.yaml (openapi_check.py); MARQUEE_TEST_CONTRACT=0 turns
# that off, e.g. while the document is being changed.
CHECK_CONTRACT = os.environ.get("MARQUEE_TEST_CONTRACT", "1") != "0"
MARQUEE_BIN = os.environ.get("MARQUEE_BIN", os.path.join(os.path.dirname(__file__), "../../build/marquee"))
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://marquee@127.0.0.1:5433/marquee_test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6380/1")
# ./test.sh runs the Redis-facing tests a second time on a Redis Cluster (CTest sets MARQUEE_TEST_ON_CLUSTER).
if os.environ.get("MARQUEE_TEST_ON_CLUSTER") == "1":
    REDIS_URL = os.environ["MARQUEE_TEST_REDIS_CLUSTER_URL"]
ON_CLUSTER = REDIS_URL.startswith("redis-cluster://")
# … and through nginx in front of two instances (CTest sets MARQUEE_TEST_THROUGH_GATEWAY with it).
THROUGH_GATEWAY = os.environ.get("MARQUEE_TEST_THROUGH_GATEWAY") == "1"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
# A streaming replica of the test database, which ./test.sh runs (DATABASE_READ_URL's tests).
DATABASE_READ_URL = os.environ.get("MARQUEE_TEST_DATABASE_READ_URL", "postgresql://marquee@127.0.0.1:5434/marquee_test")
JWT_SECRET = "integration-test-secret-of-32-bytes-or-more"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listen(port=0):
    """A listening socket on 127.0.0.1 (port 0: any free port)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    return listener


def close_listener(listener):
    # shutdown() first: on Linux, close() alone does not wake a thread blocked in accept(), and that
    # listener would go on accepting.
    try:
        listener.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    listener.close()


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:10]}"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"



def die_with_parent():
    """Run in a child before exec: it gets SIGKILL when the test process dies, however that happens.
    A server left behind by an interrupted run would keep running its jobs against the test
    database and deliver other runs' events into its own sink."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

class HttpClient:
    """JSON over HTTP/1.1 to 127.0.0.1:port, one connection per request."""

    def __init__(self, port):
        self.port = port
        self.contract = CHECK_CONTRACT  # whether responses are checked against docs/openapi.yaml

    def request(self, method, path, body=None, token=None, headers=None, raw=None, content_type="application/json",
                timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            payload = raw
            if body is not None:
                payload = json.dumps(body).encode()
            if payload is not None and content_type:
                hdrs.setdefault("Content-Type", content_type)
            if token:
                hdrs["Authorization"] = f"Bearer {token}"
            conn.request(method, path, body=payload, headers=hdrs)
            r = conn.getresponse()
            data = r.read().decode()
            response = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
            if self.contract:
                problem = openapi_check.contract().problem(method, path, response.status,
                                                           response.header("content-type"), data)
                if problem:
                    raise AssertionError(f"response outside docs/openapi.yaml: {problem}")
            return response
        finally:
            conn.close()


class Server(HttpClient):
    """One marquee process on a free port (or `port`); stopped by stop() (SIGTERM, then SIGKILL)."""

    def __init__(self, env=None, args=("serve",), database_url=DATABASE_URL, redis_url=REDIS_URL, wait=True, port=None):
        super().__init__(port or free_port())
        self.env = dict(os.environ)
        self.env.update({
            "PORT": str(self.port),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "JWT_SECRET": JWT_SECRET,
            # As in production, whatever the shell running the tests says (a test that wants
            # development mode asks for it).
            "MARQUEE_ENV": "production",
            "THREADS": "2",
            "RATE_LIMIT_PER_MINUTE": "0",
            "LOG_LEVEL": "warn",
        })
        self.env.update(env or {})
        self.log_path = f"/tmp/marquee-test-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([MARQUEE_BIN, *args], env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=die_with_parent)
        if "serve" in args and wait:
            self.wait_ready()

    def wait_ready(self, timeout=20, healthy=True):
        """Waits until /api/health says 200 (or, with healthy=False, answers at all)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"marquee exited with {self.process.returncode}; see {self.log_path}")
            try:
                if self.request("GET", "/api/health").status == 200 or not healthy:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"marquee did not answer /api/health; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def token(self, sub, admin=False, ttl=3600, **claims):
        args = [MARQUEE_BIN, "token", "--sub", sub, "--ttl", str(ttl)]
        if admin:
            args.append("--admin")
        for k, v in claims.items():
            args += [f"--{k}", v]
        return subprocess.run(args, env=self.env, check=True, capture_output=True, text=True).stdout.strip()


def is_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def consecutive_free_ports(n):
    """nginx's upstream is rendered from a first port and a count."""
    import random
    while True:
        first = random.randrange(20000, 30000)
        ports = list(range(first, first + n))
        if all(is_free(p) for p in ports):
            return ports


class Gateway(HttpClient):
    """nginx (deploy/nginx.conf.template) on free ports in front of instances on `instance_ports`,
    rendered and run by scripts/cluster.sh in a directory of its own."""

    def __init__(self, instance_ports, reads_per_second=100000, reads_burst=100000):
        super().__init__(free_port())
        self.tls_port = free_port()
        self.dir = tempfile.mkdtemp(prefix="marquee-gateway-")
        os.chmod(self.dir, 0o755)  # nginx runs as the unprivileged user
        self.env = {**os.environ, "CLUSTER_DIR": self.dir, "GATEWAY_PORT": str(self.port),
                    "GATEWAY_TLS_PORT": str(self.tls_port), "INSTANCES": str(len(instance_ports)),
                    "INSTANCE_BASE_PORT": str(instance_ports[0]), "PUBLIC_READS_PER_SECOND": str(reads_per_second),
                    "PUBLIC_READS_BURST": str(reads_burst)}
        self.script("start_gateway")

    def script(self, function):
        subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; source "{ROOT}/scripts/cluster.sh"; {function}'],
                       env=self.env, check=True, capture_output=True, text=True)

    def access_log(self, containing=()):
        """The access log once it has every string of `containing` (nginx buffers it for up to a
        second), or as it is after 10 s."""
        def read():
            with open(os.path.join(self.dir, "nginx", "access.log")) as f:
                return f.read()
        wait_for(lambda: all(text in read() for text in containing), timeout=10)
        return read()

    def stop(self):
        self.script("stop_gateway")
        shutil.rmtree(self.dir, ignore_errors=True)


class Deployment(HttpClient):
    """Marquee as deployed: two instances (the first with the jobs) behind a Gateway, used as one
    server — requests go through nginx, tokens are made with the instances' secret."""

    def __init__(self, env=None, redis_url=REDIS_URL, jobs=True, **gateway_settings):
        ports = consecutive_free_ports(2)
        self.instances = [Server(env=env, port=p, redis_url=redis_url,
                                 args=("serve", "--no-jobs") if i or not jobs else ("serve",))
                          for i, p in enumerate(ports)]
        self.gateway = Gateway(ports, **gateway_settings)
        super().__init__(self.gateway.port)
        self.env = self.instances[0].env

    def token(self, *args, **kwargs):
        return self.instances[0].token(*args, **kwargs)

    def stop(self):
        self.gateway.stop()
        for s in self.instances:
            s.stop()


class Proxy:
    """A TCP relay in front of PostgreSQL or Redis that a test can cut (stop) and restore (start),
    to simulate an outage without touching the servers other tests use."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.listener = None
        self.conns = []
        self.lock = threading.Lock()
        self.relayed = 0  # bytes passed on, both ways
        self.held_back = b""  # what arrived while paused, both ways (the first 1 MB)
        self.flowing = threading.Event()  # cleared by pause(): bytes wait until resume()
        self.flowing.set()
        self.start()

    def start(self):
        self.listener = listen(self.port)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def pause(self):
        """Keeps connections open but holds every byte back: the server looks stuck, not gone."""
        self.flowing.clear()

    def resume(self):
        self.flowing.set()

    def stop(self):
        close_listener(self.listener)
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self.conns = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if not self.flowing.is_set() and len(self.held_back) < 1 << 20:
                    self.held_back += data
                self.flowing.wait()
                dst.sendall(data)
                self.relayed += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class ApiHelpers:
    """Calls, error checks and catalogue builders against `self.server`, with `self.admin`'s token:
    for any test class, whichever way it starts its servers."""

    def call(self, *args, **kwargs):
        return self.server.request(*args, **kwargs)

    def assertError(self, response, status, code, message_contains=None):
        self.assertEqual(response.status, status, response)
        self.assertIsNotNone(response.json, response)
        self.assertEqual(set(response.json.keys()), {"error"}, response)
        self.assertEqual(response.json["error"]["code"], code, response)
        self.assertIsInstance(response.json["error"]["message"], str)
        if message_contains:
            self.assertIn(message_contains, response.json["error"]["message"], response)

    # ---- catalogue builders (through the admin API) ------------------------------------------

    def create_movie(self, **overrides):
        body = {"title": unique("Movie"), "durationMins": 120, "releaseDate": "2024-01-01", "rating": 7.5,
                "genres": ["Drama"], "language": "English", "format": "2D",
                "cast": [{"name": "Lead Actor", "role": "Hero", "billingOrder": 1}],
                "crew": [{"name": "A Director", "role": "Director"}]}
        body.update(overrides)
        r = self.call("POST", "/api/v1/admin/movies", body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json

    def create_theatre(self, **overrides):
        body = {"name": unique("Theatre"), "address": "1 Main St", "city": "Testville",
                "geo": {"lat": 12.97, "lng": 77.59}, "timezone": "Asia/Kolkata", "cancellationAvailable": True}
        body.update(overrides)
        r = self.call("POST", "/api/v1/admin/theatres", body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json

    def create_screen(self, theatre_id, rows=3, seats=4, layout=None, **overrides):
        """A screen of `rows` rows A, B, … of `seats` seats, or with the rows of `layout` as given."""
        body = {"screenName": unique("Screen"), "screenType": "Standard",
                "rows": layout or [{"rowLabel": chr(65 + i), "seatNumbers": list(range(1, seats + 1)),
                                    "seatType": "REGULAR"} for i in range(rows)]}
        body.update(overrides)
        r = self.call("POST", f"/api/v1/admin/theatres/{theatre_id}/screens", body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json

    def new_show(self, rows=3, seats=4, days_ahead=30, price=280):
        """A fresh show on a fresh screen, so tests never share seats."""
        movie = self.create_movie()
        theatre = self.create_theatre()
        screen = self.create_screen(theatre["theatreId"], rows=rows, seats=seats)
        day = (datetime.date.today() + datetime.timedelta(days=days_ahead)).isoformat()
        return self.create_show(movie["movieId"], screen["screenId"], f"{day}T18:00:00+05:30", price=price)

    def create_show(self, movie_id, screen_id, start_time, price=280):
        r = self.call("POST", "/api/v1/admin/shows",
                      {"movieId": movie_id, "screenId": screen_id, "startTime": start_time, "price": price},
                      token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json


# A customer that passes every check of POST /api/v1/orders.
CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "+919876543210"}


class BookingSteps:
    """Hold → order → pay → cancel as a customer does, against `self.server` or the server given."""

    def buyer(self, server=None):
        return (server or self.server).token("buyer-" + uuid.uuid4().hex[:10])

    def hold(self, token, show_id, seats, server=None):
        return (server or self.server).request(
            "POST", "/api/v1/holds", {"showId": show_id, "seatIds": seats, "quantity": len(seats)}, token=token)

    def order(self, token, hold_id, customer=None, server=None):
        return (server or self.server).request("POST", "/api/v1/orders",
                                               {"holdId": hold_id, "customer": customer or CUSTOMER}, token=token)

    def pay(self, token, order_id, server=None):
        return (server or self.server).request("POST", f"/api/v1/orders/{order_id}/confirm-payment", token=token)

    def cancel(self, token, order_id, server=None):
        return (server or self.server).request("POST", f"/api/v1/orders/{order_id}/cancel", token=token)

    def seat_map(self, show_id, server=None):
        return (server or self.server).request("GET", f"/api/v1/shows/{show_id}/seatmap").json

    def book(self, token, show_id, seats, server=None):
        h = self.hold(token, show_id, seats, server=server)
        self.assertEqual(h.status, 201, h)
        o = self.order(token, h.json["holdId"], server=server)
        self.assertEqual(o.status, 201, o)
        return o.json


class ServerTestCase(ApiHelpers, unittest.TestCase):
    """A test class sharing one server; subclasses may set SERVER_ENV, and SERVER_JOBS = False for a
    server without the background jobs (no expiry sweeper racing what a test does by hand)."""

    SERVER_ENV = {}
    SERVER_JOBS = True

    @classmethod
    def setUpClass(cls):
        if THROUGH_GATEWAY:
            cls.server = Deployment(env=cls.SERVER_ENV, jobs=cls.SERVER_JOBS)
        else:
            cls.server = Server(env=cls.SERVER_ENV, args=("serve",) if cls.SERVER_JOBS else ("serve", "--no-jobs"))
        cls.admin = cls.server.token("admin-" + uuid.uuid4().hex[:8], admin=True)
        cls.user = cls.server.token("user-" + uuid.uuid4().hex[:8])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()


def wait_for(predicate, timeout=15):
    """Polls until predicate() is truthy (and returns its value) or the time is up (returns it once more)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


def read_events(path):
    """The events a file sink (NOTIFY_SINK=file:…) has written, whole lines only: the last one may be
    half written. [] before the file exists."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f.read().split("\n")[:-1] if line.strip()]


def metric_sample(text, name, **labels):
    """The value of one sample in a /metrics scrape (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-z_]+)(\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'([a-z_]+)="([^"]*)"', m.group(3) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return 0.0


def psql(sql):
    """Runs SQL against the test database (for set-ups the API rightly refuses, like a past show)."""
    return subprocess.run(["psql", DATABASE_URL, "-tAqc", sql], capture_output=True, text=True, check=True).stdout.strip()


def _redis(*argv):
    return subprocess.run(["redis-cli", *argv], capture_output=True, text=True, check=True).stdout.strip()


def _cluster_seed_port():
    return REDIS_URL.split("//", 1)[1].split(",")[0].rsplit(":", 1)[1].split("/")[0]


def cluster_primaries():
    """{port: [(first slot, last slot), …]} of the tests' Redis Cluster's live primaries."""
    primaries = {}
    for line in _redis("-p", _cluster_seed_port(), "CLUSTER", "NODES").splitlines():
        fields = line.split()
        if "master" in fields[2] and "fail" not in fields[2]:
            ranges = [tuple(map(int, r.split("-"))) if "-" in r else (int(r), int(r)) for r in fields[8:] if not r.startswith("[")]
            primaries[fields[1].split("@")[0].rsplit(":", 1)[1]] = ranges
    return primaries


def redis_server_of(key):
    """(port, db) of the Redis server holding `key`: on a cluster, the primary serving its slot."""
    if not ON_CLUSTER:
        return REDIS_URL.rsplit(":", 1)[1].split("/")[0], REDIS_URL.rsplit("/", 1)[1]
    slot = int(_redis("-p", _cluster_seed_port(), "CLUSTER", "KEYSLOT", key))
    for port, ranges in cluster_primaries().items():
        if any(first <= slot <= last for first, last in ranges):
            return port, "0"
    raise RuntimeError(f"no primary serves slot {slot}")


def redis_cli(*args):
    """A command on the tests' Redis database (or cluster: commands about the whole keyspace go to every primary)."""
    if not ON_CLUSTER:
        port, db = redis_server_of("")
        return _redis("-p", port, "-n", db, *args)
    if args[0].upper() not in ("FLUSHDB", "FLUSHALL", "SCRIPT", "CONFIG", "KEYS"):
        return _redis("-c", "-p", _cluster_seed_port(), *args)
    replies = [_redis("-p", port, *args) for port in cluster_primaries()]
    return "\n".join(r for r in replies if r) if args[0].upper() == "KEYS" else replies[0]


def in_parallel(calls):
    """Runs the callables at once (released together by a barrier) and returns their results in order."""
    import concurrent.futures
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


class SmtpSink:
    """A tiny SMTP server that keeps every message (enough of RFC 5321 for libcurl); it refuses
    the recipients in `rejected`, as a relay refuses an address it does not know."""

    def __init__(self, rejected=()):
        self.rejected = set(rejected)
        self.messages = []  # (recipients, data)
        self.listener = listen()
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        f = conn.makefile("rb")
        conn.sendall(b"220 sink ESMTP\r\n")
        recipients = []
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode(errors="replace").strip()
                verb = cmd.split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    conn.sendall(b"250 sink\r\n")
                elif verb == "MAIL":
                    recipients = []
                    conn.sendall(b"250 OK\r\n")
                elif verb == "RCPT":
                    recipient = cmd.split(":", 1)[1].strip().strip("<>")
                    if recipient in self.rejected:
                        conn.sendall(b"550 5.1.1 no such user here\r\n")
                        continue
                    recipients.append(recipient)
                    conn.sendall(b"250 OK\r\n")
                elif verb == "DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    data = b""
                    while True:
                        chunk = f.readline()
                        if chunk in (b".\r\n", b".\n", b""):
                            break
                        data += chunk
                    self.messages.append((recipients, data.decode(errors="replace")))
                    conn.sendall(b"250 queued\r\n")
                elif verb == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 OK\r\n")
        finally:
            conn.close()

    def close(self):
        close_listener(self.listener)
