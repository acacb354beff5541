"""Operations: Prometheus metrics (``metrics``) and one-JSON-object-per-line logs (``json_logs``)."""
