"""Provider waiting times: data model, validation and CSV import, the HTTP service, the norms."""
