"""Microsoft.Compute: virtual machines, disks, snapshots, images, galleries, run command, boot diagnostics."""
