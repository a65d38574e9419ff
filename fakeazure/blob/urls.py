from .responses import BlobResponse as R

# No resource type: no bearer token and no api-version check (a SAS GET, as Storage serves it).
url_table = [
    ("GET", "/_blob/{container}/{blob}", None, R, "get_blob"),
    ("HEAD", "/_blob/{container}/{blob}", None, R, "get_blob"),
]
