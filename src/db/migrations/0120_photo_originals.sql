-- 0120_photo_originals.sql — the unmarked original of each watermarked hazard photo.
--
-- Evidence photos are stored with a band drawn on them (time, person, place, GPS fix:
-- hazard_watermark.c); that marked photo is what every page shows and what /photos/<sha>
-- serves. The same picture without the band is kept as its own content-addressed blob,
-- linked here, for the safety department only (hazard.photo_original), e.g. when the band
-- hides the part of the scene that matters. Originals have no thumbnail, so they can never
-- be attached to a hazard by their hash.
CREATE TABLE photo_originals (
  sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
  original_sha256 TEXT NOT NULL REFERENCES blobs(sha256)
);
