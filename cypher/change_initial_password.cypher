// Replace a fresh local server's initial password (run against the `system` database).
ALTER CURRENT USER SET PASSWORD FROM $old TO $new
