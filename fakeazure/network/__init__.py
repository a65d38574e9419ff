"""Microsoft.Network as far as VMs need it: virtual networks and subnets, NICs, public IPs, NSGs."""
