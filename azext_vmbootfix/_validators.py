"""Argument validators: refuse bad input before any Azure call, with a recommendation."""
import os


def validate_diagnose(namespace):
    from azure.cli.core.azclierror import MutuallyExclusiveArgumentError, RequiredArgumentMissingError
    offline = bool(getattr(namespace, "screenshot_file", None))
    if getattr(namespace, "serial_log_file", None) and not offline:
        raise RequiredArgumentMissingError(
            "--serial-log-file goes with --screenshot-file (the offline diagnosis).",
            recommendation="az vm boot-fix diagnose --screenshot-file shot.bmp --serial-log-file serial.log")
    if offline:
        if getattr(namespace, "resource_group_name", None):
            raise MutuallyExclusiveArgumentError(
                "--screenshot-file diagnoses a downloaded screenshot offline; it takes no resource group.",
                recommendation="Drop -g/--ids, or drop --screenshot-file to read the VM from Azure.")
        return
    if not getattr(namespace, "resource_group_name", None) or not getattr(namespace, "vm_name", None):
        raise RequiredArgumentMissingError(
            "Name the VM with -g and -n (or --ids), or give --screenshot-file for an offline diagnosis.",
            recommendation="az vm boot-fix diagnose -g MyResourceGroup -n MyVm")


def read_local_file(path, option, binary=False):
    from azure.cli.core.azclierror import FileOperationError
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        raise FileOperationError("{} {}: no such file.".format(option, path),
                                 recommendation="Download it from the portal's Boot diagnostics blade or with "
                                                "az vm boot-diagnostics get-boot-log-uris.")
    with open(path, "rb" if binary else "r", **({} if binary else {"encoding": "utf-8", "errors": "replace"})) as fh:
        return fh.read()
