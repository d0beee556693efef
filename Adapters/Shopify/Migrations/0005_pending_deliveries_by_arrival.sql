-- Workers take the oldest due delivery (ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED). With only the
-- next_attempt_at index, every claim read and sorted the whole backlog (1.3-2 ms at 800 waiting, growing with it);
-- walking this index in arrival order stops at the first row it can lock (0.5 ms at the same backlog).
CREATE INDEX webhook_deliveries_pending_received_idx ON webhook_deliveries (received_at) WHERE status = 'received';
