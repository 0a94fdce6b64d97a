"""Know our accuracy: generate budgets, plant labelled errors and artefacts, measure budgetlint.

``generate`` (ground truth) → ``compose`` (a template's layout) → ``mutate`` (labelled errors,
unlabelled artefacts) → ``render`` (a file in one format) → ``evaluate`` (run the pipeline,
match findings to labels, report recall / precision / false alarms / key figures). See
docs/accuracy.md.
"""
