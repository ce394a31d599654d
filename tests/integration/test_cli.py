"""The marquee executable's subcommands: migrate, seed-demo, token, jobs, --help, --version, and the
configuration serve refuses."""

import base64
import json
import os
import subprocess
import time
import unittest
import uuid

from harness import DATABASE_URL, MARQUEE_BIN, REDIS_URL, Server, die_with_parent

CLI_SECRET = "cli-secret-long-enough-for-production-use"
ENV = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "JWT_SECRET": CLI_SECRET}


def marquee(*args, env=None):
    return subprocess.run([MARQUEE_BIN, *args], env=env or ENV, capture_output=True, text=True, timeout=60)


def psql(sql):
    return subprocess.run(["psql", DATABASE_URL, "-tAc", sql], capture_output=True, text=True, check=True).stdout.strip()


class CliTest(unittest.TestCase):
    def test_help_and_version(self):
        r = marquee("--help")
        self.assertEqual(r.returncode, 0)
        for word in ("serve", "jobs", "migrate", "seed-demo", "token", "--no-jobs"):
            self.assertIn(word, r.stdout)
        r = marquee("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^marquee \d+\.\d+\.\d+\n$")
        self.assertEqual(marquee("frobnicate").returncode, 2)
        self.assertEqual(marquee().returncode, 2)

    def test_migrate_is_idempotent(self):
        first = marquee("migrate")
        self.assertEqual(first.returncode, 0, first.stderr)
        again = marquee("migrate")
        self.assertEqual(again.stdout.strip(), "migrations applied: 0")
        self.assertEqual(psql("SELECT count(*) > 0 FROM schema_migrations"), "t")

    def test_seed_demo_is_idempotent(self):
        r = marquee("seed-demo")
        self.assertEqual(r.returncode, 0, r.stderr)
        counts = "SELECT (SELECT count(*) FROM movies) || '/' || (SELECT count(*) FROM theatres) || '/' || " \
                 "(SELECT count(*) FROM screens) || '/' || (SELECT count(*) FROM seat_layouts) || '/' || " \
                 "(SELECT count(*) FROM shows) || '/' || (SELECT count(*) FROM movie_cast)"
        before = psql(counts)
        self.assertEqual(marquee("seed-demo").returncode, 0)
        self.assertEqual(psql(counts), before)
        # Realistic content: shows on each of the coming days, 240-seat screens, several cities.
        self.assertEqual(psql("SELECT count(DISTINCT city) >= 3 FROM theatres WHERE theatre_id::text LIKE '660e8400%'"), "t")
        self.assertEqual(psql("SELECT total_seats FROM screens WHERE screen_id = '770e8400-e29b-41d4-a716-446655440011'"),
                         "240")
        self.assertEqual(psql("SELECT count(DISTINCT (start_time AT TIME ZONE 'Asia/Kolkata')::date) >= 6 FROM shows "
                              "WHERE screen_id = '770e8400-e29b-41d4-a716-446655440011'"), "t")

    def test_token_prints_a_working_jwt(self):
        r = marquee("token", "--sub", "alice", "--admin", "--ttl", "120", "--email", "alice@example.com")
        self.assertEqual(r.returncode, 0, r.stderr)
        token = r.stdout.strip()
        header, payload, _ = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        self.assertEqual(claims["sub"], "alice")
        self.assertEqual(claims["roles"], ["admin"])
        self.assertEqual(claims["email"], "alice@example.com")
        self.assertAlmostEqual(claims["exp"] - claims["iat"], 120)
        self.assertEqual(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"], "HS256")
        self.assertEqual(marquee("token").returncode, 2)
        self.assertEqual(marquee("token", "--sub", "x", "--ttl", "soon").returncode, 2)

        # It works against a server that shares the secret, and is recorded as a user.
        server = Server(env={"JWT_SECRET": CLI_SECRET})
        try:
            sub = f"cli-user-{time.time_ns()}"
            tok = marquee("token", "--sub", sub, "--admin", "--name", "Cli User").stdout.strip()
            r = server.request("POST", "/api/v1/admin/theatres", {}, token=tok)
            self.assertEqual(r.status, 400)  # authenticated and authorised; the body is what is wrong
            self.assertEqual(psql(f"SELECT name FROM users WHERE user_id = '{sub}'"), "Cli User")
        finally:
            server.stop()

    def test_jobs_runs_until_sigterm(self):
        proc = subprocess.Popen([MARQUEE_BIN, "jobs"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)
        time.sleep(1)
        self.assertIsNone(proc.poll(), "jobs exited on its own")
        proc.terminate()
        self.assertEqual(proc.wait(10), 0)
        self.assertIn(b"background jobs", proc.stdout.read())

    def test_serve_refuses_a_missing_or_short_secret_in_production(self):
        base = {k: v for k, v in ENV.items() if k not in ("JWT_SECRET", "MARQUEE_ENV")}
        for env in (base, {**base, "JWT_SECRET": "x" * 31}, {**base, "MARQUEE_ENV": "production"}):
            r = subprocess.run([MARQUEE_BIN, "serve"], env={**env, "PORT": "1"}, capture_output=True, text=True,
                               timeout=10)
            self.assertEqual(r.returncode, 2, r)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)  # one clear line
            self.assertIn("JWT_SECRET", r.stderr)
            self.assertEqual(marquee("token", "--sub", "x", env=env).returncode, 2)
        # Development mode may use the built-in secret (with a warning); ./run.sh sets it.
        dev = Server(env={"JWT_SECRET": "", "MARQUEE_ENV": "development"})
        try:
            self.assertEqual(dev.request("GET", "/api/health").status, 200)
        finally:
            dev.stop()

    def test_redis_url_credentials_are_used(self):
        user, password = f"marquee-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        port, db = REDIS_URL.rsplit(":", 1)[1].split("/")
        subprocess.run(["redis-cli", "-p", port, "ACL", "SETUSER", user, "on", f">{password}", "~*", "&*", "+@all"],
                       check=True, capture_output=True)
        server = Server(redis_url=f"redis://{user}:{password}@127.0.0.1:{port}/{db}")
        try:
            self.assertEqual(server.request("GET", "/api/health").status, 200)
            clients = subprocess.run(["redis-cli", "-p", port, "CLIENT", "LIST"], capture_output=True, text=True,
                                     check=True).stdout
            self.assertIn(f"user={user}", clients)
        finally:
            server.stop()
            subprocess.run(["redis-cli", "-p", port, "ACL", "DELUSER", user], capture_output=True)

if __name__ == "__main__":
    unittest.main()
