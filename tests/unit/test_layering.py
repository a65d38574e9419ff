"""The layering of the repository, as import-linter contracts (.importlinter at the root): core imports no
provider, providers never import each other, no import cycle in fakeazure, fakeazure and the extension never
import each other. The second test shows the checker sees a broken contract (so the first cannot pass by a
checker that reads nothing)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINT = os.path.join(os.path.dirname(sys.executable), "lint-imports")


def lint(*args):
    return subprocess.run([LINT, "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_layering_contract_is_kept():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_a_contract_the_code_breaks_is_reported(tmp_path):
    config = tmp_path / "broken.ini"
    config.write_text("[importlinter]\nroot_package = fakeazure\n\n"
                      "[importlinter:contract:x]\nname = compute may not use core\ntype = forbidden\n"
                      "source_modules =\n    fakeazure.compute\nforbidden_modules =\n    fakeazure.core\n")
    result = lint("--config", str(config))
    assert result.returncode == 1
    assert "compute may not use core BROKEN" in result.stdout
    assert "fakeazure.compute.models.base -> fakeazure.core" in result.stdout
