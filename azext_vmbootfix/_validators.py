"""Argument validators: refuse bad input before any Azure call, with a recommendation."""
import os

IMAGE_MAGIC = ((b"BM", "BMP"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))


def validate_diagnose(namespace):
    from azure.cli.core.azclierror import MutuallyExclusiveArgumentError, RequiredArgumentMissingError
    offline = bool(getattr(namespace, "screenshot_file", None))
    if getattr(namespace, "serial_log_file", None) and not offline:
        raise RequiredArgumentMissingError(
            "--serial-log-file goes with --screenshot-file (the offline diagnosis).",
            recommendation="az vm boot-fix diagnose --screenshot-file shot.bmp --serial-log-file serial.log")
    if offline:
        # A resource group may come from `az configure --defaults group=...`: it is simply not used here.
        for option, value in (("--no-ocr", getattr(namespace, "no_ocr", False)),
                              ("--save-dir", getattr(namespace, "save_dir", None)),
                              ("--watch", getattr(namespace, "watch", None))):
            if value:
                raise MutuallyExclusiveArgumentError(
                    "{} does not go with --screenshot-file: the offline diagnosis is the screenshot's OCR."
                    .format(option), recommendation="Drop {}.".format(option))
        return
    watch = getattr(namespace, "watch", None)
    if watch is not None and not 1 <= watch <= 3600:
        from azure.cli.core.azclierror import InvalidArgumentValueError
        raise InvalidArgumentValueError("--watch {}: give 1 to 3600 seconds.".format(watch),
                                        recommendation="az vm boot-fix diagnose -g MyResourceGroup -n MyVm --watch 600")
    if watch and getattr(namespace, "no_ocr", False):
        raise MutuallyExclusiveArgumentError("--watch compares two screenshots' text; it needs OCR.",
                                             recommendation="Drop --no-ocr.")
    if not getattr(namespace, "resource_group_name", None) or not getattr(namespace, "vm_name", None):
        raise RequiredArgumentMissingError(
            "Name the VM with -g and -n (or --ids), or give --screenshot-file for an offline diagnosis.",
            recommendation="az vm boot-fix diagnose -g MyResourceGroup -n MyVm")


def read_local_file(path, option, binary=False):
    from azure.cli.core.azclierror import FileOperationError
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        raise FileOperationError("{} {}: is a folder, not a file.".format(option, path),
                                 recommendation="Give the path of the downloaded file.")
    if not os.path.isfile(path):
        raise FileOperationError("{} {}: no such file.".format(option, path),
                                 recommendation="Download it from the portal's Boot diagnostics blade or with "
                                                "az vm boot-diagnostics get-boot-log-uris.")
    with open(path, "rb" if binary else "r", **({} if binary else {"encoding": "utf-8", "errors": "replace"})) as fh:
        return fh.read()


def read_screenshot_file(path):
    """The bytes of a BMP, PNG or JPEG file; anything else is refused before OCR."""
    from azure.cli.core.azclierror import InvalidArgumentValueError
    data = read_local_file(path, "--screenshot-file", binary=True)
    if not any(data.startswith(magic) for magic, _ in IMAGE_MAGIC) or len(data) < 64:
        raise InvalidArgumentValueError(
            "--screenshot-file {}: not a BMP, PNG or JPEG image ({} bytes).".format(path, len(data)),
            recommendation="Download the screenshot with az vm boot-diagnostics get-boot-log-uris -g RG -n VM "
                           "(consoleScreenshotBlobUri) or from the portal's Boot diagnostics blade.")
    return data


def validate_scan(namespace):
    from azure.cli.core.azclierror import InvalidArgumentValueError, MutuallyExclusiveArgumentError
    from azext_vmbootfix.scan.query import build
    if getattr(namespace, "subscriptions", None) and getattr(namespace, "management_groups", None):
        raise MutuallyExclusiveArgumentError(
            "Give --subscriptions or --management-groups, not both.",
            recommendation="az vm boot-fix scan --subscriptions 00000000-0000-0000-0000-000000000000")
    workers = getattr(namespace, "max_concurrency", 8)
    if workers is not None and not 1 <= workers <= 64:
        raise InvalidArgumentValueError("--max-concurrency must be between 1 and 64 (got {}).".format(workers),
                                        recommendation="az vm boot-fix scan --max-concurrency 8")
    group = getattr(namespace, "resource_group_name", None)
    if group:
        try:
            build(group)
        except ValueError as exc:
            raise InvalidArgumentValueError("-g {}: {}".format(group, exc),
                                            recommendation="az group list -o table") from exc
