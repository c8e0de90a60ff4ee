CREATE SEQUENCE notifications_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE notifications (
    id              BIGINT                   NOT NULL PRIMARY KEY,
    idempotency_key VARCHAR(200)             NOT NULL,
    user_id         BIGINT                   NOT NULL,
    kind            VARCHAR(64)              NOT NULL,
    subject         VARCHAR(200)             NOT NULL,
    body            VARCHAR(2000)            NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT notifications_idempotency_key_uk UNIQUE (idempotency_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
