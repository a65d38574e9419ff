"""``POST {scope}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions`` (subscription or group scope)."""
from ..core.responses import BaseResponse


class PolicyInsightsResponse(BaseResponse):
    @property
    def backend(self):
        return self.cloud.policyinsights

    def check_at_subscription(self):
        self.cloud.resources.get_subscription(self.subscription)
        return self.ok(self.backend.check_restrictions("/subscriptions/" + self.subscription, self.json_body()))

    def check_at_group(self):
        group = self.cloud.resources.get_group(self.subscription, self.param("resourceGroupName"))
        return self.ok(self.backend.check_restrictions(group.id, self.json_body()))
