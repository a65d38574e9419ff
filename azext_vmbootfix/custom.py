"""Command handlers of article, diagnose and scan: short functions that read like the command's help. Logic
lives in the modules; the repair commands' handlers are in ``repair/cli.py`` (see commands.py)."""


def show_article(vm_name=None, article_format="markdown", article_id=None, list_articles=False):
    from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError
    from azext_vmbootfix import article
    if list_articles:
        return article.catalog()
    if not vm_name:
        raise RequiredArgumentMissingError("Name the VM the article is for with -n/--name.",
                                           recommendation="az vm boot-fix article -n MyVm")
    try:
        return article.render(article_id or article.DEFAULT_ARTICLE, vm_name, article_format)
    except article.ArticleError as exc:
        raise InvalidArgumentValueError(str(exc), recommendation="az vm boot-fix article --list -o table")


def diagnose(cmd, resource_group_name=None, vm_name=None, screenshot_file=None, serial_log_file=None,
             no_ocr=False, save_dir=None, watch=None):
    from azext_vmbootfix import diagnose as diag
    from azext_vmbootfix._validators import read_local_file, read_screenshot_file
    if screenshot_file:
        shot = read_screenshot_file(screenshot_file)
        log = read_local_file(serial_log_file, "--serial-log-file") if serial_log_file else None
        try:
            return diag.verdict_for_files(shot, log, vm_name)
        except diag.UnreadableScreenshot as exc:
            from azure.cli.core.azclierror import InvalidArgumentValueError
            raise InvalidArgumentValueError("--screenshot-file {}: {}".format(screenshot_file, exc),
                                            recommendation="Give the screenshot file as downloaded (BMP, PNG or "
                                                           "JPEG).") from exc
    from azure.core.exceptions import ResourceNotFoundError as NotFound
    from azure.cli.core.azclierror import ResourceNotFoundError
    from azext_vmbootfix._client_factory import cf_compute
    from azext_vmbootfix.evidence import GALLERY_VERSIONS_API, collect
    try:
        collected = collect(cf_compute(cmd.cli_ctx), resource_group_name, vm_name, read_screenshot=not no_ocr,
                            versions_client=lambda: cf_compute(cmd.cli_ctx, api_version=GALLERY_VERSIONS_API))
    except NotFound as exc:
        missing_group = getattr(exc.error, "code", None) == "ResourceGroupNotFound"
        hint = "az group list -o table" if missing_group else \
            "az vm list -g {} -o table".format(resource_group_name)
        raise ResourceNotFoundError(exc.message, recommendation="See what exists with: " + hint) from exc
    if watch and collected.get("bootDiagnostics"):
        from azext_vmbootfix.watch import second_look
        collected["bootDiagnostics"], collected["watch"] = second_look(cf_compute(cmd.cli_ctx), collected, watch)
    if save_dir:
        from azext_vmbootfix.evidence import save_boot_diagnostics
        collected["saved"] = save_boot_diagnostics(collected, save_dir)
    return diag.verdict_for_vm(collected)


def scan(cmd, subscriptions=None, management_groups=None, resource_group_name=None, max_concurrency=8, deep=False,
         no_ocr=False):
    from azext_vmbootfix._client_factory import cf_compute_in, cf_resource_graph
    from azext_vmbootfix.scan import runner
    summary_and_rows = runner.scan(
        lambda watch: cf_resource_graph(cmd.cli_ctx, per_retry_policies=[watch]),
        lambda sub, watch: cf_compute_in(cmd.cli_ctx, sub, per_retry_policies=[watch]),
        subscriptions=subscriptions, management_groups=management_groups, resource_group=resource_group_name,
        max_concurrency=max_concurrency, deep=deep, read_screenshot=not no_ocr,
        progress=cmd.cli_ctx.get_progress_controller(det=True))
    runner.log_summary(summary_and_rows["summary"])
    return summary_and_rows
