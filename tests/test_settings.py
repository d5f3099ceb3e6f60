"""Settings: the `.env` file in the repository root is read, and the environment wins over it."""

import re

import pytest

from bot import settings


@pytest.fixture
def env_file(tmp_path, monkeypatch):
    """Points the settings at a `.env` of the test's own, written by the test."""
    path = tmp_path / ".env"
    monkeypatch.setattr(settings, "ENV_FILE", path)
    settings._env_file.cache_clear()
    yield path
    settings._env_file.cache_clear()


def test_the_env_file_is_read_with_comments_quotes_and_export(env_file):
    env_file.write_text(
        "\n".join(
            [
                "# the bot's database",
                "DATABASE_URL=sqlite:///var/other.db",
                "",
                "export WEGWIJZER_DEMO_MUNICIPALITY = Katwijk",
                'WEGWIJZER_WIDGET_ORIGINS="https://www.leiden.nl https://www.katwijk.nl"',
                "WEGWIJZER_RASA_PUBLIC_URL='https://bot.example.nl/#chat'",
                "WEGWIJZER_RETENTION_DAYS=30  # a month",
                "not a setting",
            ]
        ),
        encoding="utf-8",
    )
    assert settings.parse_env_file(env_file) == {
        "DATABASE_URL": "sqlite:///var/other.db",
        "WEGWIJZER_DEMO_MUNICIPALITY": "Katwijk",
        "WEGWIJZER_WIDGET_ORIGINS": "https://www.leiden.nl https://www.katwijk.nl",
        "WEGWIJZER_RASA_PUBLIC_URL": "https://bot.example.nl/#chat",
        "WEGWIJZER_RETENTION_DAYS": "30",
    }


def test_the_environment_wins_over_the_env_file(env_file, monkeypatch):
    env_file.write_text("WEGWIJZER_DEMO_MUNICIPALITY=Katwijk\nWEGWIJZER_SECURE_COOKIES=1\n", encoding="utf-8")
    monkeypatch.delenv("WEGWIJZER_SECURE_COOKIES", raising=False)
    monkeypatch.setenv("WEGWIJZER_DEMO_MUNICIPALITY", "Leiderdorp")
    assert settings.demo_municipality() == "Leiderdorp"
    assert settings.secure_cookies() is True
    monkeypatch.setenv("WEGWIJZER_SECURE_COOKIES", "0")  # set, even to "off", beats the file
    assert settings.secure_cookies() is False


def test_without_an_env_file_the_defaults_hold(env_file, monkeypatch):
    monkeypatch.delenv("WEGWIJZER_DEMO_MUNICIPALITY", raising=False)
    monkeypatch.delenv("WEGWIJZER_WIDGET_ORIGINS", raising=False)
    assert not env_file.exists()
    assert settings.parse_env_file(env_file) == {}
    assert settings.demo_municipality() == "Leiden"
    assert settings.allowed_origins() == ["http://127.0.0.1:8080", "http://localhost:8080"]


def test_env_example_lists_every_setting_with_its_default():
    """`.env.example` is what an operator copies: every setting bot/settings.py reads, at its default."""
    lines = (settings.ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    # Each setting is there as a line to uncomment: "#NAME=default".
    listed = dict(line[1:].split("=", 1) for line in lines if re.match(r"#[A-Z_]+=", line))
    source = (settings.ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    read = re.findall(r'get\("([A-Z_]+)"(?:, "([^"]*)")?\)', source)
    assert len(read) > 15
    for name, default in read:
        if name == "WEGWIJZER_NEW_PASSWORD":  # a one-off input of one command, not a setting to keep
            continue
        assert name in listed, name
        assert listed[name] == default or not default, name


def test_run_sh_gets_the_env_file_settings_the_environment_does_not_set(env_file, monkeypatch):
    env_file.write_text("DB_PASSWORD=it's secret\nRASA_PORT=5005\n", encoding="utf-8")
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    monkeypatch.setenv("RASA_PORT", "6005")
    assert settings.shell_exports() == ["export DB_PASSWORD='it'\"'\"'s secret'"]
