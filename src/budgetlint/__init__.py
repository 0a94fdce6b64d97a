"""budgetlint — reads Chinese budget and final-account disclosures and reports what is wrong."""

__version__ = "0.1.0"
