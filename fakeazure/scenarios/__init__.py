"""Scenarios are data: one YAML file each in this folder, loaded into a cloud by :func:`load`.

A file has ``name``, ``description`` (one line, shown by ``serve --help``) and lists of resources:
``resource_groups``, ``vms`` (each VM gets its OS disk, made from its ``guest`` spec, see
:mod:`fakeazure.guest`), and optionally ``disks``, ``snapshots``, ``images``, ``galleries``, ``faults``.
The loader (:mod:`.loader`, whose docstring documents the format) turns each entry into the backends' own
operations, the request bodies a client would send, so a scenario holds only what Azure could reach.
"""
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def _path(name_or_path):
    if os.path.sep in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        return name_or_path
    return os.path.join(HERE, name_or_path + ".yaml")


def read(name_or_path):
    path = _path(name_or_path)
    if not os.path.exists(path):
        raise ValueError("no scenario {!r}; known: {}".format(name_or_path,
                                                               ", ".join(s["name"] for s in catalog())))
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def catalog():
    out = []
    for fn in sorted(os.listdir(HERE)):
        if fn.endswith(".yaml"):
            with open(os.path.join(HERE, fn), encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
            out.append({"name": data["name"], "description": data.get("description", "")})
    return out


def load(cloud, name_or_path):
    """Create the scenario's resources in ``cloud``; return a summary (names and ids)."""
    from .loader import apply
    data = read(name_or_path)
    return apply(cloud, data)
