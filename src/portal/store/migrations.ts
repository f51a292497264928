/**
 * The portal's schema, one entry per version (see openDatabase). Append; never edit a shipped one.
 * Times are integer milliseconds since the epoch (UTC).
 */
export const PORTAL_MIGRATIONS: readonly string[] = [
  /* 1: orders, webhook events, rejected deliveries, inquiries and their outbox, settings cache */ `
  CREATE TABLE orders (
    ref              TEXT PRIMARY KEY,          -- unguessable, URL-safe, shown to the customer
    api_order_id     INTEGER UNIQUE,            -- mintbot's id, once the API accepted the order
    idempotency_key  TEXT UNIQUE,               -- the form's hidden key: one order per form view
    renews_ref       TEXT REFERENCES orders(ref),
    tier             TEXT NOT NULL,
    duration_months  INTEGER NOT NULL,
    credit_usd       INTEGER NOT NULL DEFAULT 0,
    language         TEXT,
    amount_cents     INTEGER,
    currency         TEXT,
    status           TEXT NOT NULL,             -- see src/portal/orders/status.ts
    checkout_url     TEXT,
    panel_url        TEXT,
    expires_at       TEXT,
    paid_at          TEXT,
    error_step       TEXT,
    error_message    TEXT,
    last_event_ms    INTEGER,                   -- occurrence time of the last applied event
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
  );
  CREATE INDEX orders_created ON orders (created_at DESC);

  CREATE TABLE webhook_events (
    id            INTEGER PRIMARY KEY,          -- keyset pagination runs on this
    event_id      TEXT NOT NULL UNIQUE,         -- X-Mintbot-Event-Id: the dedupe key
    event_type    TEXT NOT NULL,
    api_order_id  INTEGER,
    external_id   TEXT,
    payload       TEXT NOT NULL,                -- the body exactly as received
    received_at   INTEGER NOT NULL
  );
  CREATE INDEX webhook_events_type ON webhook_events (event_type, id);
  CREATE INDEX webhook_events_order ON webhook_events (api_order_id, id);
  CREATE INDEX webhook_events_external ON webhook_events (external_id, id);

  CREATE TABLE rejected_deliveries (
    id            INTEGER PRIMARY KEY,
    reason        TEXT NOT NULL,
    event_id      TEXT,
    event_type    TEXT,
    body_excerpt  TEXT NOT NULL,
    received_at   INTEGER NOT NULL
  );

  CREATE TABLE inquiries (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    company     TEXT,
    website     TEXT,
    type        TEXT NOT NULL,
    message     TEXT NOT NULL,
    fast_track  INTEGER NOT NULL,
    client_ip   TEXT,
    created_at  INTEGER NOT NULL
  );
  CREATE INDEX inquiries_fast_track ON inquiries (fast_track, id);

  CREATE TABLE inquiry_outbox (
    inquiry_id       INTEGER PRIMARY KEY REFERENCES inquiries(id),
    state            TEXT NOT NULL DEFAULT 'pending',   -- pending | delivered | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    delivered_at     INTEGER
  );
  CREATE INDEX inquiry_outbox_due ON inquiry_outbox (state, next_attempt_at);

  CREATE TABLE kv (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  `,
  /* 2: per-client limits that hold across processes (buy/renew, admin sign-in), and who placed an order */ `
  CREATE TABLE rate_hits (
    bucket  TEXT NOT NULL,                      -- what is limited, for whom: 'buy:203.0.113.9'
    at      INTEGER NOT NULL
  );
  CREATE INDEX rate_hits_bucket ON rate_hits (bucket, at);

  ALTER TABLE orders ADD COLUMN client_key TEXT;  -- the address that placed it (open-order cap)
  CREATE INDEX orders_client ON orders (client_key, created_at);
  `,
  /* 3: an admin marks an inquiry handled (fast-track ones carry a 24-hour promise); failed orders by status */ `
  ALTER TABLE inquiries ADD COLUMN handled_at INTEGER;   -- NULL while open
  ALTER TABLE inquiries ADD COLUMN handled_by TEXT;      -- the admin's sign-in name
  CREATE INDEX inquiries_open ON inquiries (fast_track, id) WHERE handled_at IS NULL;
  -- the admin's "needs attention" view finds failed deploys without reading every order
  CREATE INDEX orders_status ON orders (status, updated_at);
  `,
  /* 4: monthly subscriptions (beyond the spec: POST /subscriptions) and the customer's email */ `
  ALTER TABLE orders ADD COLUMN customer_email TEXT;
  ALTER TABLE orders ADD COLUMN api_subscription_id INTEGER;  -- mintbot's subscription id
  -- pending | active | cancelled | payment_failed | expired; NULL for a one-off order
  ALTER TABLE orders ADD COLUMN subscription_status TEXT;
  CREATE UNIQUE INDEX orders_api_subscription ON orders (api_subscription_id) WHERE api_subscription_id IS NOT NULL;
  `,
  /* 5: the admin's "needs attention" view finds subscriptions whose payment failed without reading every order */ `
  CREATE INDEX orders_subscription_failed ON orders (updated_at) WHERE subscription_status = 'payment_failed';
  `,
  /* 6: outbox claims, so several senders on one database never send a row at once */ `
  ALTER TABLE inquiry_outbox ADD COLUMN lease_until INTEGER;  -- a sender holds the row until then
  `,
  /* 7: event totals kept by the database, so the admin events page never counts a large table */ `
  CREATE TABLE webhook_event_counts (
    event_type  TEXT NOT NULL,
    slot        INTEGER NOT NULL,  -- always 0 here (one writer); PostgreSQL spreads writers over slots
    n           INTEGER NOT NULL,
    PRIMARY KEY (event_type, slot)
  ) WITHOUT ROWID;
  INSERT INTO webhook_event_counts (event_type, slot, n) SELECT event_type, 0, count(*) FROM webhook_events GROUP BY event_type;
  CREATE TRIGGER webhook_events_counted AFTER INSERT ON webhook_events BEGIN
    INSERT INTO webhook_event_counts (event_type, slot, n) VALUES (NEW.event_type, 0, 1)
      ON CONFLICT (event_type, slot) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER webhook_events_uncounted AFTER DELETE ON webhook_events BEGIN
    UPDATE webhook_event_counts SET n = n - 1 WHERE event_type = OLD.event_type AND slot = 0;
  END;
  DELETE FROM kv WHERE key = 'admin_event_counts';  -- the admin pages' own count, kept here before
  `,
];
