"""Plans as data: reading CSV and Excel, the contract, validation, the loaded plan, commentary."""
