"""The pure core: session engine, activities, check-ins, roster; no I/O, no system clock."""
