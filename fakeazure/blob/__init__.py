"""SAS blob serving: the storage data plane the fake needs for boot diagnostics.

Real Azure hands out boot-diagnostics URIs that point at a (managed) storage account, read with a
service SAS and no bearer token. The fake serves those blobs itself under ``/_blob/<container>/<blob>``
on its own host, checks the SAS (an HMAC over the signed fields, a per-cloud key, expiry on the
cloud's clock) and answers failures with Azure Storage's XML error bodies.
"""
