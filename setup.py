"""The one thing pyproject.toml cannot say: budgetlint's optional C loops (ingest/_pdfium_loops.c).

Optional: where no C compiler is found the build skips the extension and ingest/pdf.py reads the
same values through ctypes, only slower (docs/performance.md).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "budgetlint.ingest._pdfium_loops",
            ["src/budgetlint/ingest/_pdfium_loops.c"],
            optional=True,
        )
    ]
)
