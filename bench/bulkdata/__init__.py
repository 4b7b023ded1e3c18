"""Large generated data for the benchmarks: plans, rows and the COPY loader."""
