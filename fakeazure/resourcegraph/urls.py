from .responses import ResourceGraphResponse as R

url_table = [
    ("POST", "/providers/Microsoft.ResourceGraph/resources", "Microsoft.ResourceGraph/resources", R, "resources"),
]
