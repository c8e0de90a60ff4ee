-- A charge interrupted by a crash (the payment left PENDING or AUTHORIZED) is finished later by whoever takes it
-- over: that needs the card token, kept only until the payment is settled (then set to NULL), and a fast way to
-- find the unsettled payments whose last change is older than the lease.
ALTER TABLE payments ADD COLUMN card_token VARCHAR(200);
CREATE INDEX payments_unsettled_idx ON payments (state, updated_at);
