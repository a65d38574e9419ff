from .responses import PolicyInsightsResponse as R

SUB = "/subscriptions/{subscriptionId}"
RG = SUB + "/resourceGroups/{resourceGroupName}"
CHECK = "/providers/Microsoft.PolicyInsights/checkPolicyRestrictions"
T = "Microsoft.PolicyInsights/checkPolicyRestrictions"

url_table = [
    ("POST", SUB + CHECK, T, R, "check_at_subscription"),
    ("POST", RG + CHECK, T, R, "check_at_group"),
]
