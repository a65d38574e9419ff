"""Azure Policy as ARM applies it: deny assignments held as scenario data, evaluated on the resources a request
writes (403 ``RequestDisallowedByPolicy``), and Microsoft.PolicyInsights ``checkPolicyRestrictions``, which
evaluates a resource's content before it is written."""
