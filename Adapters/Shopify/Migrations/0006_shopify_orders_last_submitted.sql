-- Shopify sends the same order state more than once under different webhook ids (orders/create and orders/updated
-- for one change, or a fact resent as a new event). updated_at alone cannot tell those from two real changes in
-- the same second, so the adapter keeps a hash of the request it last submitted and skips an equal one.
ALTER TABLE shopify_orders ADD COLUMN last_submitted_sha256 bytea NULL;
