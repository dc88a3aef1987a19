"""environment.yml (conda) must agree with pyproject.toml (the one source of dependencies)."""

from __future__ import annotations

import re
import tomllib

import yaml

# conda-forge spells a few packages differently from PyPI.
CONDA_NAMES = {"duckdb": "python-duckdb"}
# PyPI extras that conda-forge ships as separate packages.
EXTRAS = {"dask[distributed]": ["dask", "distributed"], "psycopg[binary]": ["psycopg"]}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject_requirements(repo_root) -> dict[str, str]:
    meta = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in ("test", "lab"):
        reqs += meta["optional-dependencies"][extra]
    out: dict[str, str] = {}
    for req in reqs:
        name, spec = _split(req)
        for conda_name in EXTRAS.get(name, [name]):
            out[CONDA_NAMES.get(conda_name, conda_name)] = spec
    return out


def _conda_requirements(repo_root) -> dict[str, str]:
    """Conda packages plus the pip section (packages conda-forge does not carry)."""
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        deps = [dep] if isinstance(dep, str) else dep.get("pip", [])
        for item in deps:
            if item.startswith("-e"):
                continue
            name, spec = _split(item)
            if name not in ("python", "pip"):
                out[name] = spec
    return out


def test_environment_yml_lists_the_same_dependencies_and_bounds(repo_root):
    assert _conda_requirements(repo_root) == _pyproject_requirements(repo_root)


def test_environment_yml_installs_the_package_editable(repo_root):
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert pip_section[-1] == "-e ."
    assert "conda-forge" in env["channels"]


def test_python_lower_bound_agrees(repo_root):
    meta = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    assert meta["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]
