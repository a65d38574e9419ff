"""Template deployments (``Microsoft.Resources/deployments``) at resource-group and at subscription scope: the
backend, no HTTP (the routes are in ``urls.py``, the handlers in ``responses.py``). The record and its run are
in :mod:`.deployment_model`, validation in :mod:`.deployment_plan`, the run engine in :mod:`.deployment_run`,
what-if in :mod:`.deployment_whatif`, the template language in :mod:`fakeazure.templates`. Bodies are read as
ARM reads them, comments and unquoted property names included (:mod:`fakeazure.core.jsonnet`).

What ARM does, and so what this does (Deployments_* in azure-rest-api-specs resources.json 2024-11-01):

* ``PUT .../resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}`` validates the template
  at once (a bad expression, a missing parameter, an unknown ``dependsOn``: 400 ``InvalidTemplate``), then
  answers 201 (200 when a deployment of that name existed) with ``provisioningState: Accepted`` and an
  ``Azure-AsyncOperation`` header at ``.../deployments/{name}/operationStatuses/{id}``. While another
  deployment of that name runs the PUT is refused (409 ``DeploymentActive``).
* The deployment then PUTs each template resource, in ``dependsOn`` order, through the fake's own router:
  the provider's handler runs exactly as for a direct PUT (api-version check for the resource's
  ``apiVersion``, quotas, NIC reservations, image and Trusted Launch rules, locks). A resource is done when
  its own long-running operation (``Azure-AsyncOperation`` or ``Location`` of the answer) has finished.
  Resources that depend on a failed one are never started; independent ones still are.
* The deployment fails with ``DeploymentFailed`` ("At least one resource deployment operation failed.
  ...") whose ``details`` hold one entry per failed resource: the provider's error itself when the PUT
  was refused, or ``ResourceDeploymentFailure`` ("The resource write operation failed to complete
  successfully, because it reached terminal provisioning state 'Failed'.") wrapping the operation's error
  when the resource's operation failed later.
* ``GET`` (one, list), ``HEAD``, ``DELETE`` (the record only; 202 + Location at
  ``/subscriptions/{s}/operationresults/{id}``, 204 when absent), ``POST .../cancel`` (204),
  ``POST .../validate`` (200 with the validated deployment, 400 ``{"error": ...}``),
  ``GET .../operations`` and ``.../operations/{operationId}``, ``POST .../whatIf``.
* At subscription scope (``/subscriptions/{s}/providers/Microsoft.Resources/deployments/{name}``) the same
  operations; the body must name a ``location`` and a group's must not (400 ``InvalidDeployment``); template
  resources get subscription-level ids (a ``Microsoft.Resources/resourceGroups`` resource makes a group) and
  ``resourceGroup()`` is refused.
* A nested deployment (a ``Microsoft.Resources/deployments`` resource with an inline template, in the same
  group or the one its ``resourceGroup`` names, which must exist) is PUT like any resource; its template's
  expressions are evaluated in the outer template's context unless
  ``expressionEvaluationOptions.scope`` is ``inner``, and its resources appear in the outer
  ``outputResources``.
* Parameter and output names come back camel-cased (``CrossRg`` -> ``crossRg``), and ``parameters`` and
  ``outputs`` are left out when empty, as the recordings of Azure/azure-cli's resource module show.

Template language supported (:mod:`fakeazure.templates`): ``parameters`` (with ``defaultValue``, itself maybe an
expression; ``allowedValues``), ``variables``, ``resourceId``, ``subscriptionResourceId``, ``resourceGroup()``,
``subscription()``, ``deployment()``, ``reference`` (GET of the resource through the router; implicit
dependency on a template resource), ``concat``, ``format``, ``if`` (lazy), ``equals``, ``not``, ``and``,
``or``, ``json``, ``string``, ``int``, ``bool``, ``toLower``, ``toUpper``, ``trim``, ``replace``,
``substring``, ``length``, ``empty``, ``contains``, ``coalesce``, ``createArray``, ``array``,
``createObject``, ``union``, ``first``, ``last``, ``split``, ``uniqueString``, ``guid``, ``true``,
``false``, ``null``; property access (``.id``, case-insensitive as in ARM) and indexing (``[0]``,
``['key']``); ``[[`` escapes a literal ``[``; nested arrays and objects; resource ``condition``; inline
child ``resources``; ``outputs``.

Knowingly not supported (refused with 400 so a test cannot pass by accident): ``copy`` loops and
``copyIndex()``, ``templateLink``/``parametersLink``, mode ``Complete``, user-defined functions,
management-group and tenant scope deployments. A template resource of a type the fake does not serve
(``Microsoft.Storage/storageAccounts``, ...) fails as the fake's router answers it (404 InvalidResourceType).
``uniqueString`` and ``guid`` are deterministic but not bit-identical to ARM's hashes.
"""
from ..core import ids
from ..core.backend import BaseBackend
from ..core.clock import iso
from .deployment_model import NS, DeploymentRun, deployment_id
from .deployment_plan import DeploymentPlanner
from .deployment_run import DeploymentRunner
from .deployment_whatif import DeploymentWhatIf
from .exceptions import DeploymentActive, DeploymentCannotBeCancelled, DeploymentNotFound, DeploymentOperationNotFound


