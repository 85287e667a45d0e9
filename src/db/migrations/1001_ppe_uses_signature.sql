-- 1001_ppe_uses_signature.sql — what the issue ledger gained after its first review:
--
-- A signature on the store keeper's tablet (签字) as the receipt of an issue, beside the
-- holder's own confirmation on the phone: the PNG lives in `blobs` (content-addressed by its
-- SHA-256) and the holding points at it.
ALTER TABLE ppe_holdings ADD COLUMN signature_sha TEXT;

-- Permits whose closing has been counted as one use of each counted-in-uses item their
-- workers (and guardian) had to wear: the job records each permit once.
CREATE TABLE ppe_permit_uses (
  permit_id INTEGER PRIMARY KEY REFERENCES permits(id),
  at BIGINT NOT NULL
);
