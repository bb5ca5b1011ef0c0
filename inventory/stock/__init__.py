"""Stock: levels changed only by appended movements, the documents that move it, and reads."""
