"""What the tests share besides fixtures: where things are, how to run `pom`, plans to spoil or grow,
books to build and pages to check. Imported as `tests.support.<module>`; conftest.py keeps the fixtures."""
