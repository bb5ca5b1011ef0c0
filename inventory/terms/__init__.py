"""Consignment terms: the commission, period, agreed markdowns and end of each entrepreneur's
goods. Terms are versions: a change applies to goods received afterwards."""
