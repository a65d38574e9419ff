"""Resource names as Azure's providers accept them (Learn: "Naming rules and restrictions for Azure
resources"): 1 to ``max_len`` characters, alphanumerics, underscores, periods and hyphens, beginning with an
alphanumeric and ending with an alphanumeric or an underscore (virtual machines 64, disks, snapshots, images,
network interfaces and public IP addresses 80)."""
import re

from . import errors

_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")


def check(name, max_len=80):
    """400 ``InvalidResourceName`` unless ``name`` is valid for its type."""
    if not name or len(name) > max_len or not _NAME.match(name):
        raise errors.InvalidResourceName(name, max_len)
    return name
