"""Benchmarks: not tests. Each writes its figures to bench/results/<name>.json; running the
package renders docs/performance.md from every result file."""
