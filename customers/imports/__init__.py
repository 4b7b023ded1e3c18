"""CSV import of customers, orders and shipments (the import_commerce command)."""
