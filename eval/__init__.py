"""The eval suite (``assistant eval``): gold cases, metrics, the naive baseline, the report and the gate."""
