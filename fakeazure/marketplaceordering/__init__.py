"""Microsoft.MarketplaceOrdering: the terms of marketplace offers that carry a purchase plan, and whether this
subscription accepted them (what ``az vm image terms show/accept`` read and write)."""
