"""Drawing helpers shared by the pages (no engine calculations here)."""
