"""Use cases the pages and the command line share: each takes one database handle (a unit of work), never a path."""
