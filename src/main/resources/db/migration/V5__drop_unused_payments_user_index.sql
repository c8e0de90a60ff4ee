-- No query looks payments up by user (StreamPaymentUpdates filters the live updates in memory), and every
-- payment paid for this index on insert.
DROP INDEX payments_user_idx;
