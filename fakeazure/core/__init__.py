"""What every resource provider of the fake shares: ids, errors, api-versions, operations, clocks, faults."""
