"""Files for analysts: the matrix, the book's downloads, the execution template, plan workbooks."""
