"""What every provider backend offers the Cloud, with the defaults for a backend that holds no ARM
resources of its own (e.g. the blob store behind boot-diagnostics SAS URLs)."""


class BaseBackend:
    def __init__(self, cloud):
        self.cloud = cloud

    def get_by_id(self, rid):  # pylint: disable=unused-argument
        """The model object of a resource id this backend owns, or None."""
        return None

    def generic_resources(self, subscription_id, group):  # pylint: disable=unused-argument
        """The group's resources in the generic listing shape (id, name, type, location, tags)."""
        return []

    def graph_rows(self, subscription_ids):  # pylint: disable=unused-argument
        """This backend's resources in the given subscriptions (lower-case ids) as Azure Resource Graph's
        ``resources`` table rows (id, name, type in lower case, location, resourceGroup, subscriptionId,
        tags, properties, ...)."""
        return []

    def delete_group_contents(self, subscription_id, group):  # pylint: disable=unused-argument
        """Drop every resource this backend holds in the group (its group is being deleted)."""
        return None

    def dump(self):
        return {}
