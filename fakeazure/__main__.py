"""python -m fakeazure serve --env-file PATH [--port N] [--scenario NAME ...]"""
import argparse
import sys


def _epilog():
    from .scenarios import catalog
    lines = ["scenarios (--scenario NAME, repeatable):"]
    for s in catalog():
        lines.append("  {:<33} {}".format(s["name"], s["description"]))
    from . import control
    lines.append("")
    lines.append("control API (HTTPS, no auth, on the same port):")
    doc = control.__doc__.split("\n")
    lines.extend("  " + l for l in doc if l.startswith("|") and "---" not in l)
    lines.append("")
    lines.append("fault rules (POST /_fake/faults, JSON): {kind, method, path (regex), nth, count (0 = forever), ...}")
    from .core import faults
    doc = faults.__doc__.split("\n")
    lines.extend("  " + l.strip() for l in doc if l.strip().startswith("- ``"))
    lines.append("")
    lines.append("example:\n  python -m fakeazure serve --env-file /tmp/fake.env --scenario oobe-stuck &\n"
                 "  source /tmp/fake.env; az vm show -g rg-oobe -n web01")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fakeazure", description="A fake Azure Resource Manager "
                                     "that the stock az and the Azure SDK talk to over HTTPS on 127.0.0.1. "
                                     "Options of serve: python -m fakeazure serve --help.",
                                     epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the fake cloud", epilog=_epilog(),
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Start the fake cloud over HTTPS on 127.0.0.1 and write an env file "
                                       "to source before running az. Stops cleanly on SIGTERM or SIGINT.")
    serve.add_argument("--env-file", required=True, metavar="PATH",
                       help="write the export lines (AZURE_CONFIG_DIR, REQUESTS_CA_BUNDLE, IDENTITY_ENDPOINT, "
                            "IDENTITY_HEADER, FAKEAZURE_URL) here once the server is up")
    serve.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one)")
    serve.add_argument("--scenario", action="append", metavar="NAME",
                       help="load a scenario at start (repeatable); see the list below")
    serve.add_argument("--profile", choices=["real", "fast", "instant"], default="real",
                       help="real: wall clock, operations take --lro-seconds, Retry-After: 1 (default). "
                            "fast: virtual clock, each operation takes the time Azure takes (fakeazure/durations.yaml) "
                            "and each poll of an operation in progress moves the clock by --poll-seconds; "
                            "Retry-After: 0 (use --retry-after 1 with the stock az). "
                            "instant: virtual clock, operations finish at once")
    serve.add_argument("--lro-seconds", type=float, default=None,
                       help="one duration for every long-running operation (default: 2 with --profile real, "
                            "Azure's with fast)")
    serve.add_argument("--retry-after", type=int, default=None,
                       help="the integer Retry-After the fake sends on operations")
    serve.add_argument("--poll-seconds", type=float, default=None,
                       help="with a virtual clock: the time a poll of an operation in progress stands for "
                            "(default 10, Azure's Retry-After)")
    serve.add_argument("--nic-reservation-seconds", type=int, default=180,
                       help="how long a deleted VM's NIC stays reserved (Azure: 180; shorten it for demos)")
    serve.add_argument("--state-dir", default=None,
                       help="keep the certificate and the az config dir here (default: a temporary folder "
                            "removed at stop)")
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    if args.command == "serve":
        from .server import serve_forever
        return serve_forever(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
