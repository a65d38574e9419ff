"""Choose azure-cli recordings by the rule in ``tests/fixtures/azure-traffic/README.md`` and copy them in.

Run from the repository root with a git directory of Azure/azure-cli (any clone or snapshot holding the
commit)::

    .venv/bin/python tests/replay/choose.py --git-dir PATH/TO/azure-cli.git \\
        --commit d8453938e762b4edbb386a5f9ac3558b4d5ca755

It lists every ``*.yaml`` under the vm and resource modules' ``tests/latest/recordings/`` at the commit,
keeps a recording when every request it makes (token, login and graph requests aside) goes to
``management.azure.com`` and to a resource type in ``served-types.txt``, and writes the kept ones, trimmed
(:func:`trim`), to ``tests/fixtures/azure-traffic/recordings/<module>/`` with ``chosen.txt`` listing them.
``--served-from-fake`` rewrites ``served-types.txt`` from the fake's route table first (the rule froze it
once, at the commit the README names).
"""
import argparse
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for _p in (ROOT, os.path.dirname(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from replay.armpath import classify  # noqa: E402
from replay.cassettes import _Loader, _text  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures", "azure-traffic")
MODULES = ("vm", "resource")
RECORDINGS = "src/azure-cli/azure/cli/command_modules/{}/tests/latest/recordings"
ARM_HOST = "management.azure.com"
SKIPPED_HOSTS = ("login.microsoftonline.com", "graph.windows.net", "graph.microsoft.com")

# what a trimmed recording keeps of each exchange (everything else is transport noise)
KEEP_REQUEST_HEADERS = ("CommandName", "ParameterSetName", "Content-Type")
KEEP_RESPONSE_HEADERS = ("content-type", "azure-asyncoperation", "azure-asyncnotification", "location",
                         "retry-after", "etag", "x-ms-failure-cause", "date")


def served_from_fake():
    """The resource types of the fake's route table, as :func:`classify` names them."""
    from fakeazure.cloud import Cloud
    types = set()
    for route in Cloud().router.routes:
        if route.resource_type is None:
            continue
        found = classify(route.method, route.template)
        if found is not None:
            types.add(found[1])
    return sorted(types)


def read_served():
    with open(os.path.join(FIXTURES, "served-types.txt"), encoding="utf-8") as fh:
        return {line.strip() for line in fh if line.strip() and not line.startswith("#")}


def verdict(doc, served):
    """``(chosen, reasons)``: reasons are the hosts and types that keep a recording out."""
    reasons, counted = set(), 0
    for it in doc.get("interactions") or []:
        req = it["request"]
        url = urlsplit(req["uri"])
        if url.hostname in SKIPPED_HOSTS:
            continue
        counted += 1
        if url.hostname != ARM_HOST:
            reasons.add("host " + str(url.hostname))
            continue
        found = classify(req["method"], url.path)
        if found is None or found[1] not in served:
            reasons.add("type " + (found[1] if found else "(not an ARM path) " + url.path))
    if counted == 0:
        reasons.add("no request")
    return not reasons, sorted(reasons)


_SIG = re.compile(r"(?i)(\bsig=)[^&\"'\\\s]+")


def scrub(text):
    """SAS signatures (``sig=``) replaced: the only secret-shaped values azure-cli's recorder leaves."""
    return _SIG.sub(r"\1REDACTED", text) if isinstance(text, str) else text


def trim(doc):
    """The cassette with transport-only headers dropped and SAS signatures scrubbed; every request and
    answer is kept otherwise whole."""
    out = []
    for it in doc.get("interactions") or []:
        req, resp = it["request"], it["response"]
        rh = req.get("headers") or {}
        body = resp.get("body") or {}
        out.append({
            "request": {
                "method": req["method"],
                "uri": req["uri"],
                "headers": {k: v for k, v in rh.items() if k in KEEP_REQUEST_HEADERS},
                "body": _text(req.get("body")),
            },
            "response": {
                "status": resp.get("status"),
                "headers": {k.lower(): v for k, v in (resp.get("headers") or {}).items()
                            if k.lower() in KEEP_RESPONSE_HEADERS or k.lower().startswith("x-ms-ratelimit")},
                "body": {"string": scrub(_text(body.get("string") if isinstance(body, dict) else body))},
            },
        })
    return {"interactions": out}


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True).stdout


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--git-dir", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--served-from-fake", action="store_true")
    args = ap.parse_args(argv)
    if args.served_from_fake:
        with open(os.path.join(FIXTURES, "served-types.txt"), "w", encoding="utf-8") as fh:
            fh.write("# resource types the fake's route table serves (tests/replay/armpath.py names them)\n")
            fh.write("".join(t + "\n" for t in served_from_fake()))
    served = read_served()
    chosen, unavailable, total = [], [], 0
    for module in MODULES:
        folder = RECORDINGS.format(module)
        out_dir = os.path.join(FIXTURES, "recordings", module)
        os.makedirs(out_dir, exist_ok=True)
        listing = git(args.git_dir, "ls-tree", args.commit, folder + "/").decode().splitlines()
        for line in listing:
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            if not path.endswith(".yaml"):
                continue
            total += 1
            try:
                raw = git(args.git_dir, "cat-file", "blob", blob)
            except subprocess.CalledProcessError:
                unavailable.append(path)
                continue
            doc = yaml.load(raw, Loader=_Loader)
            ok, _ = verdict(doc, served)
            if not ok:
                continue
            name = os.path.basename(path)
            header = ("# source: Azure/azure-cli {} at commit {} (blob {})\n"
                      "# trimmed by tests/replay/choose.py: transport headers dropped, every exchange kept\n"
                      .format(path, args.commit, blob))
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
                fh.write(header)
                yaml.safe_dump(trim(doc), fh, default_flow_style=False, allow_unicode=True, width=4096,
                               sort_keys=False)
            chosen.append((module, name, blob, len(doc.get("interactions") or [])))
    with open(os.path.join(FIXTURES, "chosen.txt"), "w", encoding="utf-8") as fh:
        fh.write("# chosen by the rule in README.md from Azure/azure-cli at {}: {} of {} recordings\n"
                 .format(args.commit, len(chosen), total))
        fh.write("# module/file  blob  interactions\n")
        for module, name, blob, n in chosen:
            fh.write("{}/{}  {}  {}\n".format(module, name, blob, n))
        for path in unavailable:
            fh.write("# not judged (the file was absent from the snapshot read): {}\n".format(path))
    print("{} chosen of {} ({} not available)".format(len(chosen), total, len(unavailable)))


if __name__ == "__main__":
    main()
