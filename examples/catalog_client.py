#!/usr/bin/env python3
"""A catalog-driven storefront client (stdlib only), making the calls the platform's reference
storefront (mintbot-ai/partner-portal-example) makes, beyond the published spec.

It reads GET /catalog, buys every package at its shortest duration with its default credit and a
branded product_name, pays each on the checkout page, subscribes to the featured subscribable
package (customer email, no duration, no credit) and pays that. With --renew it then moves the
stub's test clock past the paid month and checks that the subscription renewed.

    python3 examples/catalog_client.py --base http://127.0.0.1:8001 --key mo_test_… [--renew]

Exits non-zero on any 404, refused tier or other error. The pay and clock steps are the local
stub's (its fake checkout and POST /_stub/clock).
"""
import argparse, datetime, json, sys, uuid
import urllib.error, urllib.parse, urllib.request

SHOP = "https://acmeai.example.test"
BRAND = "AcmeAI"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str, key: str):
        self.base, self.key = base.rstrip("/"), key

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.key}", "User-Agent": "catalog-client-example/1.0"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
            if not path.startswith("/_stub"):
                headers["Idempotency-Key"] = str(uuid.uuid4())
        url = self.base + (path if path.startswith("/_stub") else "/api/v1" + path)
        req = urllib.request.Request(url, method=method, headers=headers, data=data)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            raise SystemExit(f"FAILED: {method} {path} answered {e.code}: {e.read().decode()[:300]}")


def pay(checkout_url: str) -> str:
    req = urllib.request.Request(checkout_url + "/pay", method="POST",
                                 data=urllib.parse.urlencode({"card_number": "4242 4242 4242 4242"}).encode())
    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=10)
    except urllib.error.HTTPError as e:
        if e.code == 303:
            return e.headers["Location"]
        raise SystemExit(f"FAILED: paying {checkout_url} answered {e.code}")
    raise SystemExit("FAILED: paying did not redirect to success_url")


def api_time(value: str) -> float:
    return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="API base URL, before /api/v1")
    p.add_argument("--key", required=True)
    p.add_argument("--renew", action="store_true", help="advance the stub clock and check one renewal")
    args = p.parse_args()
    api = Client(args.base, args.key)

    catalog = api.call("GET", "/catalog")
    print(f"catalog: {', '.join(pkg['tier'] for pkg in catalog['packages'])} in {catalog['currency']}")
    for pkg in catalog["packages"]:
        duration = min(pkg["durations"], key=lambda d: d["months"])
        order = api.call("POST", "/orders", {
            "tier": pkg["tier"], "duration_months": duration["months"], "credit_usd": pkg["default_credit_usd"],
            "language": "en",
            "success_url": f"{SHOP}/thank-you?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{SHOP}/cancel",
            "product_name": f"{BRAND} {pkg['display_name']} · {duration['label']}",
        })
        print(f"bought {pkg['tier']} for {duration['label']}: order {order['id']}, {order['amount_cents']} cents; paid → {pay(order['checkout_url'])}")

    subscribable = [pkg for pkg in catalog["packages"] if pkg["subscription"]["available"]]
    if not subscribable:
        print("no package can be subscribed")
        return 1
    pkg = next((p for p in subscribable if p["featured"]), subscribable[0])
    sub = api.call("POST", "/subscriptions", {
        "tier": pkg["tier"], "currency": catalog["currency"], "language": "en",
        "success_url": f"{SHOP}/thank-you?session_id={{CHECKOUT_SESSION_ID}}&kind=subscription",
        "cancel_url": f"{SHOP}/cancel?kind=subscription",
        "customer_email": "buyer@example.com",
        "product_name": f"{BRAND} {pkg['display_name']} · monthly",
    })
    if sub.get("status") != "pending" or not sub.get("checkout_url"):
        print(f"FAILED: unexpected subscription answer {sub}")
        return 1
    print(f"subscribed to {pkg['tier']}: subscription {sub['id']}, {sub['amount_cents']} cents a month; paid → {pay(sub['checkout_url'])}")

    if args.renew:
        clock = api.call("POST", "/_stub/clock", {"advance_seconds": 60})  # past the deploy
        sub = api.call("GET", f"/subscriptions/{sub['id']}")
        wait = int(api_time(sub["next_renewal_at"]) - api_time(clock["now"])) + 1
        api.call("POST", "/_stub/clock", {"advance_seconds": wait})
        renewed = api.call("GET", f"/subscriptions/{sub['id']}")
        print(f"after {wait} s on the stub clock: {renewed['status']}, {renewed['renewals']} renewal(s), next {renewed['next_renewal_at']}")
        if renewed["renewals"] != 1 or renewed["status"] != "active":
            print("FAILED: the subscription did not renew")
            return 1
    print("OK: every package bought and a subscription paid, with no 404 and no refused tier")
    return 0


if __name__ == "__main__":
    sys.exit(main())
