"""Sales that waited for their money: completed by a confirmed payment or by the rest in
another method, voided when stranded, and money that came for a voided sale."""
