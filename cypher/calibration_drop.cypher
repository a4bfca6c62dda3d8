// Benchmark calibration: remove the calibration nodes, then their constraint.
MATCH (n:Calibration)
CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS;
DROP CONSTRAINT calibration_id IF EXISTS
