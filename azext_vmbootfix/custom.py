"""Command handlers: short functions that read like the command's help. Logic lives in the modules."""


def show_article(vm_name, article_format="markdown", article_id=None, list_articles=False):
    from azext_vmbootfix import article
    if list_articles:
        return article.catalog()
    return article.render(article_id or article.DEFAULT_ARTICLE, vm_name, article_format)


def diagnose(cmd, resource_group_name=None, vm_name=None, screenshot_file=None, serial_log_file=None,
             no_ocr=False):
    from azext_vmbootfix import diagnose as diag
    if screenshot_file:
        from azext_vmbootfix._validators import read_local_file
        shot = read_local_file(screenshot_file, "--screenshot-file", binary=True)
        log = read_local_file(serial_log_file, "--serial-log-file") if serial_log_file else None
        return diag.verdict_for_files(shot, log, vm_name or "[vmname]")
    from azext_vmbootfix._client_factory import cf_compute
    from azext_vmbootfix.evidence import GALLERY_VERSIONS_API, collect
    from azure.core.exceptions import ResourceNotFoundError as NotFound
    from azure.cli.core.azclierror import ResourceNotFoundError
    try:
        collected = collect(cf_compute(cmd.cli_ctx), resource_group_name, vm_name, read_screenshot=not no_ocr,
                            versions_client=cf_compute(cmd.cli_ctx, api_version=GALLERY_VERSIONS_API))
    except NotFound as exc:
        raise ResourceNotFoundError(exc.message, recommendation="List the VMs you can see with: az vm list -g {} "
                                    "-o table".format(resource_group_name)) from exc
    return diag.verdict_for_vm(collected)
