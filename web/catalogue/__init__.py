"""The catalogue over HTTP: products, entrepreneurs, categories, locations, CSV import and
export."""
