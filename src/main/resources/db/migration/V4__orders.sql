CREATE TABLE orders (
    id                  VARCHAR(36)              NOT NULL PRIMARY KEY,
    idempotency_key     VARCHAR(200)             NOT NULL,
    request_fingerprint VARCHAR(64)              NOT NULL,
    user_id             BIGINT                   NOT NULL,
    total_minor         BIGINT                   NOT NULL,
    currency            VARCHAR(3)               NOT NULL,
    status              VARCHAR(16)              NOT NULL,
    payment_id          VARCHAR(36),
    failure_reason      VARCHAR(64),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    version             BIGINT                   NOT NULL,
    CONSTRAINT orders_idempotency_key_uk UNIQUE (idempotency_key)
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at);

CREATE TABLE order_items (
    order_id         VARCHAR(36) NOT NULL REFERENCES orders (id),
    position         INTEGER     NOT NULL,
    sku              VARCHAR(64) NOT NULL,
    quantity         INTEGER     NOT NULL,
    unit_price_minor BIGINT      NOT NULL,
    PRIMARY KEY (order_id, position)
);

-- The transactional outbox: work for other services, written in the same transaction as the order change
-- that causes it, and delivered (with retries) until it succeeds.
CREATE SEQUENCE order_outbox_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE order_outbox (
    id              BIGINT                   NOT NULL PRIMARY KEY,
    order_id        VARCHAR(36)              NOT NULL REFERENCES orders (id),
    kind            VARCHAR(16)              NOT NULL,
    idempotency_key VARCHAR(200)             NOT NULL,
    payload         VARCHAR(4000),
    attempts        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error      VARCHAR(300),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    done_at         TIMESTAMP WITH TIME ZONE,
    CONSTRAINT order_outbox_key_uk UNIQUE (idempotency_key)
);
CREATE INDEX order_outbox_due_idx ON order_outbox (done_at, next_attempt_at);
