#!/usr/bin/env python
"""vmbootfix: find and fix Windows VMs that cannot boot (Azure CLI extension)."""
from codecs import open

from setuptools import find_packages, setup

VERSION = "0.1.0"

CLASSIFIERS = [
    "Development Status :: 3 - Alpha",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "Programming Language :: Python",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
]

# The extension runs inside az: azure-cli brings the SDKs it needs (compute, network, resource), except
# Resource Graph (`scan`), which `az extension add` installs from here, and rapidfuzz, which matches the
# catalog's phrases in OCR text (bench/match_bench.py: it wins on speed at the same accuracy).
# OCR of boot screenshots is optional (pytesseract + Pillow + the tesseract binary and its language packs),
# loaded lazily.
DEPENDENCIES = ["azure-mgmt-resourcegraph>=8.0.1,<9", "rapidfuzz>=3.6"]

with open("README.md", "r", encoding="utf-8") as f:
    README = f.read()
with open("HISTORY.rst", "r", encoding="utf-8") as f:
    HISTORY = f.read()

setup(
    name="vmbootfix",
    version=VERSION,
    description="Diagnose and repair Windows VMs that cannot boot (stuck at OOBE after Sysprep, and siblings).",
    long_description=README + "\n\n" + HISTORY,
    long_description_content_type="text/markdown",
    license="MIT",
    author="vmbootfix developers",
    author_email="vmbootfix@example.invalid",
    url="https://example.invalid/vmbootfix",
    classifiers=CLASSIFIERS,
    packages=find_packages(include=["azext_vmbootfix", "azext_vmbootfix.*"]),
    install_requires=DEPENDENCIES,
    extras_require={"ocr": ["pytesseract>=0.3.10", "Pillow>=9"]},
    package_data={"azext_vmbootfix": ["azext_metadata.json", "catalog/*.json", "articles/*.md",
                                      "repair/scripts/*.ps1"]},
)
