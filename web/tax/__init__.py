"""Full tax invoices and credit notes: issuing, printing and the month's register."""
