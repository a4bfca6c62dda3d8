// Benchmark calibration: 10,000 bare nodes with a uniquely constrained id, from $start on.
UNWIND range($start, $start + 9999) AS i
CREATE (:Calibration {id: i})
