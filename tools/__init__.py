"""Tools around the product, not collected by pytest: the benchmark (`make bench`), the evaluation
(`make eval`), the safety report through the running bot (`make safety-report`) and the NLU report."""
