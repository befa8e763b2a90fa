from setuptools import setup

# Everything else lives in pyproject.toml; cffi_modules is a setup() keyword only.
setup(cffi_modules=["micro/_build.py:ffibuilder"])
