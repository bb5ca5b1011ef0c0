"""Full tax invoices (ใบกำกับภาษีเต็มรูป) on a buyer's request, and the credit notes
(ใบลดหนี้) of refunds against them.

A full tax invoice replaces the abbreviated one a sale printed (its receipt), names it, and is
numbered per till (the registered POS machine) without gaps: one per sale at most. A refund of
a sale that has one issues a credit note that references it, numbered per till likewise.
"""
