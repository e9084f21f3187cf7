#!/usr/bin/env python3
"""Headless Chromium driven over the DevTools protocol: what the dashboard's browser test and ops/screenshot use.

  ops/browser.py            reads one JSON command a line on stdin, answers one JSON line each on stdout
  ops/browser.py --help

Commands (each answers {"ok": true, ...} or {"ok": false, "error": "..."}):
  {"cmd": "open", "url": U, "width": 1440, "height": 900, "mobile": false, "scale": 1}   load U, wait for its load event
  {"cmd": "wait", "js": EXPR, "timeout": 20}   poll EXPR (awaited if a promise) until it is truthy; answers its value
  {"cmd": "eval", "js": EXPR}                  EXPR's value (JSON)
  {"cmd": "screenshot", "path": P, "full": true}   a PNG of the page (all of it with full)
  {"cmd": "problems"}                          console errors and uncaught exceptions seen so far
  {"cmd": "close"}

Needs Debian's chromium and the websocket-client package (ops/install puts both in place; run it with
.tools/venv/bin/python). Chromium runs with a throwaway profile and is killed when this ends.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import websocket  # websocket-client
except ImportError:
    sys.exit("ops/browser.py: the websocket-client package is missing: run ops/install, then use .tools/venv/bin/python")


class Browser:
    def __init__(self, binary=None):
        binary = binary or os.environ.get("TURNSTILE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise SystemExit("ops/browser.py: no chromium found: run ops/install (it installs Debian's chromium)")
        self.profile = tempfile.mkdtemp(prefix="turnstile-chromium-")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
             "--remote-allow-origins=*", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        endpoint = None
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stderr.readline()
            if not line:
                if self.process.poll() is not None:
                    break
                continue
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                endpoint = m.group(1)
                break
        if not endpoint:
            self.close()
            raise RuntimeError("chromium did not start (no DevTools endpoint within 30 s)")
        # Keep reading Chromium's stderr so it never blocks on a full pipe.
        import threading
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()
        self.ws = websocket.create_connection(endpoint, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.problems = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(domain, session=True)

    def call(self, method, params=None, session=False, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.observe(reply)
        raise TimeoutError(f"{method}: no answer in {timeout} s")

    def observe(self, event):
        method = event.get("method")
        params = event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.problems.append("exception: " + (details.get("exception", {}).get("description") or details.get("text", "?")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.problems.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.problems.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Page.loadEventFired":
            self.loaded = True

    def pump(self, seconds):
        """Reads events for up to `seconds` (the page runs meanwhile either way)."""
        self.ws.settimeout(seconds)
        try:
            self.observe(json.loads(self.ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.ws.settimeout(60)

    def open(self, url, width=1440, height=900, mobile=False, scale=1):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}, session=True)
        self.loaded = False
        # A hash-only change of the same page is not a load: go through about:blank.
        self.call("Page.navigate", {"url": "about:blank"}, session=True)
        self.loaded = False
        result = self.call("Page.navigate", {"url": url}, session=True)
        if result.get("errorText"):
            raise RuntimeError(f"cannot load {url}: {result['errorText']}")
        deadline = time.time() + 30
        while not self.loaded and time.time() < deadline:
            self.pump(0.5)
        if not self.loaded:
            raise TimeoutError(f"{url}: no load event in 30 s")
        return {}

    def evaluate(self, js):
        result = self.call("Runtime.evaluate", {"expression": js, "returnByValue": True, "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise RuntimeError("evaluation failed: " + (d.get("exception", {}).get("description") or d.get("text", "?")))
        return result.get("result", {}).get("value")

    def wait(self, js, timeout=20):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                last = self.evaluate(js)
                if last:
                    return {"value": last}
            except RuntimeError as e:
                last = str(e)
            self.pump(0.2)
        raise TimeoutError(f"not true within {timeout} s: {js} (last: {json.dumps(last)[:300]})")

    def screenshot(self, path, full=True):
        clip = None
        if full:
            size = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        params = {"format": "png", "captureBeyondViewport": bool(full)}
        if clip:
            params["clip"] = clip
        data = self.call("Page.captureScreenshot", params, session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return {"path": path}

    def close(self):
        try:
            self.process.kill()
            self.process.wait(timeout=10)
        except Exception:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    if len(sys.argv) > 1:
        print(__doc__.strip())
        return 0 if sys.argv[1] in ("-h", "--help") else 2
    browser = Browser()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                command = json.loads(line)
                cmd = command.pop("cmd")
                if cmd == "close":
                    print(json.dumps({"ok": True}), flush=True)
                    break
                if cmd == "open":
                    answer = browser.open(**command)
                elif cmd == "wait":
                    answer = browser.wait(command["js"], command.get("timeout", 20))
                elif cmd == "eval":
                    answer = {"value": browser.evaluate(command["js"])}
                elif cmd == "screenshot":
                    answer = browser.screenshot(command["path"], command.get("full", True))
                elif cmd == "problems":
                    answer = {"value": browser.problems}
                else:
                    raise ValueError(f"unknown command {cmd!r} (see --help)")
                print(json.dumps({"ok": True, **answer}), flush=True)
            except Exception as e:  # one command failing is an answer, not the end of the session
                print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}), flush=True)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
