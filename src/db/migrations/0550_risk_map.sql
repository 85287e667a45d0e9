-- 0550_risk_map.sql — the four-colour map (四色分布图): a plant drawing per company unit and
-- each area drawn on it as a polygon.
--
-- The drawing is re-encoded as the hazard photos are (a metadata-free JPEG of at most 1600 px a
-- side) and kept in its own row, not in blobs: the hazard scheduler collects blobs no hazard
-- photo uses. Polygons are in the drawing's own pixel coordinates, so the map scales with the
-- picture and survives a change of screen. A new drawing replaces the old one of its unit and
-- keeps no polygons drawn on the old (they would no longer fit its picture).
CREATE TABLE risk_map_drawings (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL UNIQUE REFERENCES units(id),
  jpeg BLOB NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  uploaded_by INTEGER REFERENCES users(id),
  uploaded_at BIGINT NOT NULL
);

-- One polygon per area on its unit's drawing: points as "x,y x,y ..." (whole pixels, at
-- least three, inside the drawing), as SVG's points attribute takes them.
CREATE TABLE risk_map_areas (
  area_id INTEGER PRIMARY KEY REFERENCES areas(id),
  drawing_id INTEGER NOT NULL REFERENCES risk_map_drawings(id),
  points TEXT NOT NULL,
  updated_by INTEGER REFERENCES users(id),
  updated_at BIGINT NOT NULL
);
CREATE INDEX risk_map_areas_drawing ON risk_map_areas(drawing_id);
