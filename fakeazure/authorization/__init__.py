"""Microsoft.Authorization: management locks (CanNotDelete / ReadOnly) and the caller's permissions."""
