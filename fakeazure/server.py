"""``serve``: the fake cloud behind a real HTTPS server on 127.0.0.1."""
import os
import shutil
import signal
import tempfile
import threading

from werkzeug.serving import make_server, WSGIRequestHandler

from .azconfig import env_lines, write_config_dir
from .cloud import Cloud
from .core.app import FakeAzureApp
from .tls import make_self_signed


class _QuietHandler(WSGIRequestHandler):
    verbose = False

    def log_request(self, code="-", size="-"):
        if self.verbose:
            from .core.app import redact_query
            self.requestline = redact_query(self.requestline)  # never log a SAS sig= value
            super().log_request(code, size)


class FakeAzureServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``base_url``, ``env_file`` and ``cloud`` are set."""

    def __init__(self, port=0, profile="real", scenarios=(), env_file=None, state_dir=None, verbose=False,
                 lro_seconds=None, retry_after=None, nic_reservation_seconds=180, poll_seconds=None):
        # over HTTPS clients wait by sleeping (az vm wait, a retry after a delay): a virtual clock moves with
        # wall time too, and jumps where a client polls an operation in progress
        self.cloud = Cloud(profile=profile, lro_seconds=lro_seconds, retry_after=retry_after,
                           nic_reservation_seconds=nic_reservation_seconds, poll_seconds=poll_seconds,
                           follow_wall=True)
        for name in scenarios:
            self.cloud.load_scenario(name)
        self._own_state_dir = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="fakeazure-")
        os.makedirs(self.state_dir, exist_ok=True)
        self.cert_path, self.key_path = make_self_signed(self.state_dir)
        _QuietHandler.verbose = verbose
        self._server = make_server("127.0.0.1", port, FakeAzureApp(self.cloud), threaded=True,
                                   ssl_context=(self.cert_path, self.key_path), request_handler=_QuietHandler)
        self.port = self._server.server_port
        self.base_url = "https://127.0.0.1:{}".format(self.port)
        self.config_dir = write_config_dir(os.path.join(self.state_dir, "azure-config"), self.base_url,
                                           self.cloud)
        self.env_file = env_file
        self._thread = None

    def env(self):
        return dict(line[len("export "):].split("=", 1) for line in
                    env_lines(self.config_dir, self.cert_path, self.base_url, self.cloud))

    def env_vars(self):
        """The same variables as a dict with the values unquoted (for subprocess env)."""
        return {"AZURE_CONFIG_DIR": self.config_dir, "REQUESTS_CA_BUNDLE": self.cert_path,
                "IDENTITY_ENDPOINT": self.base_url + "/msi/token",
                "IDENTITY_HEADER": self.cloud.identity.identity_header,
                "AZURE_CORE_COLLECT_TELEMETRY": "no", "FAKEAZURE_URL": self.base_url}

    def write_env_file(self, path=None):
        path = path or self.env_file
        if not path:
            return None
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("# fakeazure: source this file, then the stock az talks to the fake cloud\n")
            fh.write("\n".join(env_lines(self.config_dir, self.cert_path, self.base_url, self.cloud)) + "\n")
        os.replace(tmp, path)  # atomic: a watcher never reads half a file
        return path

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="fakeazure", daemon=True)
        self._thread.start()
        self.write_env_file()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        if self._own_state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve_forever(args):
    server = FakeAzureServer(port=args.port, profile=args.profile, scenarios=args.scenario or (),
                             env_file=args.env_file, state_dir=args.state_dir, verbose=args.verbose,
                             lro_seconds=args.lro_seconds, retry_after=args.retry_after,
                             nic_reservation_seconds=args.nic_reservation_seconds, poll_seconds=args.poll_seconds)
    stop = threading.Event()

    def _stop(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.start()
    print("fakeazure: serving {} (profile {}); env file {}".format(server.base_url, args.profile,
                                                                   args.env_file or "-"), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        if args.env_file and server._own_state_dir and _is_ours(args.env_file, server):
            os.remove(args.env_file)  # it points at a config dir that no longer exists
        print("fakeazure: stopped", flush=True)
    return 0


def _is_ours(path, server):
    """True when the env file at ``path`` still names this server (another may have replaced it)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return server.base_url in fh.read()
    except OSError:
        return False
