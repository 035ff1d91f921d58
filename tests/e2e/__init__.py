"""Real-browser tests (a package: tests/app and tests/e2e both hold test_<user>.py files)."""
