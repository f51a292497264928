#!/usr/bin/env python3
"""A Brand Partner API client written only from the spec (stdlib only).

It creates an order, pays it on the checkout page, and waits for order.paid,
agent.provisioning_started and agent.ready on its own webhook receiver, checking each
delivery with the spec's verify() recipe, copied as published.

    python3 examples/spec_client.py --base http://127.0.0.1:8001 --key mo_test_… --secret whsec_…

The pay step is the local stub's fake checkout (POST <checkout_url>/pay); against the real
API a person pays on Stripe instead.
"""
import argparse, hashlib, hmac, json, queue, sys, threading, time, uuid
import urllib.error, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer


# --- from the spec, "Verifying the signature" -------------------------------------------
def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    try:
        ts_part, v1_part = header.split(",", 1)
        ts  = int(ts_part.split("=", 1)[1])
        sig = v1_part.split("=", 1)[1]
    except Exception:
        return False
    if abs(int(time.time()) - ts) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(),
        f"{ts}.".encode() + body,
        hashlib.sha256,
    ).hexdigest()
    return hmac.compare_digest(expected, sig)
# -----------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="API base URL, before /api/v1")
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--timeout", type=float, default=20)
    args = p.parse_args()

    events: "queue.Queue[tuple[str, str, bool, dict]]" = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = verify(args.secret, body, self.headers.get("X-Mintbot-Signature", ""))
            events.put((self.headers.get("X-Mintbot-Event-Type", ""), self.headers.get("X-Mintbot-Event-Id", ""), ok, json.loads(body)))
            self.send_response(200 if ok else 401)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_port}/mintbot-webhook"

    req = urllib.request.Request(
        f"{args.base}/api/v1/orders",
        method="POST",
        headers={
            "Authorization": f"Bearer {args.key}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
        data=json.dumps({
            "tier": "s1", "duration_months": 1, "credit_usd": 10,
            "success_url": "https://your.app/thanks?id={ORDER_ID}",
            "cancel_url": "https://your.app/cart",
            "webhook_url": hook,
        }).encode(),
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 201, r.status
        order = json.load(r)
    print(f"created order {order['id']}: {order['status']}, {order['amount_cents']} {order['currency']}")

    pay = urllib.request.Request(
        order["checkout_url"] + "/pay", method="POST",
        data=urllib.parse.urlencode({"card_number": "4242 4242 4242 4242"}).encode(),
    )
    try:
        urllib.request.build_opener(NoRedirect).open(pay, timeout=10)
        print("pay: expected a redirect to success_url"); return 1
    except urllib.error.HTTPError as e:
        if e.code != 303:
            print(f"pay: HTTP {e.code}"); return 1
        print(f"paid; redirected to {e.headers['Location']}")

    wanted = ["order.paid", "agent.provisioning_started", "agent.ready"]
    seen: dict[str, bool] = {}
    deadline = time.time() + args.timeout
    while not all(t in seen for t in wanted) and time.time() < deadline:
        try:
            etype, eid, ok, payload = events.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if payload.get("id") != order["id"]:
            continue
        seen[etype] = ok
        print(f"webhook {etype} ({eid}): signature {'verified' if ok else 'INVALID'}"
              + (f", panel {payload.get('panel_url')}" if etype == "agent.ready" else ""))
    server.shutdown()
    missing = [t for t in wanted if t not in seen]
    if missing or not all(seen[t] for t in wanted):
        print(f"FAILED: missing {missing}, verified {seen}")
        return 1
    print("OK: all three events arrived and verified with the spec's recipe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
