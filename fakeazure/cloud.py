"""One fake cloud: the state of every provider, its clock, operations, faults and request log.

This module is where the providers meet. :data:`PROVIDERS` is the registration table: a provider is a
backend class (made anew by ``reset()``, so all its state goes) and a URL table. Providers never import
each other; what one needs of another (a lock check, a NIC to attach, a blob's SAS URL) it asks of the
Cloud, which hands it on (the "cross-provider rules" below).

Backends are plain objects keyed by provider (moto keys them by account and region); every resource
id carries its subscription, so one cloud can hold several subscriptions.
"""
import os
import threading
import uuid

from . import control
from .authorization.models import AuthorizationBackend
from .authorization.urls import url_table as authorization_urls
from .blob.models import BlobBackend
from .blob.urls import url_table as blob_urls
from .compute.models import ComputeBackend
from .compute.urls import url_table as compute_urls
from .core import errors
from .core.clock import RealClock, VirtualClock
from .core.faults import FaultInjector
from .core.locations import LOCATIONS
from .core.lro import OperationStore
from .core.routing import Router
from .core.timing import Timing
from .identity.models import IdentityBackend
from .identity.urls import url_table as identity_urls
from .marketplaceordering.models import MarketplaceOrderingBackend
from .marketplaceordering.urls import url_table as marketplaceordering_urls
from .network.models import NetworkBackend
from .network.urls import url_table as network_urls
from .policyinsights.models import PolicyInsightsBackend
from .policyinsights.urls import url_table as policyinsights_urls
from .resources.deployments import DeploymentsBackend
from .resources.models import ResourcesBackend
from .resources.urls import url_table as resources_urls
from .resourcegraph.models import ResourceGraphBackend
from .resourcegraph.urls import url_table as resourcegraph_urls

DEFAULT_SUBSCRIPTION = "6d3c1b52-8f4e-4a7e-9c1d-2b5f0e8a7c31"
DEFAULT_TENANT = "72f988bf-0000-4a11-b1c5-fa4e0fa4e0fa"

DURATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "durations.yaml")

PROFILES = {
    # The time Azure takes, on a virtual clock: each operation stays in flight as long as the recordings show
    # (durations.yaml), and every GET meanwhile sees it in progress; a poll of an operation in progress stands
    # for the client's wait and moves the clock by poll_seconds (Azure's Retry-After: 10 on its first answers
    # in the 2022 recordings, tests/fixtures/fidelity). The fake itself sends Retry-After 0, so in-process
    # clients poll at once and tests stay fast.
    "fast": {"clock": "virtual", "duration": None, "retry_after": 0, "poll_seconds": 10},
    # Every operation done inside the request that started it (the fast profile before issue 9). Only for a
    # test that says why it needs it.
    "instant": {"clock": "virtual", "duration": 0.0, "retry_after": 0, "poll_seconds": 0},
    # Wall-clock time; operations take a little while and say Retry-After: 1 (the real az polls then).
    "real": {"clock": "real", "duration": 2.0, "retry_after": 1, "poll_seconds": 0},
}

# (attribute, backend class or None, URL table): the providers of a cloud, in the order requests are routed
PROVIDERS = [("identity_routes", None, identity_urls),
             ("resources", ResourcesBackend, resources_urls),
             ("deployments", DeploymentsBackend, []),
             ("compute", ComputeBackend, compute_urls),
             ("network", NetworkBackend, network_urls),
             ("authorization", AuthorizationBackend, authorization_urls),
             ("blob", BlobBackend, blob_urls),
             ("resourcegraph", ResourceGraphBackend, resourcegraph_urls),
             ("policyinsights", PolicyInsightsBackend, policyinsights_urls),
             ("marketplaceordering", MarketplaceOrderingBackend, marketplaceordering_urls)]


