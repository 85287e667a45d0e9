-- 0711_train_materials.sql — a course's materials (培训资料): PDF, pictures and video files.
-- The bytes are content-addressed blobs (0100_hazards.sql), so a file uploaded twice is
-- stored once and one database backup holds them; kind is what the uploader declared and
-- the bytes proved (a sniffed type, never the file name), mime the type it is served as.
-- The hazard scheduler's sweep of unreferenced blobs keeps every blob named here.
CREATE TABLE train_materials (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  title TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX train_materials_course ON train_materials(course_id, active);
CREATE INDEX train_materials_sha ON train_materials(sha256);
