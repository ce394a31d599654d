"""Marquee on a Redis Cluster of its own (three primaries, a replica each): a primary killed under
load is replaced by its replica; requests for its slots get 503 for a few seconds at most, none
fails any other way, the client finds the new primary by itself, and the seat state it lost heals
from PostgreSQL."""

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ApiHelpers, BookingSteps, Server, die_with_parent, wait_for

NODE_TIMEOUT_MS = 1000
# What the issue allows: 503s for the failed primary's slots for no more than this long.
MAX_OUTAGE_SECONDS = 5


def ports_free(ports):
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


class PrivateRedisCluster:
    """Six redis-server processes in a temporary directory, formed into a cluster with
    `redis-cli --cluster create`; each killed by its PID at the end."""

    def __init__(self):
        for _ in range(50):
            base = random.randrange(21000, 29000, 10)
            self.ports = list(range(base, base + 6))
            if ports_free(self.ports + [p + 10000 for p in self.ports]):
                break
        self.dir = tempfile.mkdtemp(prefix="marquee-cluster-")
        self.processes = {}
        for port in self.ports:
            node_dir = os.path.join(self.dir, str(port))
            os.mkdir(node_dir)
            self.processes[port] = subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", node_dir, "--save", "",
                 "--cluster-enabled", "yes", "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
                 "--cluster-config-file", "nodes.conf", "--logfile", os.path.join(node_dir, "redis.log")],
                preexec_fn=die_with_parent)
        for port in self.ports:
            self.wait(lambda: self.cli(port, "PING") == "PONG", f"node {port} did not start")
        subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                        "--cluster-replicas", "1", "--cluster-yes"], check=True, capture_output=True)
        for port in self.ports:
            self.wait(lambda: "cluster_state:ok" in self.cli(port, "CLUSTER", "INFO"), f"node {port} never saw the cluster ok")
        # A failover needs replicas that are attached and in sync.
        self.wait(lambda: sum(self.cli(p, "INFO", "replication").count("master_link_status:up") for p in self.ports) == 3,
                  "the replicas never came in sync")

    @staticmethod
    def wait(predicate, message, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if predicate():
                    return
            except (subprocess.CalledProcessError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(message)

    @staticmethod
    def cli(port, *args):
        return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=5,
                              check=True).stdout.strip()

    def url(self):
        return "redis-cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports[:3])

    def primary_of(self, key):
        """The port of the primary serving `key`'s slot, and the port of its replica (None if it has none)."""
        live = next(p for p in self.ports if self.processes[p].poll() is None)
        slot = int(self.cli(live, "CLUSTER", "KEYSLOT", key))
        nodes = [line.split() for line in self.cli(live, "CLUSTER", "NODES").splitlines()]
        for fields in nodes:
            if "master" in fields[2] and "fail" not in fields[2] and any(
                    int(r.split("-")[0]) <= slot <= int(r.split("-")[-1]) for r in fields[8:] if not r.startswith("[")):
                port = lambda node: int(node[1].split(":")[1].split("@")[0])
                replica = next((port(f) for f in nodes if f[3] == fields[0] and "fail" not in f[2]), None)
                return port(fields), replica
        raise RuntimeError(f"no primary serves {key}")

    def kill(self, port):
        self.processes[port].send_signal(signal.SIGKILL)
        self.processes[port].wait()

    def is_primary(self, port):
        return "role:master" in self.cli(port, "INFO", "replication")

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class FailoverTest(BookingSteps, ApiHelpers, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PrivateRedisCluster()
        cls.server = Server(redis_url=cls.cluster.url())
        cls.admin = cls.server.token("admin-cluster", admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.cluster.stop()

    def test_every_command_finds_its_node(self):
        # Shows land on all three primaries; each is booked through the node serving its slot.
        # (Shows are made until every primary has one: twelve random ones miss a primary 2% of the
        # time; sixty, never in practice.)
        owners, booked = set(), 0
        while (len(owners) < 3 or booked < 6) and booked < 60:
            booked += 1
            show = self.new_show()["showId"]
            owners.add(self.cluster.primary_of(f"show:{{{show}}}")[0])
            buyer = self.buyer()
            order = self.book(buyer, show, ["A1", "A2"])
            self.assertEqual(self.pay(buyer, order["orderId"]).status, 200)
            self.assertEqual(set(self.seat_map(show)["unavailableSeatIds"]), {"A1", "A2"})
        self.assertEqual(len(owners), 3, "sixty shows should have reached every primary")

    def test_a_primary_killed_under_load(self):
        show = self.new_show(rows=4, seats=10)["showId"]
        alice = self.buyer()
        paid = self.book(alice, show, ["A1", "A2"])
        self.assertEqual(self.pay(alice, paid["orderId"]).status, 200)
        primary, replica = self.cluster.primary_of(f"show:{{{show}}}")

        outcomes = []  # (time, status) of every hold attempted on the show
        stop = threading.Event()

        def customer():
            me = self.buyer()
            seats = ["B1", "B2", "C1", "C2", "D1", "D2"]
            while not stop.is_set():
                seat = random.choice(seats)
                response = self.hold(me, show, [seat])
                outcomes.append((time.time(), response.status))
                if response.status == 201:
                    self.call("DELETE", f"/api/v1/holds/{response.json['holdId']}", token=me)
                time.sleep(0.01)

        threads = [threading.Thread(target=customer) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(1)
            killed_at = time.time()
            self.cluster.kill(primary)
            # Health speaks for every shard, not just the one its clock reading goes to.
            self.assertTrue(wait_for(lambda: self.call("GET", "/api/health").json["redis"] == "down", timeout=5))
            PrivateRedisCluster.wait(lambda: self.cluster.is_primary(replica), "the replica was never promoted", timeout=20)
            promoted_at = time.time()
            # Holds succeed again once the client has found the new primary.
            PrivateRedisCluster.wait(lambda: outcomes and outcomes[-1][0] > promoted_at and outcomes[-1][1] == 201,
                                     "holds never succeeded after the failover", timeout=10)
            self.assertTrue(wait_for(lambda: self.call("GET", "/api/health").status == 200, timeout=5))
            time.sleep(1)
        finally:
            stop.set()
            for t in threads:
                t.join()

        statuses = {status for _, status in outcomes}
        self.assertLessEqual(statuses, {201, 409, 503}, f"unexpected statuses {statuses}")
        refused = [at for at, status in outcomes if status == 503]
        self.assertTrue(refused, "killing the primary should have cost some requests a 503")
        self.assertLessEqual(max(refused) - killed_at, MAX_OUTAGE_SECONDS,
                             f"503s went on for {max(refused) - killed_at:.1f} s after the kill")
        # The client refreshed its map on its own: the first hold after the promotion came soon after it.
        first_success = min(at for at, status in outcomes if status == 201 and at > promoted_at)
        self.assertLess(first_success - promoted_at, 2.0)
        print(f"\n  killed → promoted {promoted_at - killed_at:.2f} s, last 503 {max(refused) - killed_at:.2f} s after the kill, "
              f"first hold {first_success - promoted_at:.2f} s after the promotion; {len(refused)} 503s of {len(outcomes)}")
        # Whatever the promoted replica missed, the seats paid for before the kill are sold.
        self.assertTrue(wait_for(lambda: {"A1", "A2"} <= set(self.seat_map(show)["unavailableSeatIds"]), timeout=5))
