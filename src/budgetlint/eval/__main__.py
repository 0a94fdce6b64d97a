from budgetlint.eval.cli import main

main(prog_name="python -m budgetlint.eval")
