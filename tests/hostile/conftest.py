"""The hostile-input suite shares the sandbox fixtures of the integration tests."""

from integration.conftest import course_env, sandbox, semester  # noqa: F401
