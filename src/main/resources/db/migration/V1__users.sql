-- Users. Portable SQL: runs unchanged on H2 and PostgreSQL.
CREATE SEQUENCE users_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE users (
    id         BIGINT                   NOT NULL PRIMARY KEY,
    name       VARCHAR(100)             NOT NULL,
    email      VARCHAR(254)             NOT NULL,
    status     VARCHAR(16)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT                   NOT NULL,
    CONSTRAINT users_email_uk UNIQUE (email)
);
