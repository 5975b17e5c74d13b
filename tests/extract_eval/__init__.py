"""The extractor's evaluation: articles written for it, their golden readings and the scorer
(`python -m tests.extract_eval.evaluate`, `make extract-eval`). A measurement, not a test suite:
nothing here is named test_*.py, so pytest never collects it."""
