/**
 * The stub's schema, one entry per version (see openDatabase). Times are stub-clock epoch
 * milliseconds; they are formatted as API times only at the HTTP boundary.
 */
export const STUB_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tier             TEXT    NOT NULL,
    duration_months  INTEGER NOT NULL,
    credit_usd       INTEGER NOT NULL,
    amount_cents     INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    session_id       TEXT    NOT NULL UNIQUE,
    language         TEXT,
    external_id      TEXT,
    success_url      TEXT    NOT NULL,
    cancel_url       TEXT    NOT NULL,
    webhook_url      TEXT,
    renews_order_id  INTEGER REFERENCES orders(id),
    deploy_will_fail INTEGER NOT NULL DEFAULT 0,
    panel_url        TEXT,
    expires_at       INTEGER,
    created_at       INTEGER NOT NULL,
    paid_at          INTEGER
  );
  CREATE INDEX orders_status ON orders(status, id);

  CREATE TABLE revenue_events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders(id),
    kind              TEXT    NOT NULL,
    gross_cents       INTEGER NOT NULL,
    partner_cut_cents INTEGER NOT NULL,
    mintbot_cut_cents INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    payout_id         TEXT,
    payout_at         INTEGER
  );

  CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    url             TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'exhausted')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER,
    created_at      INTEGER NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);

  CREATE TABLE idempotency_keys (
    key         TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at);

  CREATE TABLE dns_records (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    destination TEXT NOT NULL
  );
  CREATE INDEX dns_records_name ON dns_records(name, id);
  -- zone.ee-looking ids: the first record gets 9182734.
  INSERT INTO sqlite_sequence (name, seq) VALUES ('dns_records', 9182733);
  `,
  // Due-work lookups (checkout expiry, deploy end, agent expiry) run after every event and the
  // slot count on every create: without these they scanned the orders table, so each create got
  // slower as the table grew.
  `
  CREATE INDEX orders_slots ON orders(status, renews_order_id);
  CREATE INDEX orders_awaiting_since ON orders(status, created_at);
  CREATE INDEX orders_paid_at ON orders(status, paid_at);
  CREATE INDEX orders_expires_at ON orders(status, expires_at);
  `,
  // Beyond the spec (what partners' code already calls): branded checkout fields on orders, and
  // monthly subscriptions. An order that belongs to a subscription (its first payment, or a monthly
  // renewal) points at it; orders_view adds the subscription's status for presenting orders.
  `
  ALTER TABLE orders ADD COLUMN product_name TEXT;
  ALTER TABLE orders ADD COLUMN customer_email TEXT;

  CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tier           TEXT    NOT NULL,
    amount_cents   INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'cancelled', 'payment_failed', 'expired')),
    order_id       INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    customer_email TEXT,
    product_name   TEXT,
    language       TEXT,
    external_id    TEXT,
    fails_later    INTEGER NOT NULL DEFAULT 0,
    renewals       INTEGER NOT NULL DEFAULT 0,
    cancelled_at   INTEGER,
    created_at     INTEGER NOT NULL
  );
  CREATE INDEX subscriptions_status ON subscriptions(status);

  ALTER TABLE orders ADD COLUMN subscription_id INTEGER REFERENCES subscriptions(id);
  CREATE INDEX orders_subscription ON orders(subscription_id);

  CREATE VIEW orders_view AS
    SELECT orders.*, subscriptions.status AS subscription_status
    FROM orders LEFT JOIN subscriptions ON subscriptions.id = orders.subscription_id;
  `,
  // Issue 13: each delivery attempt kept for the dashboard; the rotated API key and armed faults
  // survive a restart like everything else (they lived in memory and came back wrong).
  `
  CREATE TABLE delivery_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    attempted_at INTEGER NOT NULL,
    status       INTEGER,
    latency_ms   INTEGER NOT NULL,
    error        TEXT,
    signature    TEXT    NOT NULL
  );
  CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, id);

  CREATE TABLE faults (
    kind      TEXT    PRIMARY KEY,
    remaining INTEGER NOT NULL CHECK (remaining >= 0)
  );

  CREATE TABLE api_key (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    key               TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    configured_digest TEXT    NOT NULL
  );
  `,
];
