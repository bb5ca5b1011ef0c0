"""Stock over HTTP: levels, movements, goods received, counts, transfers and labels."""
