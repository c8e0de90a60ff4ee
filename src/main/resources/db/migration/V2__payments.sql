CREATE TABLE payments (
    id                  VARCHAR(36)              NOT NULL PRIMARY KEY,
    idempotency_key     VARCHAR(200)             NOT NULL,
    request_fingerprint VARCHAR(64)              NOT NULL,
    order_id            VARCHAR(200)             NOT NULL,
    user_id             BIGINT                   NOT NULL,
    amount_minor        BIGINT                   NOT NULL,
    currency            VARCHAR(3)               NOT NULL,
    state               VARCHAR(16)              NOT NULL,
    decline_reason      VARCHAR(64),
    last_sequence       INTEGER                  NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    version             BIGINT                   NOT NULL,
    CONSTRAINT payments_idempotency_key_uk UNIQUE (idempotency_key)
);
CREATE INDEX payments_order_idx ON payments (order_id);
CREATE INDEX payments_user_idx ON payments (user_id);

CREATE SEQUENCE payment_events_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE payment_events (
    id          BIGINT                   NOT NULL PRIMARY KEY,
    payment_id  VARCHAR(36)              NOT NULL REFERENCES payments (id),
    sequence    INTEGER                  NOT NULL,
    state       VARCHAR(16)              NOT NULL,
    reason      VARCHAR(64),
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payment_events_sequence_uk UNIQUE (payment_id, sequence)
);
