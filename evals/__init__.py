"""The eval suite: grades every part of a review and compares the chain with its baselines."""
