"""Microsoft.Compute's marketplace requests (VirtualMachineImages_* and VirtualMachineExtensionImages_* of the
ComputeRP spec) and the image alias document azure-cli reads; the catalogue is
:mod:`fakeazure.compute.models.marketplace`.

The lists are bare JSON arrays, pretty-printed with ``\\r\\n`` as Compute's single resources are (azure-cli
recordings test_vm_image_list_offers, test_vm_redeploy); every answer counts in Compute's ``HighCostGet``
bucket (the bucket of the image reads is not in the recordings azure-cli keeps: not verified).
"""
import json

from ..core.responses import BaseResponse, Reply
from .models import marketplace
from .responses import ComputeResponse


class MarketplaceResponse(ComputeResponse):
    buckets = {h: "HighCostGet" for h in ("list_publishers", "list_offers", "list_skus", "list_versions",
                                          "get_version", "list_extension_types", "list_extension_versions",
                                          "get_extension_version")}

    def _array(self, items):
        return Reply(200, items, raw=json.dumps(items, indent=2).replace("\n", "\r\n").encode("utf-8"))

    def _args(self, *names):
        self.cloud.resources.get_subscription(self.subscription)
        return (self.subscription, self.param("location")) + tuple(self.param(n) for n in names)

    def list_publishers(self):
        return self._array(marketplace.publisher_list(*self._args()))

    def list_offers(self):
        return self._array(marketplace.offer_list(*self._args("publisherName")))

    def list_skus(self):
        return self._array(marketplace.sku_list(*self._args("publisherName", "offer")))

    def list_versions(self):
        q = self.query
        return self._array(marketplace.version_list(*self._args("publisherName", "offer", "skus"), top=q.get("$top"),
                                                    orderby=q.get("$orderby"), expand=q.get("$expand")))

    def get_version(self):
        return self.ok(marketplace.version_get(*self._args("publisherName", "offer", "skus", "version")))

    def list_extension_types(self):
        return self._array(marketplace.extension_type_list(*self._args("publisherName")))

    def list_extension_versions(self):
        return self._array(marketplace.extension_version_list(*self._args("publisherName", "type")))

    def get_extension_version(self):
        return self.ok(marketplace.extension_version_get(*self._args("publisherName", "type", "version")))


class AliasDocResponse(BaseResponse):
    """The image alias document (the cloud's ``vmImageAliasDoc`` endpoint): no token, no api-version."""

    def get_alias_doc(self):
        return self.ok(marketplace.alias_document())
