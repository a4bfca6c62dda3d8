// Benchmark calibration: the constraint the calibration nodes are created under.
CREATE CONSTRAINT calibration_id IF NOT EXISTS FOR (n:Calibration) REQUIRE n.id IS UNIQUE