class Cloud:
    def __init__(self, profile="fast", lro_seconds=None, retry_after=None, poll_seconds=None,
                 subscription_id=DEFAULT_SUBSCRIPTION, tenant_id=DEFAULT_TENANT, nic_reservation_seconds=180,
                 follow_wall=False):
        """``follow_wall``: a virtual clock that also moves with wall time (``serve``: clients that wait by
        sleeping see time pass)."""
        if profile not in PROFILES:
            raise ValueError("unknown profile {!r}; one of {}".format(profile, ", ".join(PROFILES)))
        conf = dict(PROFILES[profile])
        if lro_seconds is not None:
            conf["duration"] = float(lro_seconds)
        if retry_after is not None:
            conf["retry_after"] = int(retry_after)
        if poll_seconds is not None:
            conf["poll_seconds"] = float(poll_seconds)
        self.profile = profile
        # Azure keeps a deleted VM's NIC reserved for 180 s; demos may shorten it (serve --nic-reservation-seconds)
        self.nic_reservation_seconds = nic_reservation_seconds
        self.lock = threading.RLock()
        self.clock = VirtualClock(follow_wall=follow_wall) if conf["clock"] == "virtual" else RealClock()
        self.timing = Timing.from_file(DURATIONS)
        self.operations = OperationStore(self.clock, conf["duration"], conf["retry_after"], timing=self.timing,
                                         poll_seconds=conf["poll_seconds"])
        self.faults = FaultInjector()
        self.default_subscription = subscription_id
        self.errors_log = []
        self.request_log = []
        self.max_log = 10000
        self.identity = IdentityBackend(self, tenant_id, str(uuid.uuid4()), str(uuid.uuid4()))
        self.router = Router()
        self._backends = {}
        for name, backend_cls, table in PROVIDERS:
            self._backends[name] = None
            self.router.add_table(table)
        self.reset()

    # -- backends ---------------------------------------------------------------------------------
    def __getattr__(self, name):
        backends = self.__dict__.get("_backends", {})
        if name in backends and backends[name] is not None:
            return backends[name]
        raise AttributeError(name)

    def provider_backends(self):
        return [b for b in self._backends.values() if b is not None]

    def locations(self):
        return list(LOCATIONS)

    def reset(self):
        """Drop every resource, operation, fault and log entry; keep identity and the subscription."""
        self.operations.clear()
        self.timing.unlisted.clear()
        self.faults.clear()
        self.request_log.clear()
        self.errors_log.clear()
        for name, backend_cls, _ in PROVIDERS:
            if backend_cls:
                self._backends[name] = backend_cls(self)
        self.blob.register_source("bootdiagnostics-", lambda _cloud, container, blob:
                                  self.compute.boot_diagnostics_blob(container, blob))
        self.resources.add_subscription(self.default_subscription, "Fake Subscription")

    def dump(self):
        out = {"profile": self.profile, "clock": self.clock.now(),
               "pendingOperations": [op.id for op in self.operations.pending()],
               "unlistedDurations": sorted(self.timing.unlisted)}
        for name, backend in self._backends.items():
            if backend is not None and hasattr(backend, "dump"):
                out[name] = backend.dump()
        return out

    # -- cross-provider rules ---------------------------------------------------------------------
    def find(self, rid):
        """The model object of any resource id, or None."""
        for backend in self.provider_backends():
            getter = getattr(backend, "get_by_id", None)
            obj = getter(rid) if getter else None
            if obj is not None:
                return obj
        return None

    def check_writable(self, method, path, params):
        """ARM's refusal of a write into a resource group that is being deleted (before any provider sees it)."""
        group = params.get("resourceGroupName")
        if method in ("GET", "HEAD") or not group:
            return
        own = path.rstrip("/").lower().endswith("/resourcegroups/" + group.lower())
        self.resources.check_writable(params.get("subscriptionId"), group, group_delete=own and method == "DELETE")

    def check_locks_for_delete(self, rid):
        checker = self._backends.get("authorization")
        if checker is not None:
            checker.check_delete(rid)

    def check_locks_for_write(self, rid):
        checker = self._backends.get("authorization")
        if checker is not None:
            checker.check_write(rid)

    def gateway_checks(self, method, path, body):
        """What ARM's front door checks before a provider sees a request: the caller's RBAC permissions
        (403 AuthorizationFailed; everything is allowed until a scenario assigns roles), then Azure Policy's
        deny assignments on a PUT (403 RequestDisallowedByPolicy)."""
        auth = self._backends.get("authorization")
        if auth is not None:
            auth.authorize(method, path, with_faults=False)  # deny faults refuse their own paths
        policy = self._backends.get("policyinsights")
        if policy is not None and method == "PUT":
            policy.enforce(method, path, body)

    def check_registration(self, method, subscription_id, resource_type):
        """ARM refuses a write (PUT, PATCH, POST) to a provider the subscription has unregistered."""
        namespace = (resource_type or "").split("/", 1)[0]
        if method in ("PUT", "PATCH", "POST") and subscription_id and namespace.lower() != "microsoft.resources":
            self.resources.check_registered(subscription_id, namespace)

    def attach_nic(self, nic_id, vm_id):
        """A VM takes a NIC (Network's NicInUse / NicReservedForAnotherVm when it may not)."""
        return self.network.attach_nic(nic_id, vm_id)

    def release_nic(self, nic_id, vm_id, reserve_seconds=None):
        """A deleted VM lets its NIC go (reserved for a while, as Azure does; 0: a plain detach)."""
        return self.network.release_nic(nic_id, vm_id, reserve_seconds)

    def delete_by_id(self, rid):
        """A resource deleted with its VM (``deleteOption: Delete``), at once."""
        return self.network.delete_by_id(rid)

    def move_resources(self, renames):
        """Resources moved to another group (old lower-case id -> new id): every provider takes the new ids."""
        for backend in self.provider_backends():
            backend.move_resources(renames)

    def sas_url(self, base_url, container, blob, minutes, permissions="r"):
        """A SAS URL of a blob the fake's storage serves (boot diagnostics, disk and snapshot access)."""
        return self.blob.sas_url(base_url, container, blob, minutes, permissions)

    # -- control ----------------------------------------------------------------------------------
    def handle_control(self, request):
        """A request under ``/_fake/`` (:mod:`fakeazure.control`)."""
        return control.handle_control(self, request)

    # -- logs -------------------------------------------------------------------------------------
    def record_request(self, entry):
        self.request_log.append(entry)
        if len(self.request_log) > self.max_log:
            del self.request_log[: len(self.request_log) - self.max_log]

    def log_error(self, text):
        self.errors_log.append(text)

    def load_scenario(self, name_or_path):
        from .scenarios import load
        return load(self, name_or_path)


__all__ = ["Cloud", "errors", "DEFAULT_SUBSCRIPTION", "DEFAULT_TENANT"]
