#!/usr/bin/env python3
"""Runs the browser tests (tests/browser/*.test.mjs, Node's test runner driving Debian's Chromium
through playwright-core) against two development servers on the test database: one with the usual
hold time, one whose holds last 8 seconds (a hold expiring on screen). Screenshots go to
$SCREENSHOT_DIR (default /tmp/marquee-screenshots); UPDATE_SCREENSHOTS=1 puts them in
docs/screenshots/ instead, for the README."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from harness import Server  # noqa: E402  (after the path is set)


def development_server(hold_seconds):
    return Server(env={"MARQUEE_ENV": "development", "HOLD_TTL_SECONDS": str(hold_seconds),
                       "WEB_DIR": os.path.join(ROOT, "web"), "LOG_LEVEL": "warn"})


def main():
    screenshots = os.environ.get("SCREENSHOT_DIR", "/tmp/marquee-screenshots")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        screenshots = os.path.join(ROOT, "docs", "screenshots")
    os.makedirs(screenshots, exist_ok=True)
    servers = [development_server(300), development_server(8)]
    try:
        env = dict(os.environ, MARQUEE_URL=f"http://127.0.0.1:{servers[0].port}",
                   MARQUEE_SHORT_HOLD_URL=f"http://127.0.0.1:{servers[1].port}", SCREENSHOT_DIR=screenshots,
                   NODE_PATH=os.path.join(ROOT, "node_modules"))
        files = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".test.mjs"))
        if not files:
            print("no browser tests found", file=sys.stderr)
            return 1
        return subprocess.run(["node", "--test", "--test-concurrency=1", *files], env=env, cwd=ROOT).returncode
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
