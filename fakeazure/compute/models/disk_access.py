"""Access to a disk's or snapshot's data: ``beginGetAccess`` (grant a SAS) and ``endGetAccess`` (revoke it),
and the upload states they drive (Disks_GrantAccess / Disks_RevokeAccess, Snapshots_* in the DiskRP spec).

What Azure does (azure-cli recordings ``test_snapshot_access``, ``test_vm_managed_disk``, ``test_vm_disk_upload``,
``test_vm_trusted_launch_os_disk_secure_upload``, kept in tests/fixtures/azure-traffic/):

* both POSTs answer 202 with ``DiskOperations`` headers; the grant's operation ends with
  ``properties.output.accessSAS`` (and ``securityDataAccessSAS`` when ``getSecureVMGuestStateSAS`` was asked
  for a disk with a VM guest state, as a TrustedLaunch upload has), and its ``Location`` URL answers that
  output; the revoke's operation has no output and its ``Location`` answers 200 with no body;
* while read access is granted the resource shows ``diskState: ActiveSAS``; after the revoke it is back to
  what it was;
* a disk made with ``createOption: Upload`` (or ``UploadPreparedSecure``) is ``ReadyToUpload`` and has no
  ``diskSizeGB``/``diskSizeBytes`` until its upload ends; a ``Write`` grant makes it ``ActiveUpload``; the
  revoke ends the upload and the disk is an ordinary unattached disk of ``uploadSizeBytes``.

The SAS points at the fake's blob endpoint (:mod:`fakeazure.blob`), signed with its key; a disk attached to a
running VM gets Azure's 409 (:func:`fakeazure.compute.checks.disk_access`).
"""
import secrets
import uuid

from .. import checks


class DiskAccessBackend:
    """Grant and revoke of disks and snapshots (mixed into :class:`ComputeBackend`)."""

    def begin_grant_access_disk(self, subscription_id, resource_group, name, body, base_url):
        return self._grant(self.get_disk(subscription_id, resource_group, name), body, base_url)

    def begin_revoke_access_disk(self, subscription_id, resource_group, name):
        return self._revoke(self.get_disk(subscription_id, resource_group, name))

    def begin_grant_access_snapshot(self, subscription_id, resource_group, name, body, base_url):
        return self._grant(self.get_snapshot(subscription_id, resource_group, name), body, base_url)

    def begin_revoke_access_snapshot(self, subscription_id, resource_group, name):
        return self._revoke(self.get_snapshot(subscription_id, resource_group, name))

    # -- the two operations ---------------------------------------------------------------------------
    def _grant(self, obj, body, base_url):
        self.not_busy(obj)
        access, seconds = checks.disk_access(self, obj, body)
        minutes = max(1, (int(seconds) + 59) // 60)
        permissions = "rw" if access == "Write" else "r"
        account = "md-{}{}".format("impexp-" if obj.upload_state else "", secrets.token_hex(6))

        def granted():
            output = {"accessSAS": self.cloud.sas_url(base_url, account, "abcd", minutes, permissions)}
            if body.get("getSecureVMGuestStateSAS") and obj.security_type:
                output["securityDataAccessSAS"] = self.cloud.sas_url(
                    base_url, account, "{}_vmgs".format(uuid.uuid4()), minutes, permissions)
            if access == "Write":
                obj.upload_state = "ActiveUpload"
            else:
                obj.sas_active = True
            return output

        return self.start_operation(obj, "DiskOperations", granted, result_in_status=True)

    def _revoke(self, obj):
        self.not_busy(obj)

        def revoked():
            obj.sas_active = False
            if obj.upload_state == "ActiveUpload":
                obj.upload_state = None  # the upload is over: an ordinary disk of the uploaded size
                obj.size_gb = upload_size_gb(obj.upload_size_bytes)
            return None

        return self.start_operation(obj, "DiskOperations", revoked)


def upload_size_gb(upload_size_bytes):
    """The size of an uploaded disk: ``uploadSizeBytes`` is the VHD with its 512-byte footer (20 GiB + 512 gives
    a 20 GiB disk, test_vm_disk_upload)."""
    return max(1, -(-(int(upload_size_bytes or 0) - 512) // 1024 ** 3))
