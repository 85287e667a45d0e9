-- 0110_photo_uploads.sql — who uploaded which photo, and when.
--
-- Photos are content-addressed blobs, and their SHA-256 appears in every page that shows
-- one (/photos/<sha>). A JSON report or action may name a photo by its hash instead of
-- sending it again; without this table anyone who had seen a hash could attach that photo
-- to a hazard of their own and so read it. A hash is now accepted only from someone who
-- uploaded those bytes, recently (hazard.c, hazard_photos_check). Two people who upload the
-- same bytes each get a row; a second upload by the same person renews the time.
CREATE TABLE photo_uploads (
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  user_id INTEGER NOT NULL REFERENCES users(id),
  uploaded_at BIGINT NOT NULL,
  PRIMARY KEY (sha256, user_id)
);