class DeploymentsBackend(DeploymentPlanner, DeploymentRunner, DeploymentWhatIf, BaseBackend):
    def __init__(self, cloud):
        super().__init__(cloud)
        self.deployments = {}

    # -- reads ------------------------------------------------------------------------------------
    def scope_of(self, sub, rg):
        """The group a deployment at ``rg`` lives in (its 404 first), or None at subscription scope (``rg``
        None; the subscription's 404 first)."""
        if rg is None:
            self.cloud.resources.get_subscription(sub)
            return None
        return self.cloud.resources.get_group(sub, rg)

    def get_deployment(self, sub, rg, name):
        self.scope_of(sub, rg)
        dep = self.deployments.get(self._key(sub, rg, name))
        if dep is None:
            raise DeploymentNotFound(name)
        return dep

    def deployment_exists(self, sub, rg, name):
        return self._key(sub, rg, name) in self.deployments

    def list_deployments(self, sub, rg):
        self.scope_of(sub, rg)
        prefix = ids.key(deployment_id(sub, rg, ""))
        return [d for k, d in sorted(self.deployments.items()) if k.startswith(prefix)]

    def get_deployment_operation(self, sub, rg, name, operation_id):
        dep = self.get_deployment(sub, rg, name)
        for op in dep.operations_json():
            if op["operationId"].lower() == operation_id.lower():
                return op
        raise DeploymentOperationNotFound(operation_id)

    def get_by_id(self, rid):
        return self.deployments.get(ids.key(rid or ""))

    def delete_group_contents(self, sub, rg):
        prefix = ids.key(deployment_id(sub, rg, ""))
        for k in [k for k in self.deployments if k.startswith(prefix)]:
            del self.deployments[k]

    def dump(self):
        return {"deployments": [d.to_json(self.cloud.clock.now()) for d in self.deployments.values()]}

    @staticmethod
    def _key(sub, rg, name):
        return ids.key(deployment_id(sub, rg, name))

    # -- create -----------------------------------------------------------------------------------
    def begin_create_or_update_deployment(self, sub, rg, name, body, base_url):
        """PUT: validate, store, start. -> (deployment, created)."""
        old = self.deployments.get(self._key(sub, rg, name))
        if old is not None and old.active:
            raise DeploymentActive(
                "Unable to edit or replace deployment '{}': previous deployment from '{}' is still active "
                "(expiration time is '{}'). Please see https://aka.ms/arm-deploy for usage details."
                .format(name, iso(old.started), iso(old.started + 14 * 86400)))
        dep = self.validate_deployment(sub, rg, name, body)
        dep.base_url = base_url
        self.deployments[self._key(sub, rg, name)] = dep
        now = self.cloud.clock.now()
        run = DeploymentRun(self, dep, now)
        for hook in list(self.cloud.operations.pending_failures):  # an 'lro-fail' fault on this PUT
            err = hook(run, {})
            if err is not None:
                run.fail_with = err
                break
        dep.run = run
        self.cloud.operations.add(run)
        if run.fail_with is None:
            run.finish(now)  # starts the first resources (with no operation duration: all of them)
        return dep, old is None

    def cancel_deployment(self, sub, rg, name):
        dep = self.get_deployment(sub, rg, name)
        if not dep.active:
            raise DeploymentCannotBeCancelled("The deployment '{}' cannot be cancelled because it is in state '{}'."
                                              .format(name, dep.provisioning_state))
        now = self.cloud.clock.now()
        dep.provisioning_state = "Canceled"
        dep.ended = now
        if dep.run is not None and not dep.run.done:
            dep.run.status = "Canceled"
            dep.run.ended = now

    def begin_delete_deployment(self, sub, rg, name):
        """DELETE of the record (never of the resources). -> the operation, or None when absent."""
        self.scope_of(sub, rg)
        dep = self.deployments.get(self._key(sub, rg, name))
        if dep is None:
            return None
        if dep.active:
            raise DeploymentActive("The deployment '{}' cannot be deleted because it is still active. Cancel it "
                                   "first.".format(name))

        def done():
            self.deployments.pop(self._key(sub, rg, name), None)

        return self.cloud.operations.start(sub, None, "global", kind="operationresults", on_success=done,
                                           activity=(NS + "/deployments", "delete"))
