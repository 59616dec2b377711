# Root conftest: registers the app-level fixtures (demo database, demo users) for every test folder.
pytest_plugins = ["tests.fixtures_app"]
